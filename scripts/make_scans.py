"""Make scan-like, image-only PDFs from PDFs nobody here made (test material for OCR).

Each page is rendered to greyscale at 150-200 dpi, rotated by 0.5-2 degrees (either way),
given speckle noise and a little blur, JPEG-compressed and placed alone on a page of the
original size: the PDF has no text layer, like a printed-and-scanned report. The output
keeps the input's file stem so that its gold (tests/gold/STEM.gold.json) scores it.

  .venv/bin/python scripts/make_scans.py [--out tests/fixtures/scans] PDF...
  make scans          # the committed fixtures: the real reports and the seed renderings

Deterministic: the random generator is seeded from the file name.
"""
from __future__ import annotations

import argparse
import hashlib
import io
import sys
from pathlib import Path

import numpy as np
import pypdfium2 as pdfium
from PIL import Image, ImageFilter

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_INPUTS = [
    *sorted((ROOT / "corpus").glob("ita_measures_namyuen_hosp_*.pdf")),
    *sorted((ROOT / "tests" / "fixtures" / "seed_pdf").glob("*.pdf")),
]


def scan_image(page, rng: np.random.Generator, dpi: int, angle: float) -> Image.Image:
    img = page.render(scale=dpi / 72, grayscale=True).to_pil().convert("L")
    img = img.rotate(angle, resample=Image.BICUBIC, expand=False, fillcolor=255)
    img = img.filter(ImageFilter.GaussianBlur(0.6))
    a = np.asarray(img, dtype=np.int16)
    a = a + rng.normal(0, 5, a.shape).astype(np.int16)            # sensor noise
    speck = rng.random(a.shape)
    a[speck < 0.0005] = 30                                         # dark specks
    a[speck > 0.9995] = 255                                        # drop-outs in the ink
    paper = int(rng.integers(225, 245))                            # greyish paper
    a = np.where(a > paper, paper, a)
    return Image.fromarray(np.clip(a, 0, 255).astype(np.uint8), "L")


def make_scan(src: Path, out: Path, *, quality: int = 35) -> dict:
    seed = int(hashlib.sha256(src.name.encode()).hexdigest()[:8], 16)
    rng = np.random.default_rng(seed)
    doc = pdfium.PdfDocument(str(src))
    new = pdfium.PdfDocument.new()
    angles = []
    try:
        for i in range(len(doc)):
            page = doc[i]
            w, h = page.get_size()
            dpi = int(rng.choice([150, 175, 200]))
            angle = float(rng.uniform(0.5, 2.0) * rng.choice([-1, 1]))
            angles.append(round(angle, 2))
            img = scan_image(page, rng, dpi, angle)
            buf = io.BytesIO()
            img.save(buf, format="JPEG", quality=quality, optimize=True)
            buf.seek(0)
            np_page = new.new_page(w, h)
            obj = pdfium.PdfImage.new(new)
            obj.load_jpeg(buf, inline=False)
            obj.set_matrix(pdfium.PdfMatrix().scale(w, h))
            np_page.insert_obj(obj)
            np_page.gen_content()
        out.parent.mkdir(parents=True, exist_ok=True)
        new.save(str(out))
    finally:
        new.close()
        doc.close()
    return {"file": out.name, "pages": len(angles), "angles": angles, "kb": out.stat().st_size // 1024}


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("pdfs", nargs="*", type=Path)
    ap.add_argument("--out", type=Path, default=ROOT / "tests" / "fixtures" / "scans")
    a = ap.parse_args(argv)
    for src in a.pdfs or DEFAULT_INPUTS:
        info = make_scan(src, a.out / src.name)
        print(f"{info['file']}: {info['pages']} pages, {info['kb']} KB, rotated {info['angles']}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
