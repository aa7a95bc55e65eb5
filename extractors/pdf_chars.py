"""The characters of a PDF page from pypdfium2's text page, as plain data.

pdfium honours /ActualText (Word's Thai comes out right). What producers get wrong is
repaired here, at the character level: Skia's doubled clusters and made-up spaces after
sara am, symbol-font tick boxes in the Private Use Area, line bands that differ in height.
"""
from __future__ import annotations

import ctypes
import re
import statistics

from extractors.pdf_page import BAND_ABOVE, BAND_BELOW, DEFAULT_EM, MARK, SOFT_HYPHEN, Ch, _Space

_SPACES = " \t\u00a0"
_INVISIBLE = "\r\n\u200b\ufeff\x00"
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


def text_clips(page, space: _Space) -> dict:
    """Text objects whose clip path hides part of the page -> the visible box. Chromium
    prints a text line cut by a page break on both pages, clipped: the hidden half is
    still in the text layer."""
    import pypdfium2.raw as pdfium_c

    from extractors.pdf_graphics import _clip_of

    out, cache = {}, {}
    eps = 0.001 * max(space.width, space.height)
    full = (eps, eps, space.width - eps, space.height - eps)
    for i in range(pdfium_c.FPDFPage_CountObjects(page.raw)):
        obj = pdfium_c.FPDFPage_GetObject(page.raw, i)
        if pdfium_c.FPDFPageObj_GetType(obj) != pdfium_c.FPDF_PAGEOBJ_TEXT:
            continue
        box = _clip_of(obj, space, cache)
        if box and (box[0] > full[0] or box[1] > full[1] or box[2] < full[2] or box[3] < full[3]):
            out[ctypes.cast(obj, ctypes.c_void_p).value] = box
    return out


def page_chars(page, textpage, space: _Space) -> list[Ch]:
    """Characters in stream order, no spaces (a space sets ``space_before`` of the next
    character), duplicates dropped (Canva and Skia write some glyph clusters twice),
    characters their clip path hides left out."""
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
    clips = text_clips(page, space)
    text_object = pdfium_c.FPDFText_GetTextObject
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
        if c in _INVISIBLE or c < " " or "\x7f" <= c <= "\x9f":
            continue                   # control characters never reach a cell (no ESC into terminals)
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
        if clips:
            box = clips.get(ctypes.cast(text_object(raw, i), ctypes.c_void_p).value)
            cx, cy = (x0 + x1) / 2, (top + bottom) / 2
            if box and not (box[0] <= cx <= box[2] and box[1] <= cy <= box[3]):
                continue
        key = (c, round(x0), round(top))
        if key in seen:
            continue
        seen.add(key)
        if sp and not hard and out and out[-1].c == "\u0e33" and "\u0e01" <= c <= "\u0e4e" \
                and x0 - out[-1].x1 < 1.0 * out[-1].size:
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
    texts: list[str] = []            # out's characters: the search is a str.find over the last 12
    marked = [bool(_CLUSTER_MARK.match(c.c)) for c in chars]
    i, n = 0, len(chars)
    while i < n:
        dropped = 0
        first = max(0, len(out) - 12)
        recent = "".join(texts[first:]) if any(marked[i:i + 4]) else ""
        for size in (4, 3, 2):
            if i + size > n or not any(marked[i:i + size]):
                continue
            seq = chars[i:i + size]
            text = "".join(c.c for c in seq)
            for j in _starts(recent, text, size, first, texts):
                orig = out[j:j + size]
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
        texts.append(chars[i].c)
        i += 1
    if len(out) < n:                 # stream positions without the holes the repeats left
        for k, c in enumerate(out):
            c.idx = k
    return out


def _starts(recent: str, text: str, size: int, first: int, texts: list[str]):
    """Positions j >= first where the ``size`` entries texts[j:j + size] join to ``text``."""
    if len(recent) == len(texts) - first:        # one character each: a substring search
        k = recent.find(text) if len(text) == size else -1
        while k >= 0:
            yield first + k
            k = recent.find(text, k + 1)
        return
    yield from (j for j in range(first, len(texts) - size + 1) if "".join(texts[j:j + size]) == text)


def page_em(chars: list[Ch]) -> float:
    """The page's font size: the median size its letters are drawn at (character boxes
    are no measure: their height varies by producer from 0.6 to 1.8 times the size)."""
    sizes = [c.size for c in chars if 3.0 <= c.size <= 100.0 and not MARK.match(c.c)]
    return statistics.median(sizes) if sizes else DEFAULT_EM


# ---------------------------------------------------------------- graphics
