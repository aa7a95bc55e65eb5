"""One PDF page as plain data, from one parser (pypdfium2).

``read_page(pdfium_page, page_no)`` -> ``PageModel``: the characters (text, box, stream
position, size, bold), the ruling segments (thin filled rectangles and stroked axis-parallel
lines, collinear pieces merged), the filled rectangles (shading) and the image boxes. All
in display space: origin top-left, y down, after /Rotate, in PDF points.

Why pdfium and not pdfminer: pdfium honours /ActualText (Word's Thai comes out right) and
reads characters and path objects ~15-50x faster; nothing on the hot path parses a page twice.
"""
from __future__ import annotations

import ctypes
import re
import statistics
from dataclasses import dataclass, field
from typing import Optional

from extractors.pdf_settings import DEFAULT, TableSettings
from pipeline.records import ExtractionError

MARK = re.compile("[\u0e31\u0e34-\u0e3a\u0e47-\u0e4e]")
_SPACES = " \t\u00a0"
_INVISIBLE = "\r\n\u200b\ufeff\x00"
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

    def image_share(self) -> float:
        """Share of the page area covered by images (overlaps counted once, on a grid)."""
        if not self.images or self.width <= 0 or self.height <= 0:
            return 0.0
        n = 40
        cw, chh = self.width / n, self.height / n
        hit = 0
        for i in range(n):
            for j in range(n):
                x, y = (i + 0.5) * cw, (j + 0.5) * chh
                if any(a <= x <= c and b <= y <= d for a, b, c, d in self.images):
                    hit += 1
        return hit / (n * n)


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
_SYMBOL_FONTS = None


def _symbol(textpage, i: int, c: str) -> str:
    """A private-use character of a symbol font (Wingdings' tick box) as its Unicode
    symbol, by the font's name (schemas/symbol_fonts.json); else unchanged."""
    global _SYMBOL_FONTS
    import pypdfium2.raw as pdfium_c

    if _SYMBOL_FONTS is None:
        from pipeline.vocab import load_json
        _SYMBOL_FONTS = [(name, {int(k, 16): v for k, v in table.items()})
                         for name, table in load_json("symbol_fonts.json")["fonts"].items()]
    buf = ctypes.create_string_buffer(128)
    flags = ctypes.c_int()
    n = pdfium_c.FPDFText_GetFontInfo(textpage.raw, i, buf, 128, flags)
    font = re.sub(r"[\s_-]", "", buf.value.decode("latin-1", "replace").lower()) if n else ""
    code = ord(c) - 0xF000
    for name, table in _SYMBOL_FONTS:
        if name.replace(" ", "") in font:
            return table.get(code, c)
    return c


def page_chars(page, textpage, space: _Space) -> list[Ch]:
    """Characters in stream order, no spaces (a space sets ``space_before`` of the next
    character), duplicates dropped (Canva and Skia write some glyph clusters twice)."""
    import pypdfium2.raw as pdfium_c

    tp = textpage
    n = tp.count_chars()
    if n <= 0:
        return []
    text = tp.get_text_range(0, n)
    if len(text) != n:       # surrogate pairs etc.: per-character reads
        text = "".join(tp.get_text_range(i, 1)[:1] or " " for i in range(n))
    rect = pdfium_c.FS_RECTF()
    loose = pdfium_c.FPDFText_GetLooseCharBox
    weight = pdfium_c.FPDFText_GetFontWeight
    font_size = pdfium_c.FPDFText_GetFontSize
    get_matrix = pdfium_c.FPDFText_GetMatrix
    matrix = pdfium_c.FS_MATRIX()
    generated = pdfium_c.FPDFText_IsGenerated
    origin = pdfium_c.FPDFText_GetCharOrigin
    ox, oy = ctypes.c_double(), ctypes.c_double()
    raw = tp.raw
    out: list[Ch] = []
    seen = set()
    sp = hard = False
    for i, c in enumerate(text):
        if c in "\ufffe\x02":          # pdfium: a hyphen it generated at a line break
            c = SOFT_HYPHEN
        if c in _SPACES:
            sp = True
            hard = hard or not generated(raw, i)
            continue
        if c in _INVISIBLE:
            continue
        if "\uf020" <= c <= "\uf0ff":
            c = _symbol(tp, i, c)
        loose(raw, i, rect)
        x0, top, x1, bottom = space.box(rect.left, rect.bottom, rect.right, rect.top)
        get_matrix(raw, i, matrix)
        size = font_size(raw, i) * abs(matrix.a * matrix.d - matrix.b * matrix.c) ** 0.5
        if 3.0 <= size <= 200.0 and origin(raw, i, ox, oy) and abs(matrix.b) < 1e-3 and abs(matrix.c) < 1e-3:
            # one band per line, from the baseline: loose boxes of one line differ in
            # height by producer (Skia: clusters get glyph boxes, other letters the font's)
            base = space.box(ox.value, oy.value, ox.value, oy.value)[1]
            top, bottom = base - BAND_ABOVE * size, base + BAND_BELOW * size
        key = (c, round(x0), round(top))
        if key in seen:
            continue
        seen.add(key)
        if sp and not hard and out and out[-1].c == "\u0e33" and "\u0e01" <= c <= "\u0e4e" \
                and x0 - out[-1].x1 < 0.6 * out[-1].size:
            # Skia draws sara am wider than its box: pdfium sees white and makes up a
            # space ("ดำ เนินการ"); the sara am reaches the next letter
            out[-1].x1 = x0
            sp = False
        w = weight(raw, i)
        out.append(Ch(c, x0, top, x1, bottom, sp, len(out), hard, 600 <= w <= 1000, size))
        sp = hard = False
    return drop_doubled_clusters(out)


