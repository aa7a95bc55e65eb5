"""OCR of pages without a usable text layer: Tesseract (Thai + English) via pytesseract.

A page is rendered with pypdfium2 at ``SCALE`` (2 = 144 dpi, enough for 14-16 pt Thai),
greyscale, and read with ``lang="tha+eng"``. Bounded: at most ``MAX_OCR_PAGES`` pages per
document (env ITA_MAX_OCR_PAGES) and ``TIMEOUT`` seconds per page.
"""
from __future__ import annotations

import os
import shutil
from functools import lru_cache

SCALE = 2.0
MAX_OCR_PAGES = int(os.environ.get("ITA_MAX_OCR_PAGES", "50"))
TIMEOUT = int(os.environ.get("ITA_OCR_TIMEOUT", "120"))
LANG = "tha+eng"


@lru_cache(maxsize=1)
def _probe() -> tuple[bool, str]:
    try:
        import pytesseract
    except ImportError:
        return False, "pytesseract is not installed (pip install pytesseract)"
    if not shutil.which(pytesseract.pytesseract.tesseract_cmd) and not shutil.which("tesseract"):
        return False, ("Tesseract is not installed (apt-get install tesseract-ocr tesseract-ocr-tha)")
    try:
        langs = set(pytesseract.get_languages(config=""))
    except Exception as e:
        return False, f"Tesseract does not run: {e}"
    if "tha" not in langs:
        return False, "Tesseract has no Thai model (apt-get install tesseract-ocr-tha)"
    return True, "tesseract " + str(pytesseract.get_tesseract_version()) + " with tha"


def tesseract_available() -> tuple[bool, str]:
    """(usable, message): Tesseract and its Thai model are installed."""
    return _probe()


def render(page, scale: float = SCALE):
    """pypdfium2 page -> greyscale PIL image (honours /Rotate)."""
    return page.render(scale=scale, grayscale=True).to_pil()


def ocr_page(page, scale: float = SCALE) -> str:
    """Text of one pypdfium2 page by Tesseract; raises on failure (caller decides)."""
    import pytesseract

    img = render(page, scale)
    return pytesseract.image_to_string(img, lang=LANG, config="--psm 3", timeout=TIMEOUT)
