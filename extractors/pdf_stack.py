"""Tables whose parts no rule joins: zebra striping (shaded rows, and white rows between
them with no drawing at all) and a table with no closing rule that goes on, in its columns,
at the top of the next page."""
from __future__ import annotations

from typing import Optional

from extractors import pdf_layout as layout
from extractors.pdf_grid import Grid, GridCell
from extractors.pdf_page import Ch
from extractors.pdf_settings import DEFAULT, TableSettings
from extractors.pdf_text_grid import Box, _baseline, _is_text_line, base_lines, columnar_extent, same_cells


def stack_grids(grids: list[Grid], chars: list[Ch], em: float, s: TableSettings = DEFAULT) -> list[Grid]:
    """Grids one above the other with the same columns, and table rows between them, are
    one table: zebra striping shades every other row and leaves the rows between without
    any drawing (no fill, no rule). The white rows between become rows of the grid, and
    a white last row under it is added when the text there goes on in its columns."""
    out: list[Grid] = []
    for g in sorted(grids, key=lambda g: g.ys[0]):
        prev = out[-1] if out else None
        if prev is not None and len(prev.xs) == len(g.xs) and \
                all(abs(a - b) <= s.same_columns * em for a, b in zip(prev.xs, g.xs)) and \
                0 <= g.ys[0] - prev.ys[-1] and _rows_between(prev, g, chars, em, s):
            out[-1] = _joined(prev, g)
            continue
        out.append(g)
    for i, g in enumerate(out):
        below = columnar_extent(chars, g.xs[0], g.xs[-1], g.ys[-1], +1, em, s, 1) if g.shaded_only else None
        if below is not None and below > g.ys[-1] + 0.5 * em and \
                not any(o.ys[0] < below + 0.5 * em and o.ys[0] > g.ys[-1] for o in out[i + 1:]):
            out[i] = _joined(g, _white_rows(g, below, chars, em, s))
    return out


def _white_rows(g: Grid, below: float, chars: list[Ch], em: float, s: TableSettings) -> Grid:
    """The rows under a shaded header down to ``below``, with no drawing between them: cut
    where the text stream starts a new row (pdf_layout.stream_rows); one row when it
    cannot tell."""
    band = [c for c in chars if g.ys[-1] < c.cy < below and g.xs[0] - 0.5 * em <= c.cx <= g.xs[-1] + 0.5 * em]
    cuts = layout.stream_rows(layout.pieces(band, em, s), list(g.xs), em) or []
    ys = [g.ys[-1], *[y for y in cuts if g.ys[-1] < y < below], below]
    cells = [GridCell(r, c, r + 1, c + 1, (g.xs[c], ys[r], g.xs[c + 1], ys[r + 1]))
             for r in range(len(ys) - 1) for c in range(len(g.xs) - 1)]
    return Grid(list(g.xs), ys, cells, g.source, False, False, shaded_only=True)


def _rows_between(a: Grid, b: Grid, chars: list[Ch], em: float, s: TableSettings) -> bool:
    gap = [c for c in chars if a.ys[-1] < c.cy < b.ys[0]]
    if not gap:
        return b.ys[0] - a.ys[-1] <= 0.5 * em          # touching: one grid drawn in two parts
    if any(c.x0 < a.xs[0] - 0.5 * em or c.x1 > a.xs[-1] + 0.5 * em for c in gap):
        return False
    return not any(_is_text_line(line, a.xs[0], a.xs[-1], em, s) for line in base_lines(gap, em))


def _joined(a: Grid, b: Grid) -> Grid:
    """``a`` and ``b`` (same columns) as one grid; the band between them is one row."""
    xs = list(a.xs)
    ys = list(a.ys)
    cells = list(a.cells)
    r = a.n_rows
    start = b.ys[0]
    if start > ys[-1] + 1e-6:                           # the white row between
        cells += [GridCell(r, c, r + 1, c + 1, (xs[c], ys[-1], xs[c + 1], start)) for c in range(len(xs) - 1)]
        ys.append(start)
        r += 1
    for gc in b.cells:
        cells.append(GridCell(gc.r0 + r, gc.c0, gc.r1 + r, gc.c1, (xs[gc.c0], gc.bbox[1], xs[gc.c1], gc.bbox[3])))
    if b.cells:
        ys += b.ys[1:]
    return Grid(xs, ys, cells, a.source, a.top_drawn, b.bottom_drawn,
                shaded_only=a.shaded_only and (b.shaded_only or not b.cells))


def _in_column(p, cols: list[float], em: float) -> bool:
    """The piece starts at a column's start, or sits inside one column (a centred or
    right-aligned value)."""
    return any(abs(p.x0 - a) <= 0.6 * em or (p.x0 >= a - 0.1 * em and p.x1 <= b + 0.6 * em)
               for a, b in zip(cols, cols[1:]))


def continued_area(chars: list[Ch], cols: list[float], em: float, s: TableSettings = DEFAULT) -> Optional[Box]:
    """The area at the top of a page that goes on with a table of the previous page that
    has no rules here (booktabs, a borderless continuation): the lines, after a running
    header or two, whose every cell starts at one of the table's columns; prose or a line
    outside the columns ends it."""
    x0, x1 = cols[0], cols[-1]
    starts = list(cols[:-1])
    lines = base_lines([c for c in chars if c.cx >= x0 - 2 * em], em)
    top = bottom = None
    skipped, multi, prev, prev_ps = 0, 0, None, None
    for line in lines:
        ps = layout.pieces(line, em, s)
        fits = bool(ps) and any(abs(ps[0].x0 - x) <= 0.6 * em for x in starts) and \
            all(_in_column(p, cols, em) for p in ps[1:]) and \
            min(c.x0 for c in line) >= x0 - 0.5 * em and max(c.x1 for c in line) <= x1 + 0.5 * em and \
            not _is_text_line(line, x0, x1, em, s)
        if top is None:
            if fits:
                top, prev = min(c.top for c in line), _baseline(line)
            elif skipped < 3:
                skipped += 1
                continue
            else:
                return None
        elif not fits or (_baseline(line) - prev > 2.2 * em
                          and not (_baseline(line) - prev <= 3 * em and same_cells(prev_ps, ps, em))):
            break
        multi += len(ps) >= 2
        bottom, prev, prev_ps = max(c.bottom for c in line), _baseline(line), ps
    if top is None or multi < 1:
        return None
    return (x0, top - 0.1 * em, x1, bottom + 0.1 * em)
