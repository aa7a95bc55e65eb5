"""Table grids of a page image, from its ruling lines; span-aware.

Input: the masks of horizontal and vertical rules (``ocr_image.rules``) of a levelled page.
Output: ``Grid``s in pixels: row edges ``ys``, column edges ``xs`` and the cells as
(row, col, row_span, col_span) over that fine grid.

1. Rules become segments (connected components of each mask), pieces of one broken rule
   are joined.
2. Segments that touch (within ``JOIN_EM``) form one table; a table needs two horizontal
   and two vertical rules (fewer: not a ruled table; its words become paragraphs).
3. Rules at (nearly) the same position are one grid line; a missing outer border is
   taken from the other rules' extent.
4. Between two neighbouring fine cells there is a wall when the grid line there covers
   at least ``WALL_SHARE`` of their common edge; cells without a wall between them are
   one merged cell (its bounding box on the fine grid: merged cells are rectangles).
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from extractors.pdf_grid import _coverage     # share of an edge the rules cover

JOIN_EM = 0.6          # rules closer than this (em) touch / are the same grid line
WALL_SHARE = 0.5       # share of a cell edge a rule must cover to separate two cells
MIN_CELL_EM = 0.8      # grid lines closer than this are one line (double rules)


@dataclass
class Seg:
    pos: float         # y of a horizontal rule, x of a vertical one
    a: float           # start along the rule
    b: float           # end


@dataclass
class Grid:
    xs: list[float]                    # column edges, px
    ys: list[float]                    # row edges, px
    cells: list[tuple[int, int, int, int]] = field(default_factory=list)   # (r, c, rs, cs)

    @property
    def bbox(self) -> tuple[float, float, float, float]:
        return self.xs[0], self.ys[0], self.xs[-1], self.ys[-1]


def segments(mask: np.ndarray, horizontal: bool, em: float) -> list[Seg]:
    import cv2

    n, _, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    out = []
    for x, y, w, h, _area in stats[1:n]:
        if horizontal:
            out.append(Seg(y + h / 2.0, float(x), float(x + w)))
        else:
            out.append(Seg(x + w / 2.0, float(y), float(y + h)))
    return _join_collinear(out, em)


def _join_collinear(segs: list[Seg], em: float) -> list[Seg]:
    """Pieces of one rule (broken by noise or JPEG) -> one segment. Sorted by position,
    then start: a sweep, not all pairs."""
    tol = JOIN_EM * em
    out: list[Seg] = []
    for s in sorted(segs, key=lambda s: (round(s.pos / max(1.0, tol / 2)), s.a)):
        for o in reversed(out[-8:]):
            if abs(o.pos - s.pos) <= tol / 2 and s.a <= o.b + tol:
                o.b = max(o.b, s.b)
                o.a = min(o.a, s.a)
                break
        else:
            out.append(Seg(s.pos, s.a, s.b))
    return out


def _groups(hs: list[Seg], vs: list[Seg], tol: float) -> list[tuple[list[Seg], list[Seg]]]:
    """Connected sets of crossing/touching rules (union-find)."""
    parent = list(range(len(hs) + len(vs)))

    def find(i):
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    vs_sorted = sorted(range(len(vs)), key=lambda k: vs[k].pos)
    xs = [vs[k].pos for k in vs_sorted]
    import bisect
    for i, h in enumerate(hs):
        lo = bisect.bisect_left(xs, h.a - tol)
        hi = bisect.bisect_right(xs, h.b + tol)
        for k in vs_sorted[lo:hi]:
            v = vs[k]
            if v.a - tol <= h.pos <= v.b + tol:
                parent[find(i)] = find(len(hs) + k)
    groups: dict[int, tuple[list, list]] = {}
    for i, h in enumerate(hs):
        groups.setdefault(find(i), ([], []))[0].append(h)
    for k, v in enumerate(vs):
        groups.setdefault(find(len(hs) + k), ([], []))[1].append(v)
    return list(groups.values())


def _lines(segs: list[Seg], tol: float) -> list[tuple[float, list[tuple[float, float]]]]:
    """Segments at nearly the same position -> grid lines (pos, covered intervals)."""
    out: list[tuple[float, list]] = []
    for s in sorted(segs, key=lambda s: s.pos):
        if out and s.pos - out[-1][0] <= tol:
            pos, iv = out[-1]
            n = len(iv) + 1
            out[-1] = ((pos * (n - 1) + s.pos) / n, iv + [(s.a, s.b)])
        else:
            out.append((s.pos, [(s.a, s.b)]))
    return out


def _with_border(lines, lo: float, hi: float, tol: float):
    """Add a missing outer border at lo/hi (the other direction's extent)."""
    if not lines or lines[0][0] - lo > tol:
        lines = [(lo, [(-1e9, 1e9)])] + lines
    if hi - lines[-1][0] > tol:
        lines = lines + [(hi, [(-1e9, 1e9)])]
    return lines


def grid_of(hs: list[Seg], vs: list[Seg], em: float):
    """One ruled table -> Grid, or None when it is not a grid of at least 2 x 1 cells."""
    tol = JOIN_EM * em
    x_lo, x_hi = min(h.a for h in hs), max(h.b for h in hs)
    y_lo, y_hi = min(v.a for v in vs), max(v.b for v in vs)
    rows = _with_border(_lines(hs, MIN_CELL_EM * em), y_lo, y_hi, tol)
    cols = _with_border(_lines(vs, MIN_CELL_EM * em), x_lo, x_hi, tol)
    if len(rows) < 2 or len(cols) < 2 or len(rows) * len(cols) < 6:
        return None
    ys = [p for p, _ in rows]
    xs = [p for p, _ in cols]
    nr, nc = len(ys) - 1, len(xs) - 1
    parent = list(range(nr * nc))

    def find(i):
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for r in range(nr):
        for c in range(nc):
            if c + 1 < nc and _coverage(cols[c + 1][1], ys[r], ys[r + 1]) < WALL_SHARE:
                parent[find(r * nc + c)] = find(r * nc + c + 1)
            if r + 1 < nr and _coverage(rows[r + 1][1], xs[c], xs[c + 1]) < WALL_SHARE:
                parent[find(r * nc + c)] = find((r + 1) * nc + c)
    boxes: dict[int, list[int]] = {}
    for r in range(nr):
        for c in range(nc):
            b = boxes.setdefault(find(r * nc + c), [r, c, r, c])
            b[0], b[1], b[2], b[3] = min(b[0], r), min(b[1], c), max(b[2], r), max(b[3], c)
    rects = _disjoint([tuple(b) for b in boxes.values()])
    cells = sorted((r0, c0, r1 - r0 + 1, c1 - c0 + 1) for r0, c0, r1, c1 in rects)
    return Grid(xs, ys, cells)


def _disjoint(rects: list[tuple]) -> list[tuple]:
    """Merged cells are rectangles: overlapping bounding boxes (an L-shaped merge) join."""
    rects = list(rects)
    changed = True
    while changed:
        changed = False
        for i in range(len(rects)):
            for j in range(i + 1, len(rects)):
                a, b = rects[i], rects[j]
                if a[0] <= b[2] and b[0] <= a[2] and a[1] <= b[3] and b[1] <= a[3]:
                    rects[i] = (min(a[0], b[0]), min(a[1], b[1]), max(a[2], b[2]), max(a[3], b[3]))
                    del rects[j]
                    changed = True
                    break
            if changed:
                break
    return rects


def _tables_apart(hs: list[Seg], vs: list[Seg], em: float) -> list[tuple[list[Seg], list[Seg]]]:
    """Two tables one above the other whose rules touch through a few shared column rules
    are split at the band between them: a row band that neither outer border closes."""
    rows = _lines(hs, MIN_CELL_EM * em)
    cols = _lines(vs, MIN_CELL_EM * em)
    if len(rows) < 3 or len(cols) < 2:
        return [(hs, vs)]
    ys = [p for p, _ in rows]
    cuts = [(a, b) for a, b in zip(ys, ys[1:])
            if _coverage(cols[0][1], a, b) < WALL_SHARE and _coverage(cols[-1][1], a, b) < WALL_SHARE]
    if not cuts:
        return [(hs, vs)]
    parts, lo = [], float("-inf")
    for a, b in cuts + [(float("inf"), float("inf"))]:
        ph = [h for h in hs if lo - 1 <= h.pos <= a + 1]
        pv = [Seg(v.pos, max(v.a, lo), min(v.b, a)) for v in vs if v.b > lo and v.a < a]
        if len(ph) >= 2 and len(pv) >= 2:
            parts.append((ph, pv))
        lo = b
    return parts


def find_grids(horizontal: np.ndarray, vertical: np.ndarray, em: float) -> list[Grid]:
    """Ruled tables of a page, top to bottom."""
    hs = segments(horizontal, True, em)
    vs = segments(vertical, False, em)
    out = []
    for gh, gv in _groups(hs, vs, JOIN_EM * em):
        if len(gh) < 2 or len(gv) < 2:
            continue
        for ph, pv in _tables_apart(gh, gv, em):
            g = grid_of(ph, pv, em)
            if g is not None:
                out.append(g)
    out.sort(key=lambda g: g.ys[0])
    return out


def cell_boxes(g: Grid, em: float) -> list[tuple[float, float, float, float]]:
    """Pixel boxes of the grid's cells (merged cells whole), inside their rules."""
    inset = 0.1 * em
    return [(g.xs[c] + inset, g.ys[r] + inset, g.xs[c + cs] - inset, g.ys[r + rs] - inset)
            for r, c, rs, cs in g.cells]
