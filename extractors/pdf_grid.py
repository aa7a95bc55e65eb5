"""Table grids from ruling lines: column and row edges, cells with spans.

A grid is the set of x edges and y edges of one group of rules that touch each other
(a connected component). Between two neighbouring slots of the grid the edge is *drawn*
when rules cover most of it; slots joined by an undrawn edge are one merged cell
(``row_span``/``col_span``). Cells are found from the rules alone: what the text says is
never consulted here.
"""
from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from typing import Optional

from extractors.pdf_page import Rule
from extractors.pdf_settings import DEFAULT, TableSettings


@dataclass
class GridCell:
    r0: int
    c0: int
    r1: int                     # exclusive
    c1: int
    bbox: tuple[float, float, float, float]

    @property
    def row_span(self) -> int:
        return self.r1 - self.r0

    @property
    def col_span(self) -> int:
        return self.c1 - self.c0


@dataclass
class Grid:
    xs: list[float]                          # column edges, left to right
    ys: list[float]                          # row edges, top to bottom
    cells: list[GridCell] = field(default_factory=list)   # row-major by top-left slot
    source: str = "rules"                    # rules | text
    top_drawn: bool = True                   # the top edge is a rule across the table
    bottom_drawn: bool = True                # the bottom edge is a rule across the table
    row_xs: Optional[list[list[float]]] = None   # column edges per row, where a row's differ
    shaded_only: bool = False                # bounded by shading alone (zebra rows), no rule

    @property
    def bbox(self) -> tuple[float, float, float, float]:
        return (self.xs[0], self.ys[0], self.xs[-1], self.ys[-1])

    @property
    def n_rows(self) -> int:
        return len(self.ys) - 1

    @property
    def n_cols(self) -> int:
        return len(self.xs) - 1


# ---------------------------------------------------------------- components
class _Union:
    def __init__(self, n: int):
        self.p = list(range(n))

    def find(self, i: int) -> int:
        while self.p[i] != i:
            self.p[i] = self.p[self.p[i]]
            i = self.p[i]
        return i

    def join(self, a: int, b: int) -> None:
        a, b = self.find(a), self.find(b)
        if a != b:
            self.p[b] = a


def components(hrules: list[Rule], vrules: list[Rule], em: float,
               s: TableSettings = DEFAULT) -> list[tuple[list[Rule], list[Rule]]]:
    """Groups of rules that touch (sort and sweep: each horizontal rule looks only at the
    vertical rules within its x range, so thousands of segments take milliseconds)."""
    t = s.touch * em
    vs = sorted(vrules, key=lambda r: r.pos)
    vx = [r.pos for r in vs]
    n_h = len(hrules)
    u = _Union(n_h + len(vs))
    for i, h in enumerate(hrules):
        lo = bisect.bisect_left(vx, h.a - t)
        hi = bisect.bisect_right(vx, h.b + t)
        for j in range(lo, hi):
            v = vs[j]
            if v.a - t <= h.pos <= v.b + t:
                u.join(i, n_h + j)
    groups: dict[int, tuple[list, list]] = {}
    for i, h in enumerate(hrules):
        groups.setdefault(u.find(i), ([], []))[0].append(h)
    for j, v in enumerate(vs):
        groups.setdefault(u.find(n_h + j), ([], []))[1].append(v)
    return list(groups.values())


def _cluster(values: list[float], tol: float) -> list[float]:
    out: list[list[float]] = []
    for v in sorted(values):
        if out and v - out[-1][-1] <= tol:
            out[-1].append(v)
        else:
            out.append([v])
    return [sum(c) / len(c) for c in out]


def _coverage(intervals: list[tuple[float, float]], a: float, b: float) -> float:
    """Share of [a, b] covered by the intervals."""
    if b <= a:
        return 1.0
    total, end = 0.0, a
    for lo, hi in sorted(intervals):
        lo, hi = max(lo, end), min(hi, b)
        if hi > lo:
            total += hi - lo
            end = hi
    return total / (b - a)


def _on_edge(rules: list[Rule], pos: float, tol: float) -> list[tuple[float, float]]:
    return [(r.a, r.b) for r in rules if abs(r.pos - pos) <= tol]