_CLUSTER_MARK = re.compile("[\u0e31\u0e33-\u0e3a\u0e47-\u0e4e]")


def drop_doubled_clusters(chars: list[Ch]) -> list[Ch]:
    """Skia (Chrome, Google Docs) wraps each glyph of a Thai cluster in the cluster's
    /ActualText, so pdfium reads "ชี้" once per glyph ("ตัวชี้วัชี้ วัด"). A repeat is a run
    of 2-4 characters with a mark that equals a run just before it in the stream and lies
    on top of it (inside its x extent, on its line): legitimate text never repeats a
    cluster in place."""
    out: list[Ch] = []
    i, n = 0, len(chars)
    while i < n:
        dropped = 0
        for size in (4, 3, 2):
            seq = chars[i:i + size]
            if len(seq) < size or not any(_CLUSTER_MARK.match(c.c) for c in seq):
                continue
            text = "".join(c.c for c in seq)
            for j in range(max(0, len(out) - 12), len(out) - size + 1):
                orig = out[j:j + size]
                if "".join(c.c for c in orig) != text:
                    continue
                h = max(1e-3, max(c.bottom - c.top for c in orig))
                lo, hi = orig[0].x0 - 0.2 * h, orig[-1].x1 + 0.2 * h
                cy = (orig[0].top + orig[0].bottom) / 2
                if all(lo <= c.cx <= hi and abs(c.cy - cy) < 0.5 * h for c in seq):
                    dropped = size
                    break
            if dropped:
                break
        if dropped:
            i += dropped
            nxt = chars[i] if i < n else None
            if nxt is not None and nxt.space_before and not nxt.hard_space and out and \
                    nxt.x0 - out[-1].x1 < 0.25 * max(nxt.size, 1.0):
                nxt.space_before = False     # the white pdfium saw was after the repeat
            continue
        out.append(chars[i])
        i += 1
    if len(out) < n:                 # stream positions without the holes the repeats left
        for k, c in enumerate(out):
            c.idx = k
    return out


def page_em(chars: list[Ch]) -> float:
    """The page's font size: the median size its letters are drawn at (character boxes
    are no measure: their height varies by producer from 0.6 to 1.8 times the size)."""
    sizes = [c.size for c in chars if 3.0 <= c.size <= 100.0 and not MARK.match(c.c)]
    return statistics.median(sizes) if sizes else DEFAULT_EM


# ---------------------------------------------------------------- graphics
def _grey(r, g, b) -> float:
    return (0.299 * r + 0.587 * g + 0.114 * b) / 255.0


def _mul(m, n):
    """Affine matrices (a, b, c, d, e, f): first m, then n."""
    a, b, c, d, e, f = m
    A, B, C, D, E, F = n
    return (a * A + b * C, a * B + b * D, c * A + d * C, c * B + d * D, e * A + f * C + E, e * B + f * D + F)


def _walk(parent, count, get, ctm, out, depth):
    """(raw object, its matrix to page space without its own matrix) for path and image
    objects, descending into form XObjects."""
    import pypdfium2.raw as pdfium_c

    for i in range(count(parent)):
        obj = get(parent, i)
        kind = pdfium_c.FPDFPageObj_GetType(obj)
        if kind in (pdfium_c.FPDF_PAGEOBJ_PATH, pdfium_c.FPDF_PAGEOBJ_IMAGE):
            out.append((obj, kind, ctm))
        elif kind == pdfium_c.FPDF_PAGEOBJ_FORM and depth < 8:
            m = pdfium_c.FS_MATRIX()
            pdfium_c.FPDFPageObj_GetMatrix(obj, m)
            inner = _mul((m.a, m.b, m.c, m.d, m.e, m.f), ctm)
            _walk(obj, pdfium_c.FPDFFormObj_CountObjects, pdfium_c.FPDFFormObj_GetObject, inner, out, depth + 1)


