"""Ruling lines, shading and images of a PDF page from its path and image objects (pypdfium2).

Word draws a table border as one thin filled rectangle per cell side, LibreOffice and Skia
as stroked lines; shaded cells are filled rectangles whose edges bound cells as rules do.
Everything is read in display space (origin top-left, after /Rotate) and cut to the
object's clip path (Chromium draws a row cut by a page break as one tall path that the
page's content box clips). Collinear pieces are merged into rules (``merge_rules``).
"""
from __future__ import annotations

import ctypes
import statistics
from typing import Optional

from extractors.pdf_page import Fill, Rule, _Space
from extractors.pdf_settings import DEFAULT, TableSettings


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
    """-> (rule pieces [(orient, pos, a, b, soft)], fills, image boxes), display space;
    ``soft`` pieces are edges of shaded areas, not drawn lines."""
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
                pieces.append(("h", (btop + bbottom) / 2, bx0, bx1, False))
            else:
                pieces.append(("v", (bx0 + bx1) / 2, btop, bbottom, False))
            return
        if filled and fill_visible and w > thin and h > thin and w * h < 0.5 * page_area:
            # a shaded cell or row: its edges bound cells as rules do (a shaded header
            # hides the rules under it; zebra rows have no rules at all)
            fills.append(Fill(bx0, btop, bx1, bbottom, grey))
            pieces.extend([("h", btop, bx0, bx1, True), ("h", bbottom, bx0, bx1, True),
                           ("v", bx0, btop, bbottom, True), ("v", bx1, btop, bbottom, True)])
        if stroked and stroke_visible:
            if w > tiny:
                pieces.append(("h", btop, bx0, bx1, False))
                pieces.append(("h", bbottom, bx0, bx1, False))
            if h > tiny:
                pieces.append(("v", bx0, btop, bbottom, False))
                pieces.append(("v", bx1, btop, bbottom, False))

    def draw(obj, ctm):
        pdfium_c.FPDFPath_GetDrawMode(obj, fill_mode, stroke_mode)
        filled, stroked = fill_mode.value != 0, bool(stroke_mode.value)
        if not filled and not stroked:
            return
        fv = filled and _visible(obj, pdfium_c.FPDFPageObj_GetFillColor, 0.985)
        sv = stroked and _visible(obj, pdfium_c.FPDFPageObj_GetStrokeColor)
        if not fv and not sv:
            return
        grey = fill_grey(obj) if fv else 1.0
        # a filled rectangle: its bounds say it all (stroked paths' bounds include the
        # line width, so their points are read instead)
        if not stroked and pdfium_c.FPDFPath_CountSegments(obj) <= 5:
            b = _bounds(obj, ctm)
            if b is not None:
                add_box(*b, filled, stroked, fv, sv, grey)
            return
        for pts in _subpaths(obj, ctm):
            rect = _rect_of(pts, max(tiny, 0.01))
            if rect is not None:
                add_box(*rect, filled, stroked, fv, sv, grey)
                continue
            if not (stroked and sv):
                continue
            for (ax, ay), (bx, by) in zip(pts, pts[1:]):
                pieces.extend(_line_piece(space, (min(ax, bx), min(ay, by), max(ax, bx), max(ay, by)), tiny))

    page_box = (0.0, 0.0, space.width, space.height)
    clips: dict = {}
    for obj, kind, ctm in objs:
        if kind == pdfium_c.FPDF_PAGEOBJ_IMAGE:
            b = _bounds(obj, ctm)
            if b:
                images.append(_clip_box(space.box(*b), _clip_of(obj, space, clips) or page_box))
            continue
        n_pieces, n_fills = len(pieces), len(fills)
        draw(obj, ctm)
        box = _clip_of(obj, space, clips) or page_box
        pieces[n_pieces:] = [q for q in (_clip_piece(p, box, s.snap * em) for p in pieces[n_pieces:]) if q]
        fills[n_fills:] = [Fill(*fb, f.grey) for f in fills[n_fills:]
                           if (fb := _clip_box((f.x0, f.top, f.x1, f.bottom), box))]
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
        return [("h", (top + bottom) / 2, x0, x1, False)]
    if x1 - x0 <= tiny and bottom - top > tiny:
        return [("v", (x0 + x1) / 2, top, bottom, False)]
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
            for _, _, a, b, soft in sorted(cl, key=lambda p: p[2]):
                if cur is not None and a <= cur[1] + gap:
                    if b > cur[1]:
                        cur[2] += b - max(a, cur[1])
                        cur[1] = b
                    cur[3] = cur[3] and soft
                    continue
                if cur is not None:
                    out[orient].append(_rule(orient, pos, cur, min_len, s))
                cur = [a, b, b - a, soft]
            if cur is not None:
                out[orient].append(_rule(orient, pos, cur, min_len, s))
    return [r for r in out["h"] if r], [r for r in out["v"] if r]


def _rule(orient, pos, cur, min_len, s) -> Optional[Rule]:
    a, b, covered, soft = cur
    if b - a < min_len:
        return None
    return Rule(orient, pos, a, b, dashed=covered < s.dashed_cover * (b - a), soft=soft)


# ---------------------------------------------------------------- the page


def _clip_of(obj, space, cache: dict):
    """The display box of an object's clip path (the bounding box of its paths' points,
    intersected), or None when it has none."""
    import pypdfium2.raw as pdfium_c

    cp = pdfium_c.FPDFPageObj_GetClipPath(obj)
    if not cp:
        return None
    key = ctypes.cast(cp, ctypes.c_void_p).value
    if key in cache:
        return cache[key]
    box = None
    x, y = ctypes.c_float(), ctypes.c_float()
    for i in range(pdfium_c.FPDFClipPath_CountPaths(cp)):
        pts = []
        for j in range(pdfium_c.FPDFClipPath_CountPathSegments(cp, i)):
            pdfium_c.FPDFPathSegment_GetPoint(pdfium_c.FPDFClipPath_GetPathSegment(cp, i, j), x, y)
            pts.append((x.value, y.value))
        if not pts:
            continue
        b = space.box(min(p[0] for p in pts), min(p[1] for p in pts), max(p[0] for p in pts), max(p[1] for p in pts))
        box = b if box is None else _clip_box(box, b) or (0.0, 0.0, 0.0, 0.0)
    cache[key] = box
    return box


def _clip_box(b, clip):
    x0, top, x1, bottom = max(b[0], clip[0]), max(b[1], clip[1]), min(b[2], clip[2]), min(b[3], clip[3])
    return (x0, top, x1, bottom) if x1 >= x0 and bottom >= top else None


def _clip_piece(p, clip, slack: float):
    """A rule piece cut to a clip box (a rule on the clip's edge, within ``slack``, stays)."""
    o, pos, a, b, soft = p
    if o == "h":
        if not clip[1] - slack <= pos <= clip[3] + slack:
            return None
        a, b = max(a, clip[0]), min(b, clip[2])
    else:
        if not clip[0] - slack <= pos <= clip[2] + slack:
            return None
        a, b = max(a, clip[1]), min(b, clip[3])
    return (o, pos, a, b, soft) if b > a else None
