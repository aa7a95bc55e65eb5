"""PDF extraction speed: the project's extraction vs bare pdfplumber, same pages, same run.

    .venv/bin/python -m bench.pdf_bench [PDF ...] [--repeat N]

For every PDF with a text layer (default: corpus/*.pdf, scans skipped):
  ours      extractors.pdf.extract_pdf(path, ocr=False)   (tables, cells, Thai repair)
  ingest    pipeline.process.process_file(path, ocr=False) (extract + segment), if present
  bare      pdfplumber: page.extract_text() + page.extract_tables() for every page
Prints ms/page of each and the ratio ours/bare (target <= 1.5). The Thai dictionary is
loaded before timing (a one-off cost per process, reported separately).
"""
from __future__ import annotations

import argparse
import glob
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("PYTHAINLP_OFFLINE", "1")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _bare(path: str) -> int:
    import pdfplumber
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            page.extract_text()
            page.extract_tables()
        return len(pdf.pages)


def _has_text(path: str) -> bool:
    import pypdfium2 as pdfium
    doc = pdfium.PdfDocument(path)
    try:
        return any(doc[i].get_textpage().count_chars() > 0 for i in range(min(3, len(doc))))
    finally:
        doc.close()


def _best(f, repeat: int) -> float:
    best = None
    for _ in range(repeat):
        t0 = time.perf_counter()
        f()
        dt = time.perf_counter() - t0
        best = dt if best is None else min(best, dt)
    return best


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("pdfs", nargs="*")
    ap.add_argument("--repeat", type=int, default=1)
    a = ap.parse_args(argv)
    paths = a.pdfs or sorted(glob.glob(str(ROOT / "corpus" / "*.pdf")) + glob.glob(str(ROOT / "tests" / "fixtures" / "seed_pdf" / "*.pdf")))
    paths = [p for p in paths if _has_text(p)]
    from extractors import thai_repair
    from extractors.pdf import extract_pdf
    t0 = time.perf_counter()
    thai_repair.repair_text("ส านักงาน")
    thai_repair._ngrams()
    print(f"dictionary load (once per process): {1000 * (time.perf_counter() - t0):.0f} ms")
    try:
        from pipeline.process import process_file
    except Exception:                       # segmentation not there yet
        process_file = None
    tot = {"pages": 0, "ours": 0.0, "bare": 0.0, "ingest": 0.0}
    print(f"{'file':58} {'pages':>5} {'ours':>8} {'ingest':>8} {'bare':>8} {'ratio':>6}  (ms/page)")
    for p in paths:
        n = _bare(p)                        # warm the OS cache
        bare = _best(lambda: _bare(p), a.repeat)
        ours = _best(lambda: extract_pdf(p, ocr=False), a.repeat)
        ing = None
        if process_file is not None:
            try:
                ing = _best(lambda: process_file(p, ocr=False), a.repeat)
            except Exception as e:          # report, keep measuring
                print(f"  ingest failed on {Path(p).name}: {type(e).__name__}: {e}")
        tot["pages"] += n
        tot["ours"] += ours
        tot["bare"] += bare
        tot["ingest"] += ing or 0.0
        ing_s = f"{1000 * ing / n:8.1f}" if ing is not None else f"{'-':>8}"
        print(f"{Path(p).name[:58]:58} {n:5d} {1000 * ours / n:8.1f} {ing_s} {1000 * bare / n:8.1f} "
              f"{ours / bare:6.2f}")
    n = max(1, tot["pages"])
    ratio = tot["ours"] / max(1e-9, tot["bare"])
    print(f"{'TOTAL':58} {tot['pages']:5d} {1000 * tot['ours'] / n:8.1f} "
          f"{(1000 * tot['ingest'] / n) if process_file else float('nan'):8.1f} {1000 * tot['bare'] / n:8.1f} {ratio:6.2f}")
    print(f"pages/second: ours {n / max(1e-9, tot['ours']):.1f}, bare pdfplumber {n / max(1e-9, tot['bare']):.1f}; "
          f"ratio ours/bare {ratio:.2f} (target <= 1.5)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