def _apply(m, x, y):
    a, b, c, d, e, f = m
    return a * x + c * y + e, b * x + d * y + f


def _bounds(obj, ctm):
    import pypdfium2.raw as pdfium_c

    l, b, r, t = (ctypes.c_float() for _ in range(4))
    if not pdfium_c.FPDFPageObj_GetBounds(obj, l, b, r, t):
        return None
    pts = [_apply(ctm, x, y) for x in (l.value, r.value) for y in (b.value, t.value)]
    return (min(p[0] for p in pts), min(p[1] for p in pts), max(p[0] for p in pts), max(p[1] for p in pts))


def _visible(obj, getter, limit: float = 0.92) -> bool:
    """Painted in a colour that shows on white (lighter than ``limit`` grey is white)."""
    r, g, b, a = (ctypes.c_uint() for _ in range(4))
    if not getter(obj, r, g, b, a):
        return True
    return a.value > 40 and _grey(r.value, g.value, b.value) < limit


def _subpaths(obj, ctm):
    """Axis-parallel pieces of a path: lists of user-space points per subpath."""
    import pypdfium2.raw as pdfium_c

    m = pdfium_c.FS_MATRIX()
    pdfium_c.FPDFPageObj_GetMatrix(obj, m)
    full = _mul((m.a, m.b, m.c, m.d, m.e, m.f), ctm)
    x, y = ctypes.c_float(), ctypes.c_float()
    subs, cur = [], []
    for k in range(pdfium_c.FPDFPath_CountSegments(obj)):
        seg = pdfium_c.FPDFPath_GetPathSegment(obj, k)
        pdfium_c.FPDFPathSegment_GetPoint(seg, x, y)
        kind = pdfium_c.FPDFPathSegment_GetType(seg)
        p = _apply(full, x.value, y.value)
        if kind == pdfium_c.FPDF_SEGMENT_MOVETO:
            if len(cur) > 1:
                subs.append(cur)
            cur = [p]
        elif kind == pdfium_c.FPDF_SEGMENT_LINETO:
            cur.append(p)
        else:                           # a curve: not a table rule; breaks the subpath
            if len(cur) > 1:
                subs.append(cur)
            cur = [p]
        if pdfium_c.FPDFPathSegment_GetClose(seg) and cur:
            cur.append(cur[0])
    if len(cur) > 1:
        subs.append(cur)
    return subs


def _rect_of(points, tol: float):
    """The rectangle a closed 4-sided axis-parallel subpath draws, else None."""
    if len(points) not in (4, 5):
        return None
    xs = sorted({round(p[0] / tol) for p in points})
    ys = sorted({round(p[1] / tol) for p in points})
    if len(xs) > 2 or len(ys) > 2:
        return None
    return (min(p[0] for p in points), min(p[1] for p in points), max(p[0] for p in points), max(p[1] for p in points))


def page_graphics(page, space: _Space, em: float, s: TableSettings = DEFAULT):
    """-> (rule pieces [(orient, pos, a, b)], fills, image boxes), display space."""
    import pypdfium2.raw as pdfium_c

    objs: list = []
    _walk(page.raw, pdfium_c.FPDFPage_CountObjects, pdfium_c.FPDFPage_GetObject, (1, 0, 0, 1, 0, 0), objs, 0)
    thin = s.rule_max_thickness * em
    tiny = 0.02 * em
    pieces, fills, images = [], [], []
    page_area = space.width * space.height
    fill_mode, stroke_mode = ctypes.c_int(), ctypes.c_int()

    def add_box(x0, y0, x1, y1, filled, stroked, fill_visible, stroke_visible, grey):
        bx0, btop, bx1, bbottom = space.box(x0, y0, x1, y1)
        w, h = bx1 - bx0, bbottom - btop
        if filled and fill_visible and grey < 0.92 and (w <= thin or h <= thin):
            if w >= h:
                pieces.append(("h", (btop + bbottom) / 2, bx0, bx1))
            else:
                pieces.append(("v", (bx0 + bx1) / 2, btop, bbottom))
            return
        if filled and fill_visible and w > thin and h > thin and w * h < 0.5 * page_area:
            # a shaded cell or row: its edges bound cells as rules do (a shaded header
            # hides the rules under it; zebra rows have no rules at all)
            fills.append(Fill(bx0, btop, bx1, bbottom, grey))
            pieces.extend([("h", btop, bx0, bx1), ("h", bbottom, bx0, bx1),
                           ("v", bx0, btop, bbottom), ("v", bx1, btop, bbottom)])
        if stroked and stroke_visible:
            if w > tiny:
                pieces.append(("h", btop, bx0, bx1))
                pieces.append(("h", bbottom, bx0, bx1))
            if h > tiny:
                pieces.append(("v", bx0, btop, bbottom))
                pieces.append(("v", bx1, btop, bbottom))

    for obj, kind, ctm in objs:
        if kind == pdfium_c.FPDF_PAGEOBJ_IMAGE:
            b = _bounds(obj, ctm)
            if b:
                images.append(space.box(*b))
            continue
        pdfium_c.FPDFPath_GetDrawMode(obj, fill_mode, stroke_mode)
        filled, stroked = fill_mode.value != 0, bool(stroke_mode.value)
        if not filled and not stroked:
            continue
        fv = filled and _visible(obj, pdfium_c.FPDFPageObj_GetFillColor, 0.985)
        sv = stroked and _visible(obj, pdfium_c.FPDFPageObj_GetStrokeColor)
        if not fv and not sv:
            continue
        grey = fill_grey(obj) if fv else 1.0
        # a filled rectangle: its bounds say it all (stroked paths' bounds include the
        # line width, so their points are read instead)
        if not stroked and pdfium_c.FPDFPath_CountSegments(obj) <= 5:
            b = _bounds(obj, ctm)
            if b is not None:
                add_box(*b, filled, stroked, fv, sv, grey)
            continue
        for pts in _subpaths(obj, ctm):
            rect = _rect_of(pts, max(tiny, 0.01))
            if rect is not None:
                add_box(*rect, filled, stroked, fv, sv, grey)
                continue
            if not (stroked and sv):
                continue
            for (ax, ay), (bx, by) in zip(pts, pts[1:]):
                pieces.extend(_line_piece(space, (min(ax, bx), min(ay, by), max(ax, bx), max(ay, by)), tiny))
    return pieces, fills, images


