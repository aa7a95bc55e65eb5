"""Build schemas/thai_digit_templates.npz: the Thai digits ๐-๙ drawn in the Thai fonts of
this machine (fonts-thai-tlwg, fonts-noto), normalised like ``extractors.ocr_digits``
normalises a digit cut from a scan. Tesseract's Thai model confuses ๖/๒, ๗/๐/๓ and reads
๓๑ as "me"; the scan's digits are re-read against these templates.

  .venv/bin/python scripts/make_digit_templates.py      # rewrites the committed file
"""
from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from extractors.ocr_digits import DIGITS, TEMPLATES, normalise  # noqa: E402

FONT_DIRS = [Path("/usr/share/fonts/truetype/tlwg"), Path("/usr/share/fonts/opentype/tlwg"),
             Path("/usr/share/fonts/truetype/noto")]
SIZE = 96


def fonts() -> list[Path]:
    out = []
    for d in FONT_DIRS:
        for f in sorted(d.glob("*")):
            if f.suffix.lower() not in (".ttf", ".otf"):
                continue
            name = f.stem.lower()
            if "thai" in name or d.name == "tlwg":
                if any(k in name for k in ("mono", "typewriter", "typist", "typo", "oblique", "italic")):
                    continue        # typewriter and slanted faces: not in reports
                out.append(f)
    return out


SCAN_SIZES = (22, 30)     # px per em of the scans' digits at 150-200 dpi: drawn small, blurred


def glyph(font: ImageFont.FreeTypeFont, ch: str, blur: float = 0.0) -> np.ndarray:
    size = font.size
    img = Image.new("L", (size * 2, size * 2), 0)
    ImageDraw.Draw(img).text((size // 2, size // 2), ch, fill=255, font=font)
    if blur:
        img = img.filter(ImageFilter.GaussianBlur(blur))
    return (np.asarray(img) > 110).astype(np.uint8) * 255


def main() -> int:
    vecs, labels, names = [], [], []
    for f in fonts():
        font = ImageFont.truetype(str(f), SIZE)
        shapes = [glyph(font, d) for d in DIGITS]
        if any(not s.any() for s in shapes) or len({s.tobytes() for s in shapes}) < 10:
            continue                         # the font has no Thai digits (drew boxes)
        for k, s in enumerate(shapes):
            vecs.append(normalise(s))
            labels.append(k)
        for px in SCAN_SIZES:                # as a scan at 150-200 dpi shows them
            small = ImageFont.truetype(str(f), px)
            for k, d in enumerate(DIGITS):
                vecs.append(normalise(glyph(small, d, blur=0.7)))
                labels.append(k)
        names.append(f.name)
    np.savez_compressed(TEMPLATES, vectors=np.array(vecs, dtype=np.float32), labels=np.array(labels, dtype=np.int8),
                        fonts=np.array(names))
    print(f"{TEMPLATES.relative_to(ROOT)}: {len(names)} fonts, {len(vecs)} templates")
    return 0


if __name__ == "__main__":
    sys.exit(main())
