"""One scanned page -> blocks (tables of cells, paragraphs), read from the page image.

The interface the PDF extractor calls (keep it stable):

    ocr_available() -> (ok, install hint or reason)
    image_coverage(pdfium_page) -> share of the page covered by images without text on them
    image_boxes(pdfium_page) -> those images' boxes (PDF points, display space)
    content_images(boxes, char_centres), covered_share(boxes, w, h): the same from a page model
    wants_ocr(chars, quality, image_share) -> the per-page decision (thresholds here only)
    read_page(pdfium_page, page_no, dpi=None) -> OcrPage(blocks, info, warnings)
    estimate_ocr_pages(path) -> pages of a PDF that will be OCR'd (cheap: no rendering)
    OCR_SECONDS_PER_PAGE: what the per-document time limit adds per page to OCR

``read_page``: render (``ocr_image.render``, DEFAULT_DPI, capped in pixels), flatten the
background, level the page (skew from the projection profile), find ruling lines by
morphology and the grids they make (``ocr_grid``), erase the rules; Tesseract
(``ocr.recognize``, one engine per process) reads the page outside the tables once and each
table cell on its own, characters with boxes; Thai digits are re-read from the image
(``ocr_digits``); each character goes to the cell holding its centre (``ocr_cells``), the
rest becomes paragraphs; text is joined and repaired (``ocr_repair``).
Coordinates: PDF points, display space (origin top-left), of the levelled page.
For the PDF extractor: ``flow_blocks`` wraps the tables for ``pdf_flow`` (continuation over
pages by column edges), ``merge_typed`` keeps a typed page's text beside its OCR'd images.
"""
from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from typing import Optional, Union

from pipeline.records import PageInfo, Paragraph, Table

from extractors import ocr, ocr_cells, ocr_digits, ocr_grid, ocr_image
from extractors.quality import OCR_THRESHOLD, text_quality

DEFAULT_DPI = int(os.environ.get("ITA_OCR_DPI", "200"))    # chosen by bench/ocr_bench.py (see README)
MAX_OCR_PAGES = int(os.environ.get("ITA_MAX_OCR_PAGES", "50"))
OCR_SECONDS_PER_PAGE = float(os.environ.get("ITA_OCR_SECONDS_PER_PAGE", "20"))
IMAGE_SHARE = 0.25          # images without text on them covering this much of the page: OCR
                            # (a table pasted as a picture under typed headings covers 0.3-0.5;
                            # the logos and signatures of typed reports under 0.05)

Block = Union[Paragraph, Table]


@dataclass
class OcrPage:
    blocks: list[tuple[float, Block]]          # (top in PDF points, block), top to bottom
    info: PageInfo                             # method="ocr", chars, quality, ocr_confidence
    warnings: list[str] = field(default_factory=list)


def ocr_available() -> tuple[bool, str]:
    """(True, engine description) or (False, what to install)."""
    return ocr.tesseract_available()


def wants_ocr(chars: int, quality: Optional[float], image_share: float) -> bool:
    """OCR a page without a text layer, with a text layer that does not read as Thai, or
    whose content is mostly an image (a scan under a typed heading, a table pasted as a
    picture)."""
    if chars == 0:
        return True
    if quality is not None and quality < OCR_THRESHOLD:
        return True
    return image_share >= IMAGE_SHARE


def _user_to_display(box, page) -> tuple[float, float, float, float]:
    """pdfium user space (left, bottom, right, top) -> display (x0, top, x1, bottom)."""
    left, bottom, right, top = box
    x0, y0, x1, y1 = page.get_mediabox()
    rot = page.get_rotation() % 360
    if rot == 90:
        return (bottom - y0, left - x0, top - y0, right - x0)
    if rot == 180:
        return (x1 - right, bottom - y0, x1 - left, top - y0)
    if rot == 270:
        return (y1 - top, x1 - right, y1 - bottom, x1 - left)
    return (left - x0, y1 - top, right - x0, y1 - bottom)


