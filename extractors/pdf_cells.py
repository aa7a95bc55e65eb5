"""A grid plus the page's characters -> a ``Table`` record: each character goes to the cell
holding its centre; a cell's text is its lines joined and repaired; a cell is ``shaded``
when a filled rectangle covers most of it and ``bold`` when most of its letters are."""
from __future__ import annotations

import bisect

from extractors.pdf_grid import Grid
from extractors.pdf_lines import text_of
from extractors.pdf_page import MARK, Ch, Fill
from extractors.pdf_settings import DEFAULT, TableSettings
from pipeline.records import Cell, Table

SHADE_COVER = 0.6      # share of a cell's area under a fill that makes it shaded
SHADE_GREY = 0.97      # fills lighter than this are white


def _r(b) -> tuple:
    return tuple(round(v, 2) for v in b)


def slot_of(grid: Grid, ch: Ch):
    """(row, col) of the grid slot holding the character's centre, or None."""
    x, y = ch.cx, ch.cy
    if not (grid.xs[0] <= x <= grid.xs[-1] and grid.ys[0] <= y <= grid.ys[-1]):
        return None
    r = min(bisect.bisect_right(grid.ys, y) - 1, grid.n_rows - 1)
    xs = grid.row_xs[r] if grid.row_xs else grid.xs
    c = max(0, min(bisect.bisect_right(xs, x) - 1, grid.n_cols - 1))
    return r, c


def _shaded(bbox, fills: list[Fill]) -> bool:
    x0, top, x1, bottom = bbox
    area = max(1e-6, (x1 - x0) * (bottom - top))
    cover = 0.0
    for f in fills:
        if f.grey >= SHADE_GREY:
            continue
        w = min(x1, f.x1) - max(x0, f.x0)
        h = min(bottom, f.bottom) - max(top, f.top)
        if w > 0 and h > 0:
            cover += w * h
    return cover >= SHADE_COVER * area


def grid_table(grid: Grid, chars: list[Ch], fills: list[Fill], page_no: int,
               s: TableSettings = DEFAULT) -> tuple[Table, set[int]]:
    """-> (table, ids of the characters it took)."""
    owner = {}
    for k, gc in enumerate(grid.cells):
        for r in range(gc.r0, gc.r1):
            for c in range(gc.c0, gc.c1):
                owner[(r, c)] = k
    inside: list[list[Ch]] = [[] for _ in grid.cells]
    taken: set[int] = set()
    for ch in chars:
        slot = slot_of(grid, ch)
        if slot is None:
            continue
        inside[owner[slot]].append(ch)
        taken.add(id(ch))
    rows = [[None] * grid.n_cols for _ in range(grid.n_rows)]
    for k, gc in enumerate(grid.cells):
        cs = inside[k]
        letters = [c for c in cs if not MARK.match(c.c)]
        cell = Cell(text=text_of(cs, s.word_gap) if cs else "", page=page_no, bbox=_r(gc.bbox),
                    row_span=gc.row_span, col_span=gc.col_span, shaded=_shaded(gc.bbox, fills),
                    bold=bool(letters) and sum(c.bold for c in letters) >= 0.6 * len(letters))
        for r in range(gc.r0, gc.r1):
            for c in range(gc.c0, gc.c1):
                if (r, c) == (gc.r0, gc.c0):
                    rows[r][c] = cell
                else:
                    box = (grid.xs[c], grid.ys[r], grid.xs[c + 1], grid.ys[r + 1])
                    rows[r][c] = Cell(text="", page=page_no, bbox=_r(box), covered=True, shaded=cell.shaded)
    table = Table(rows=rows, page=page_no, bbox=_r(grid.bbox), cols=[round(x, 2) for x in grid.xs],
                  pages=[page_no], source=grid.source)
    return table, taken
