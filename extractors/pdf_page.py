"""One PDF page as plain data, from one parser (pypdfium2).

``read_page(pdfium_page, page_no)`` -> ``PageModel``: the characters (text, box, stream
position, size, bold), the ruling segments (thin filled rectangles and stroked axis-parallel
lines, collinear pieces merged), the filled rectangles (shading) and the image boxes. All
in display space: origin top-left, y down, after /Rotate, in PDF points.

Why pdfium and not pdfminer: pdfium honours /ActualText (Word's Thai comes out right) and
reads characters and path objects ~15-50x faster; nothing on the hot path parses a page twice.
"""
from __future__ import annotations

import re
import statistics
from dataclasses import dataclass, field

from extractors.pdf_settings import DEFAULT, TableSettings
from pipeline.records import ExtractionError

MARK = re.compile("[\u0e31\u0e34-\u0e3a\u0e47-\u0e4e]")
SOFT_HYPHEN = "\u00ad"           # what pdfium's generated line-break hyphen becomes
DEFAULT_EM = 12.0                # pt: the em of a page without text (rules only)
BAND_ABOVE, BAND_BELOW = 0.75, 0.2   # a character's band: this many font sizes above/below its baseline


@dataclass
class Ch:
    c: str
    x0: float
    top: float
    x1: float
    bottom: float
    space_before: bool = False
    idx: int = -1              # position in the page's character stream (spaces not counted)
    hard_space: bool = False   # the space before is in the PDF (not one pdfium generated)
    bold: bool = False
    size: float = 0.0          # font size as drawn (font size x text matrix scale), pt

    @property
    def cx(self) -> float:
        return (self.x0 + self.x1) / 2

    @property
    def cy(self) -> float:
        return (self.top + self.bottom) / 2


@dataclass
class Rule:
    """A ruling line: horizontal (``pos`` = y, ``a``..``b`` = x range) or vertical
    (``pos`` = x, ``a``..``b`` = y range)."""
    orient: str                # "h" | "v"
    pos: float
    a: float
    b: float
    dashed: bool = False
    soft: bool = False         # only the edge of shaded areas (zebra stripes), no drawn line

    @property
    def length(self) -> float:
        return self.b - self.a


@dataclass
class Fill:
    x0: float
    top: float
    x1: float
    bottom: float
    grey: float                # luminance of the fill colour, 0 black .. 1 white


@dataclass
class PageModel:
    page_no: int
    width: float
    height: float
    chars: list[Ch] = field(default_factory=list)
    hrules: list[Rule] = field(default_factory=list)
    vrules: list[Rule] = field(default_factory=list)
    fills: list[Fill] = field(default_factory=list)
    images: list[tuple[float, float, float, float]] = field(default_factory=list)
    em: float = DEFAULT_EM
    warnings: list[str] = field(default_factory=list)


# ---------------------------------------------------------------- opening
def check_file(path: str) -> None:
    """Errors a person can act on, before the parser sees the bytes."""
    try:
        with open(path, "rb") as f:
            head = f.read(2048)
            f.seek(0, 2)
            size = f.tell()
            f.seek(max(0, size - 2048))
            tail = f.read()
    except OSError as e:
        raise ExtractionError(f"cannot read file: {e.strerror or e}") from e
    if not head.strip():
        raise ExtractionError("empty file: not a PDF")
    if b"%PDF-" not in head[:1024]:
        start = head.lstrip()[:200].lower()
        if start.startswith((b"<!doctype", b"<html", b"<?xml", b"<head", b"<body")) or b"<html" in start:
            raise ExtractionError("not a PDF (looks like HTML): probably an error page saved under a .pdf name")
        raise ExtractionError("not a PDF (no PDF header): the file is damaged or of another kind")
    if b"%%EOF" not in tail:
        raise ExtractionError("truncated or corrupt PDF: the file ends before the PDF trailer "
                              "(incomplete download?)")


def open_document(path: str):
    import pypdfium2 as pdfium

    try:
        doc = pdfium.PdfDocument(path)
    except pdfium.PdfiumError as e:
        if "password" in str(e).lower():
            raise ExtractionError("password-protected PDF: it needs a password to open; "
                                  "ask the agency for an unprotected copy") from e
        raise ExtractionError(f"truncated or corrupt PDF: {e}") from e
    if len(doc) == 0:
        doc.close()
        raise ExtractionError("truncated or corrupt PDF: no readable pages")
    return doc


# ---------------------------------------------------------------- coordinates
class _Space:
    """PDF user space (origin bottom-left, unrotated) -> display space."""

    def __init__(self, page):
        self.rot = page.get_rotation() % 360
        self.mb = tuple(page.get_mediabox())
        w, h = self.mb[2] - self.mb[0], self.mb[3] - self.mb[1]
        self.width, self.height = (h, w) if self.rot in (90, 270) else (w, h)

    def box(self, l, b, r, t):
        """(left, bottom, right, top) -> (x0, top, x1, bottom)."""
        x0, y0, x1, y1 = self.mb
        if self.rot == 90:
            return (b - y0, l - x0, t - y0, r - x0)
        if self.rot == 180:
            return (x1 - r, b - y0, x1 - l, t - y0)
        if self.rot == 270:
            return (y1 - t, x1 - r, y1 - b, x1 - l)
        return (l - x0, y1 - t, r - x0, y1 - b)


# ---------------------------------------------------------------- characters
def document_em(doc, sample_pages: int = 12, per_page: int = 400) -> float:
    """The document's font size: the median over a sample of pages (a cover page in 40 pt
    or a page of tiny footnotes does not set the unit for the others)."""
    import pypdfium2.raw as pdfium_c

    n = len(doc)
    picks = sorted({int(k * n / sample_pages) for k in range(min(n, sample_pages))})
    matrix = pdfium_c.FS_MATRIX()
    sizes: list[float] = []
    for i in picks:
        page = doc[i]
        tp = page.get_textpage()
        try:
            count = tp.count_chars()
            for k in range(0, max(0, count), max(1, count // per_page)):
                c = chr(pdfium_c.FPDFText_GetUnicode(tp.raw, k))
                if "\u0e01" <= c <= "\u0e2e" or c.isalnum():
                    pdfium_c.FPDFText_GetMatrix(tp.raw, k, matrix)
                    size = pdfium_c.FPDFText_GetFontSize(tp.raw, k) * \
                        abs(matrix.a * matrix.d - matrix.b * matrix.c) ** 0.5
                    if 3.0 <= size <= 100.0:
                        sizes.append(size)
        finally:
            tp.close()
            page.close()
    return statistics.median(sizes) if sizes else DEFAULT_EM


def read_page(page, page_no: int, s: TableSettings = DEFAULT, doc_em=None) -> PageModel:
    """The page as plain data. Its em is its own font size when it has enough text, else
    the document's (``doc_em``: a number, or a function that works it out when asked)."""
    from extractors.pdf_chars import page_chars, page_em
    from extractors.pdf_graphics import merge_rules, page_graphics

    space = _Space(page)
    tp = page.get_textpage()
    try:
        chars = page_chars(page, tp, space)
    finally:
        tp.close()
    em = page_em(chars)
    if doc_em and len(chars) < 300:
        em = doc_em() if callable(doc_em) else doc_em
    pieces, fills, images = page_graphics(page, space, em, s)
    hrules, vrules = merge_rules(pieces, em, s)
    return PageModel(page_no, space.width, space.height, chars, hrules, vrules, fills, images, em)