def content_images(images, points) -> list[tuple[float, float, float, float]]:
    """The image boxes that no (or almost no) character centre of ``points`` lies on: a
    background under typed text is not content to OCR. Any one coordinate space."""
    out = []
    for x0, y0, x1, y1 in images:
        on = sum(1 for x, y in points if x0 <= x <= x1 and y0 <= y <= y1)
        if on <= max(2, 0.05 * len(points)):
            out.append((x0, y0, x1, y1))
    return out


def covered_share(boxes, width: float, height: float) -> float:
    """Share (0..1) of a width x height page covered by the boxes, overlaps once
    (measured on a 100 x 100 raster)."""
    import numpy as np

    if not boxes or width <= 0 or height <= 0:
        return 0.0
    grid = np.zeros((100, 100), dtype=bool)
    for x0, y0, x1, y1 in boxes:
        c0, c1 = int(max(0, x0 / width * 100)), int(min(100, np.ceil(x1 / width * 100)))
        r0, r1 = int(max(0, y0 / height * 100)), int(min(100, np.ceil(y1 / height * 100)))
        grid[r0:r1, c0:c1] = True
    return round(float(grid.mean()), 3)


def _image_user_boxes(page) -> list[tuple[float, float, float, float]]:
    """Boxes (user space, origin at the media box corner) of images with no text on them."""
    import pypdfium2.raw as pdfium_c

    mx, my, _, _ = page.get_mediabox()
    boxes = []
    for obj in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE], max_depth=4):
        try:
            l, b, r, t = obj.get_bounds()
            boxes.append((l - mx, b - my, r - mx, t - my))
        except Exception:  # noqa: BLE001 - an image without bounds is no content
            continue
    if not boxes:
        return []
    tp = page.get_textpage()
    try:
        n = tp.count_chars()
        centres = []
        for i in range(0, n, max(1, n // 400)):          # a sample is enough to tell
            l, b, r, t = tp.get_charbox(i)
            if r > l:
                centres.append(((l + r) / 2 - mx, (b + t) / 2 - my))
    finally:
        tp.close()
    return content_images(boxes, centres)


def image_boxes(page) -> list[tuple[float, float, float, float]]:
    mx, my, _, _ = page.get_mediabox()
    return [_user_to_display((l + mx, b + my, r + mx, t + my), page) for l, b, r, t in _image_user_boxes(page)]


def image_coverage(page) -> float:
    """Share (0..1) of the page area covered by images with no text on them."""
    x0, y0, x1, y1 = page.get_mediabox()
    return covered_share(_image_user_boxes(page), x1 - x0, y1 - y0)


def estimate_ocr_pages(path: str, limit: int = MAX_OCR_PAGES) -> int:
    """Pages of a PDF that will be OCR'd, judged from the character count and the images
    (no rendering, no text quality: a few ms a page; at most ``4 * limit`` pages looked
    at). 0 for anything that is not a PDF."""
    try:
        with open(path, "rb") as f:
            if b"%PDF-" not in f.read(1024):
                return 0
        import pypdfium2 as pdfium
        doc = pdfium.PdfDocument(path)
    except Exception:  # noqa: BLE001 - not a readable PDF: the extractor will say why
        return 0
    try:
        n = 0
        for i in range(min(len(doc), 4 * limit)):
            page = doc[i]
            tp = page.get_textpage()
            chars = tp.count_chars()
            tp.close()
            if chars == 0 or wants_ocr(chars, None, image_coverage(page)):   # a scan: no object walk
                n += 1
                if n >= limit:
                    break
        return n
    finally:
        doc.close()


def extra_seconds(path: str) -> float:
    """What the per-document time limit grows by for this file's OCR."""
    return OCR_SECONDS_PER_PAGE * estimate_ocr_pages(path)


def flow_blocks(blocks: list[tuple[float, Block]]) -> list:
    """OCR blocks as the PDF extractor's page blocks (tables wrapped for ``pdf_flow``)."""
    return [(top, ocr_cells.page_table(b) if isinstance(b, Table) else b) for top, b in blocks]


def merge_typed(typed: list, read: list[tuple[float, Block]], images) -> list:
    """A typed page OCR'd for its images: its own blocks off the images, and what OCR read
    on them (tables, and text that reads as Thai: not a photo's noise)."""
    def on_image(top: float, bbox) -> bool:
        bb = bbox or (0.0, top, 0.0, top)
        cx, cy = (bb[0] + bb[2]) / 2, (bb[1] + bb[3]) / 2
        return any(x0 <= cx <= x1 and t <= cy <= b for x0, t, x1, b in images)

    def box(b):
        return b.bbox if isinstance(b, Paragraph) else getattr(getattr(b, "table", b), "bbox", None)

    kept = [(top, b) for top, b in typed if not on_image(top, box(b))]
    new = [(top, b) for top, b in flow_blocks(read) if on_image(top, box(b)) and
           (not isinstance(b, Paragraph) or text_quality(b.text) >= OCR_THRESHOLD)]
    return sorted(kept + new, key=lambda tb: tb[0])


def read_page(page, page_no: int, *, dpi: Optional[int] = None, timings: Optional[dict] = None) -> OcrPage:
    """OCR one pypdfium2 page. Raises RuntimeError when Tesseract is not available.
    ``timings``, when given, receives the seconds of each stage (bench/ocr_bench.py)."""
    from PIL import Image

    clock = _Clock(timings)
    img = ocr_image.render(page, dpi or DEFAULT_DPI)
    warnings = [f"page {page_no}: {w}" for w in img.warnings]
    em = img.em
    clock.lap("render")
    flat = ocr_image.flatten(img.gray, em)
    mask = ocr_image.ink(flat)
    angle = ocr_image.skew_angle(mask)
    if abs(angle) >= ocr_image.MIN_ROTATION:
        img.gray = ocr_image.rotate(img.gray, angle, 255)
        flat = ocr_image.flatten(img.gray, em)
        mask = ocr_image.ink(flat)
    ocr_image.despeckle(flat, mask, em)
    clock.lap("level")
    horizontal, vertical = ocr_image.rules(ocr_image.faint_ink(flat), em)
    grids = ocr_grid.find_grids(horizontal, vertical, em)
    rules = horizontal | vertical
    clock.lap("rules+grid")
    clean = ocr_image.erase(flat, rules, em)
    rec = ocr.recognize(Image.fromarray(ocr_image.blank(clean, [g.bbox for g in grids])))
    if grids:                     # each cell read on its own: narrow columns are kept
        boxes = [box for g in grids for box in ocr_grid.cell_boxes(g, em) if ocr_image.has_text(mask, box, em)]
        rec.extend(ocr.recognize(Image.fromarray(clean), cells=boxes))
    clock.lap("ocr")
    ocr_digits.reread(rec, ocr_image.erase(mask, rules, em, fill=0), em)
    clock.lap("digits")
    blocks = ocr_cells.page_blocks(rec, grids, img.scale, page_no)
    text = "\n".join(ocr_cells.block_text(b) for _, b in blocks)
    chars = sum(1 for c in text if not c.isspace())
    info = PageInfo(page=page_no, chars=chars, quality=text_quality(text) if text.strip() else None,
                    method="ocr", ocr_confidence=rec.confidence,
                    width=round(page.get_width(), 2), height=round(page.get_height(), 2))
    clock.lap("assign+repair")
    return OcrPage(blocks, info, warnings)


class _Clock:
    def __init__(self, out: Optional[dict]):
        self.out = out
        self.t = time.process_time()        # CPU seconds: fair on a busy machine

    def lap(self, name: str) -> None:
        if self.out is not None:
            now = time.process_time()
            self.out[name] = self.out.get(name, 0.0) + now - self.t
            self.t = now
