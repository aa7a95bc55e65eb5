"""Table structure found on the committed scans: img2table against extractors/ocr_grid.py.

The reference is the original PDFs' vector tables (pdfplumber ``find_tables`` on the file the
scan was made from): per page, each reference table (3+ rows) counts as found when a table
of the same number of rows and columns is found on the scan. Structure only (no OCR), so
the two are timed on the same work. img2table is not a dependency of the project; run this
with an interpreter that has it and the project on the path:

  python3 -m venv /tmp/i2t && /tmp/i2t/bin/pip install img2table pdfplumber pypdfium2 pythainlp   (img2table brings opencv-contrib)
  PYTHONPATH=. /tmp/i2t/bin/python scripts/compare_img2table.py
"""
from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
SCANS = ROOT / "tests" / "fixtures" / "scans"
ORIGINALS = [ROOT / "corpus", ROOT / "tests" / "fixtures" / "seed_pdf"]
DPI = 200


def reference(pdf: Path) -> dict[int, list[tuple[int, int]]]:
    import pdfplumber

    out = {}
    with pdfplumber.open(str(pdf)) as pl:
        for i, page in enumerate(pl.pages):
            out[i] = sorted((len(t.rows), max(len(r.cells) for r in t.rows))
                            for t in page.find_tables() if len(t.rows) >= 3)
    return out


def ours(scan: Path) -> tuple[dict[int, list[tuple[int, int]]], float]:
    import pypdfium2 as pdfium

    from extractors import ocr_grid, ocr_image

    doc = pdfium.PdfDocument(str(scan))
    out, secs = {}, 0.0
    for i in range(len(doc)):
        t = time.process_time()
        img = ocr_image.render(doc[i], DPI)
        em = img.em
        img.gray = ocr_image.rotate(img.gray, ocr_image.skew_angle(ocr_image.ink(ocr_image.flatten(img.gray, em))), 255)
        h, v = ocr_image.rules(ocr_image.faint_ink(ocr_image.flatten(img.gray, em)), em)
        grids = ocr_grid.find_grids(h, v, em)
        secs += time.process_time() - t
        out[i] = sorted((len(g.ys) - 1, len(g.xs) - 1) for g in grids if len(g.ys) - 1 >= 3)
    return out, secs


def img2table(scan: Path) -> tuple[dict[int, list[tuple[int, int]]], float]:
    from img2table.document import PDF

    t = time.process_time()
    doc = PDF(str(scan), detect_rotation=True, pdf_text_extraction=False)    # 200 dpi; its own deskew
    found = doc.extract_tables(ocr=None, implicit_rows=False, borderless_tables=False)
    secs = time.process_time() - t
    out = {}
    for i, tables in found.items():
        out[i] = sorted((len(tb.content), max(len(r) for r in tb.content.values()))
                        for tb in tables if len(tb.content) >= 3)
    return out, secs


def score(ref, got) -> tuple[int, int]:
    hit = total = 0
    for page, tables in ref.items():
        pool = list(got.get(page, []))
        for shape in tables:
            total += 1
            if shape in pool:
                pool.remove(shape)
                hit += 1
    return hit, total


def main() -> int:
    rows = []
    for scan in sorted(SCANS.glob("*.pdf")):
        orig = next(d / scan.name for d in ORIGINALS if (d / scan.name).exists())
        ref = reference(orig)
        a, ta = ours(scan)
        b, tb = img2table(scan)
        rows.append((scan.name, score(ref, a), ta, score(ref, b), tb))
    for name, (ha, n), ta, (hb, _), tb in rows:
        print(f"{name[:40]:40s} tables {n:2d}: ocr_grid {ha:2d} ({ta:.1f} s)  img2table {hb:2d} ({tb:.1f} s)")
    tot = [sum(r[1][1] for r in rows), sum(r[1][0] for r in rows), sum(r[2] for r in rows),
           sum(r[3][0] for r in rows), sum(r[4] for r in rows)]
    print(f"all: {tot[0]} reference tables; ocr_grid finds {tot[1]} with the right shape in {tot[2]:.1f} CPU s, "
          f"img2table {tot[3]} in {tot[4]:.1f} CPU s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