# ---------------------------------------------------------------- grids
def grid_of(hs: list[Rule], vs: list[Rule], em: float, s: TableSettings = DEFAULT) -> Optional[Grid]:
    """The grid of one component, or None when the rules do not enclose any cell. Vertical
    rules alone (three or more, of one extent) are one row: a tall row cut by a page break
    whose part on this page has no horizontal rule."""
    if not vs:
        return None
    if not hs:
        tol = s.same_extent * em
        top, bottom = min(v.a for v in vs), max(v.b for v in vs)
        if len(vs) < 3 or any(abs(v.a - top) > tol or abs(v.b - bottom) > tol for v in vs):
            return None
        xs = _cluster([v.pos for v in vs], s.min_cell * em)
        cells = [GridCell(0, c, 1, c + 1, (xs[c], top, xs[c + 1], bottom)) for c in range(len(xs) - 1)]
        return Grid(xs, [top, bottom], cells, "rules", top_drawn=False, bottom_drawn=False)
    tol = s.min_cell * em
    xs = _cluster([v.pos for v in vs], tol)
    ys = _cluster([h.pos for h in hs], tol)
    # rules that run past the outermost rules of the other direction (a table without side
    # borders, or without a top rule) still bound it
    left, right = min(h.a for h in hs), max(h.b for h in hs)
    top, bottom = min(v.a for v in vs), max(v.b for v in vs)
    if left < xs[0] - tol:
        xs.insert(0, left)
    if right > xs[-1] + tol:
        xs.append(right)
    if top < ys[0] - tol:
        ys.insert(0, top)
    if bottom > ys[-1] + tol:
        ys.append(bottom)
    if len(xs) < 2 or len(ys) < 2:
        return None
    snap = s.snap * em + 0.5 * tol
    v_at = [_on_edge(vs, x, snap) for x in xs]
    h_at = [_on_edge(hs, y, snap) for y in ys]
    nr, nc = len(ys) - 1, len(xs) - 1
    # drawn[r][c] for the vertical edge at xs[c] in row r, the horizontal edge at ys[r] in col c
    v_drawn = [[_coverage(v_at[c], ys[r], ys[r + 1]) >= s.edge_cover for c in range(nc + 1)] for r in range(nr)]
    h_drawn = [[_coverage(h_at[r], xs[c], xs[c + 1]) >= s.edge_cover for c in range(nc)] for r in range(nr + 1)]
    u = _Union(nr * nc)
    for r in range(nr):
        for c in range(nc):
            if c + 1 < nc and not v_drawn[r][c + 1]:
                u.join(r * nc + c, r * nc + c + 1)
            if r + 1 < nr and not h_drawn[r + 1][c]:
                u.join(r * nc + c, (r + 1) * nc + c)
    # each merged region as rectangles anchored at its top-left free slot (an L-shaped
    # region, which real tables hardly have, becomes two cells)
    claimed = [False] * (nr * nc)
    cells = []
    for k in range(nr * nc):
        if claimed[k]:
            continue
        root = u.find(k)
        r0, c0 = divmod(k, nc)
        free = lambda r, c: not claimed[r * nc + c] and u.find(r * nc + c) == root  # noqa: E731
        c1 = c0 + 1
        while c1 < nc and free(r0, c1):
            c1 += 1
        r1 = r0 + 1
        while r1 < nr and all(free(r1, c) for c in range(c0, c1)):
            r1 += 1
        for r in range(r0, r1):
            for c in range(c0, c1):
                claimed[r * nc + c] = True
        cells.append(GridCell(r0, c0, r1, c1, (xs[c0], ys[r0], xs[c1], ys[r1])))
    g = Grid(xs, ys, cells, "rules", all(h_drawn[0]), all(h_drawn[-1]),
             shaded_only=all(r.soft for r in hs) and all(r.soft for r in vs))
    if nr * nc > 1 and len(cells) == 1:
        return None                          # a frame around one area
    return g


def rule_grids(hrules: list[Rule], vrules: list[Rule], em: float,
               s: TableSettings = DEFAULT) -> tuple[list[Grid], list[tuple[list[Rule], list[Rule]]]]:
    """Grids of the page's rules, and the components that are not grids (horizontal rules
    only, frames of one column: the text strategy reads those)."""
    grids, rest = [], []
    comps = components(hrules, vrules, em, s)
    # vertical rules without any horizontal one touch nothing: those of one extent are
    # one group (the part of a tall row cut by a page break)
    loose = sorted((v for hs, vs in comps if not hs for v in vs), key=lambda v: (v.a, v.b))
    comps = [c for c in comps if c[0]]
    tol = s.same_extent * em
    for v in loose:
        for hs, vs in comps:
            if not hs and abs(vs[0].a - v.a) <= tol and abs(vs[0].b - v.b) <= tol:
                vs.append(v)
                break
        else:
            comps.append(([], [v]))
    for hs, vs in comps:
        g = grid_of(hs, vs, em, s) if len(vs) >= 2 else None
        if g is None or g.n_cols < 2:
            rest.append((hs, vs))
            continue
        grids.append(g)
    grids.sort(key=lambda g: (g.ys[0], g.xs[0]))
    return grids, rest