def fill_grey(obj) -> float:
    import pypdfium2.raw as pdfium_c

    r, g, b, a = (ctypes.c_uint() for _ in range(4))
    if not pdfium_c.FPDFPageObj_GetFillColor(obj, r, g, b, a):
        return 0.5
    return _grey(r.value, g.value, b.value)


def _line_piece(space: _Space, box, tiny: float) -> list:
    x0, top, x1, bottom = space.box(*box)
    if bottom - top <= tiny and x1 - x0 > tiny:
        return [("h", (top + bottom) / 2, x0, x1)]
    if x1 - x0 <= tiny and bottom - top > tiny:
        return [("v", (x0 + x1) / 2, top, bottom)]
    return []                          # slanted: not a rule


def merge_rules(pieces, em: float, s: TableSettings = DEFAULT) -> tuple[list[Rule], list[Rule]]:
    """Collinear pieces -> rules (Word draws a border as one rectangle per cell side, dotted
    borders as many dots). A rule whose pieces cover little of it is ``dashed``; rules
    shorter than ``min_rule_length`` (dots of a leader line, tick marks) are dropped."""
    snap, gap, min_len = s.snap * em, s.join_gap * em, s.min_rule_length * em
    out = {"h": [], "v": []}
    for orient in ("h", "v"):
        ps = sorted((p for p in pieces if p[0] == orient), key=lambda p: p[1])
        rows: list[list] = []               # clusters by position
        for p in ps:
            if rows and p[1] - rows[-1][-1][1] <= snap:
                rows[-1].append(p)
            else:
                rows.append([p])
        for cl in rows:
            pos = statistics.median(p[1] for p in cl)
            cur = None
            for _, _, a, b in sorted(cl, key=lambda p: p[2]):
                if cur is not None and a <= cur[1] + gap:
                    if b > cur[1]:
                        cur[2] += b - max(a, cur[1])
                        cur[1] = b
                    continue
                if cur is not None:
                    out[orient].append(_rule(orient, pos, cur, min_len, s))
                cur = [a, b, b - a]
            if cur is not None:
                out[orient].append(_rule(orient, pos, cur, min_len, s))
    return [r for r in out["h"] if r], [r for r in out["v"] if r]


def _rule(orient, pos, cur, min_len, s) -> Optional[Rule]:
    a, b, covered = cur
    if b - a < min_len:
        return None
    return Rule(orient, pos, a, b, dashed=covered < s.dashed_cover * (b - a))


# ---------------------------------------------------------------- the page
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


def read_page(page, page_no: int, s: TableSettings = DEFAULT, doc_em: Optional[float] = None) -> PageModel:
    """The page as plain data. Its em is its own font size when it has enough text and
    that agrees with the document's, else the document's."""
    space = _Space(page)
    tp = page.get_textpage()
    try:
        chars = page_chars(page, tp, space)
    finally:
        tp.close()
    em = page_em(chars)
    if doc_em and (len(chars) < 300 or not 0.6 * doc_em <= em <= 1.6 * doc_em):
        em = doc_em
    pieces, fills, images = page_graphics(page, space, em, s)
    hrules, vrules = merge_rules(pieces, em, s)
    return PageModel(page_no, space.width, space.height, chars, hrules, vrules, fills, images, em)
