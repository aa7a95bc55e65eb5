"""Tables without a full grid of rules, read from the text's layout.

Where the rules do not enclose cells — horizontal rules only, booktabs (rules under the
header and at the end), an outer frame, a pair of side rules — the area the rules mark is
read from its text: rows between the horizontal rules (split further by the stream's cell
order, or by baseline steps, where there are no inner rules), columns from aligned line
starts (``pdf_layout.column_starts``; white gutters as a fallback). A row whose text
crosses a column boundary spans those columns. Only geometry decides: no header wording.
"""
from __future__ import annotations

from typing import Optional

from extractors import pdf_layout as layout
from extractors.pdf_grid import Grid, GridCell
from extractors.pdf_page import MARK, Ch, Rule
from extractors.pdf_settings import DEFAULT, TableSettings

Box = tuple[float, float, float, float]


def _area(b: Box) -> float:
    return max(0.0, b[2] - b[0]) * max(0.0, b[3] - b[1])


def overlap(a: Box, b: Box) -> float:
    return _area((max(a[0], b[0]), max(a[1], b[1]), min(a[2], b[2]), min(a[3], b[3])))


def inside(ch: Ch, b: Box) -> bool:
    return b[0] <= ch.cx <= b[2] and b[1] <= ch.cy <= b[3]


# ---------------------------------------------------------------- areas
def rule_regions(hrules: list[Rule], vrules: list[Rule], width: float, taken: list[Box], chars: list[Ch],
                 em: float, s: TableSettings = DEFAULT) -> list[tuple[Box, list[float]]]:
    """Table areas marked by rules that are not full grids: stacks of horizontal rules of
    the same extent, frames (top and bottom rules joined by side rules), a pair of side
    rules of the same extent, and the aligned text that goes on past the first or last
    rule (booktabs: rules only above and under the header and at the end; a page of it
    may have one rule or none). -> [(bbox, row rule ys)]. Areas in ``taken`` are skipped."""
    ext, near = s.same_extent * em, s.touch * em

    def free(x0, top, x1, bottom):
        return not any(t[0] - near <= x0 and x1 <= t[2] + near and t[1] - near <= top and bottom <= t[3] + near
                       for t in taken)
    hs = [h for h in hrules if h.length >= max(s.hrule_min_width * em, 0.15 * width) and not h.dashed
          and free(h.a, h.pos, h.b, h.pos)]
    vs = [v for v in vrules if v.length >= 1.2 * em and free(v.pos, v.a, v.pos, v.b)]
    stacks: list[list[Rule]] = []
    for h in sorted(hs, key=lambda r: r.pos):
        for st in stacks:
            if abs(st[0].a - h.a) <= ext and abs(st[0].b - h.b) <= ext:
                st.append(h)
                break
        else:
            stacks.append([h])
    regions = []
    used_v = set()
    for st in stacks:
        x0, x1 = min(h.a for h in st), max(h.b for h in st)
        top, bottom = st[0].pos, st[-1].pos
        spans = []
        for k, v in enumerate(vs):                  # side rules at either end
            if (abs(v.pos - x0) <= near or abs(v.pos - x1) <= near) and v.a <= bottom + near and v.b >= top - near:
                top, bottom = min(top, v.a), max(bottom, v.b)
                used_v.add(k)
                spans.append((v.a, v.b))
        # aligned text goes on past a lone rule (either way: a header above it, or the
        # closing rule of a continued table) or under a top rule and a header rule only
        # (booktabs); three rules or more, or side rules, close the table
        lone = bottom - top < s.frame_min_height * em
        closed = len(st) > 2 or bool(spans)         # three rules, or a frame with side rules
        below = None if closed else columnar_extent(chars, x0, x1, bottom, +1, em, s, 2 if lone else 1)
        above = columnar_extent(chars, x0, x1, top, -1, em, s, 2) if lone else None
        if lone and below is None and above is None:
            continue                                # a lone rule (signature line, separator)
        top, bottom = min(top, above or top), max(bottom, below or bottom)
        ys = [h.pos for h in st]
        parts: list[list[float]] = []               # side rules with a break: two frames
        for a, b in sorted(spans):
            if parts and a <= parts[-1][1] + near:
                parts[-1][1] = max(parts[-1][1], b)
            else:
                parts.append([a, b])
        if len(parts) > 1:
            for a, b in parts:
                regions.append(((x0, a, x1, b), [y for y in ys if a - near <= y <= b + near]))
            continue
        regions.append(((x0, top, x1, bottom), ys))
    lone = [v for k, v in enumerate(vs) if k not in used_v]
    for i, a in enumerate(lone):                    # two side rules, no horizontal rule
        for b in lone[i + 1:]:
            if abs(b.pos - a.pos) >= s.hrule_min_width * em and abs(a.a - b.a) <= near and abs(a.b - b.b) <= near:
                x0, x1 = sorted((a.pos, b.pos))
                regions.append(((x0, min(a.a, b.a), x1, max(a.b, b.b)), []))
    return [(b, ys) for b, ys in regions if not any(overlap(b, t) > 0.5 * _area(b) for t in taken)]


def columnar_extent(chars: list[Ch], x0: float, x1: float, y: float, direction: int, em: float,
                    s: TableSettings = DEFAULT, min_rows: int = 1) -> Optional[float]:
    """How far from a rule at ``y`` (down: +1, up: -1) the text inside [x0, x1] goes on as
    table rows: lines of several cells, or a wrapped cell's line starting at one of their
    column starts, one line pitch after another; prose across the area, a wider line or
    a gap of a blank line ends it. None when fewer than ``min_rows`` lines of several
    cells follow the rule."""
    near = [c for c in chars if x0 - 2 * em <= c.cx <= x1 + 2 * em and (c.cy - y) * direction > 0]
    lines = base_lines(near, em)
    if direction < 0:
        lines.reverse()
    starts: list[float] = []
    multi, lead, edge, prev, prev_cells = 0, 0, None, y, None
    for line in lines:
        base = _baseline(line)
        ps = layout.pieces(line, em, s)
        if abs(base - prev) > (2.2 * em if edge is not None else 2.5 * em) and \
                not (abs(base - prev) <= 3 * em and same_cells(prev_cells, ps, em)):
            break                       # a blank line's gap, unless rows of padded cells go on
        if min(c.x0 for c in line) < x0 - 0.5 * em or max(c.x1 for c in line) > x1 + 0.5 * em:
            break
        if _is_text_line(line, x0, x1, em, s):
            break
        prev_cells = ps if len(ps) >= 2 else None
        if len(ps) >= 2:
            multi += 1
            starts.extend(p.x0 for p in ps)
        elif starts and not any(abs(ps[0].x0 - x) <= 0.3 * em for x in starts):
            break
        elif not starts:
            lead += 1                   # the rest of a row cut by the page break, maybe
            if lead > 3:
                break
        edge = max(c.bottom for c in line) if direction > 0 else min(c.top for c in line)
        prev = base
    return edge if edge is not None and multi >= min_rows else None


def same_cells(a, b, em: float) -> bool:
    """Two lines of as many cells (two or more), each aligned with the other's by its start,
    end or centre: the next row of a table whose padded rows are further apart than a
    blank line would leave."""
    def aligned(p, q) -> bool:
        return min(abs(p.x0 - q.x0), abs(p.x1 - q.x1), abs((p.x0 + p.x1 - q.x0 - q.x1) / 2)) <= 0.3 * em
    return bool(a) and len(a) == len(b) >= 2 and all(aligned(p, q) for p, q in zip(a, b))


# ---------------------------------------------------------------- lines and gutters
def _baseline(line: list[Ch]) -> float:
    bs = sorted(c.bottom for c in line if not MARK.match(c.c))
    return bs[len(bs) // 2] if bs else max(c.bottom for c in line)


def base_lines(chars: list[Ch], em: float) -> list[list[Ch]]:
    """Non-mark characters grouped by baseline (all columns of a table together)."""
    lines: list[list[Ch]] = []
    for c in sorted((c for c in chars if not MARK.match(c.c)), key=lambda c: c.bottom):
        if lines and abs(_baseline(lines[-1]) - c.bottom) <= 0.15 * em:
            lines[-1].append(c)
        else:
            lines.append([c])
    return lines


def _word_space(lines: list[list[Ch]], gx0: float, gx1: float, em: float) -> bool:
    """Is a narrow white column a word space that happens to line up in every row? Yes
    when, on most lines with text on both sides, the character right of it follows a
    space of the text layer."""
    votes = []
    for line in lines:
        left = [c for c in line if c.x1 <= gx0 + 0.1 * em]
        right = [c for c in line if c.x0 >= gx1 - 0.1 * em]
        if left and right:
            votes.append(min(right, key=lambda c: c.x0).space_before)
    return bool(votes) and sum(votes) > len(votes) / 2


def gutters(chars: list[Ch], x0: float, x1: float, bands, em: float, s: TableSettings = DEFAULT) -> list[float]:
    """Column boundaries from white x-ranges that the text of (nearly) every row leaves
    free; with 4 or more rows one row may cross a gutter (a spanning cell)."""
    step = max(0.05 * em, 0.5)
    n = int((x1 - x0) / step) + 1
    if n <= 0:
        return []
    cover = [0] * n
    rows_with_text = 0
    for top, bottom in bands:
        seen = [False] * n
        hit = False
        for c in chars:
            if top <= c.cy <= bottom and not MARK.match(c.c):
                hit = True
                for k in range(max(0, int((c.x0 - x0) / step)), min(n, int((c.x1 - x0) / step) + 1)):
                    seen[k] = True
        if hit:
            rows_with_text += 1
            for k in range(n):
                cover[k] += seen[k]
    allowed = 1 if rows_with_text >= 4 else 0
    text_xs = [k for k in range(n) if cover[k]]
    if not text_xs:
        return []
    first, last = text_xs[0], text_xs[-1]
    out, lines, k = [], None, first
    while k <= last:
        if cover[k] > allowed:
            k += 1
            continue
        j = k
        while j <= last and cover[j] <= allowed:
            j += 1
        width = (j - k) * step
        narrow = s.gutter_min * em <= width < s.gutter_wide * em
        if narrow and lines is None:
            lines = base_lines(chars, em)
        if j <= last and (width >= s.gutter_wide * em or
                          narrow and not _word_space(lines, x0 + k * step, x0 + j * step, em)):
            out.append(x0 + j * step - 0.15 * em)
        k = j
    return out


def _is_text_line(line: list[Ch], x0: float, x1: float, em: float, s: TableSettings) -> bool:
    """A line running across the whole area without a gutter: prose between two tables,
    not a table row."""
    xs = sorted(line, key=lambda c: c.x0)
    if xs[-1].x1 - xs[0].x0 < s.text_line_width * (x1 - x0):
        return False
    return max((b.x0 - a.x1 for a, b in zip(xs, xs[1:])), default=0.0) < 0.65 * em


def split_by_gaps(chars: list[Ch], top: float, bottom: float, em: float, s: TableSettings = DEFAULT):
    """Rows of a band without rules between them: inside a cell the lines are one pitch
    apart; between rows the pitch grows by the cell padding."""
    lines = base_lines([c for c in chars if top <= c.cy <= bottom], em)
    if len(lines) < 3:
        return [(top, bottom)]
    base = [_baseline(ln) for ln in lines]
    steps = [b - a for a, b in zip(base, base[1:])]
    pitch = sorted(steps)[len(steps) // 3]          # the usual line pitch (lower third)
    cuts = [top]
    for i, st in enumerate(steps):
        # a step past the usual pitch, or one no line spacing reaches (rows of one line each)
        if st >= pitch + s.row_pitch_jump * em or st >= s.max_line_pitch * em:
            nxt_top = min(c.top for c in lines[i + 1])
            prev_bottom = max(c.bottom for c in lines[i])
            cuts.append((max(prev_bottom, nxt_top - 0.5 * (st - pitch)) + nxt_top) / 2 - 0.07 * em)
    cuts.append(bottom)
    return [(a, b) for a, b in zip(cuts, cuts[1:]) if b - a > 0.07 * em]


# ---------------------------------------------------------------- grids
def text_grids(bbox: Box, ys: list[float], chars: list[Ch], em: float, s: TableSettings = DEFAULT) -> list[Grid]:
    """Tables of an area: lines of prose running across the whole area (a heading between
    two tables whose rules make one stack) cut it into separate tables."""
    x0, top, x1, bottom = bbox
    inner = [c for c in chars if inside(c, bbox)]
    parts, start = [], top
    prev_text = None                   # bottom of the last prose line, its height
    for line in base_lines(inner, em):
        lt = min(c.top for c in line)
        lb = max(c.bottom for c in line)
        follows = prev_text is not None and lt - prev_text[0] < 1.2 * prev_text[1] \
            and not any(prev_text[0] <= y <= lt for y in ys)
        if _is_text_line(line, x0, x1, em, s) or follows:
            if prev_text is None:
                parts.append((start, lt - 0.04 * em))
            start = lb + 0.04 * em
            prev_text = (lb, lb - lt)
        else:
            prev_text = None
    parts.append((start, bottom))
    parts = [q for pt, pb in parts for q in _split_at_empty_bands(pt, pb, ys, inner, em)]
    out = []
    for pt, pb in parts:
        if pb - pt < 0.4 * em:
            continue
        sub = (x0, pt, x1, pb)
        g = text_grid(sub, [y for y in ys if pt - 0.15 * em <= y <= pb + 0.15 * em],
                      [c for c in inner if inside(c, sub)], em, s)
        if g is not None:
            out.append(g)
    return out


def _split_at_empty_bands(top: float, bottom: float, ys: list[float], chars: list[Ch], em: float):
    """Two tables one above the other, a blank line between them, make one stack of rules:
    a band between two rules with no text, a line or more high, separates them."""
    cuts = sorted({top, bottom, *[y for y in ys if top < y < bottom]})
    out, start = [], top
    for a, b in zip(cuts, cuts[1:]):
        if b - a >= 1.0 * em and a > start and not any(a <= c.cy <= b for c in chars):
            out.append((start, a))
            start = b
    out.append((start, bottom))
    return [(a, b) for a, b in out if b > a]


def text_grid(bbox: Box, ys: list[float], chars: list[Ch], em: float, s: TableSettings = DEFAULT,
              columns: Optional[list[float]] = None) -> Optional[Grid]:
    """The grid of one area, or None when it has no two columns. ``columns``: the column
    edges, when known (the table this area continues)."""
    x0, top, x1, bottom = bbox
    if not chars:
        return None
    merged: list[float] = []
    for y in sorted({top, bottom, *[y for y in ys if top < y < bottom]}):
        if not merged or y - merged[-1] >= 0.2 * em:
            merged.append(y)
    bands = list(zip(merged, merged[1:]))
    ps = layout.pieces(chars, em, s)
    filled = [b for b in bands if any(b[0] <= p.cy <= b[1] for p in ps)]
    bounds = list(columns[1:-1]) if columns else \
        layout.column_starts(ps, x0, x1, filled[0][1] if len(filled) >= 2 else None, em, s)
    if len(bands) <= 2:                            # few or no inner rules
        cuts = layout.stream_rows(ps, [x0, *bounds, x1], em) if bounds else None
        if cuts is not None:
            ys2 = sorted({*merged, *[y for y in cuts if top < y < bottom]})
            bands = [(a, b) for a, b in zip(ys2, ys2[1:]) if b - a > 0.07 * em]
        else:
            bands = [r for a, b in bands for r in split_by_gaps(chars, a, b, em, s)]
    bands = [b for b in bands if any(b[0] <= c.cy <= b[1] for c in chars)] or bands
    if not bounds:
        bounds = gutters(chars, x0, x1, bands, em, s)
    if not bounds or not bands:
        return None
    xs = [x0, *bounds, x1]
    row_ys = [bands[0][0]] + [(a[1] + b[0]) / 2 for a, b in zip(bands, bands[1:])] + [bands[-1][1]]
    cells, row_xs = [], []
    for r, (bt, bb) in enumerate(bands):
        row_ps = [p for p in ps if bt <= p.cy <= bb]
        rxs = list(xs)
        crossed = set()
        for k, bx in enumerate(bounds):
            over = [p for p in row_ps if p.x0 < bx - 0.07 * em and p.x1 > bx + 0.2 * em]
            if not over:
                continue
            # this row's next column starts right of the crossing text (columns that touch,
            # or a row of a stacked table with other widths): the edge moves for this row
            reach = max(p.x1 for p in over)
            nxt = [p.x0 for p in row_ps if bx - 0.07 * em <= p.x0 < xs[k + 2] - 0.07 * em]
            if nxt and min(nxt) > reach + 0.04 * em and all(p.x0 < min(nxt) for p in over):
                rxs[k + 1] = (reach + min(nxt)) / 2
            else:
                crossed.add(k)
        row_xs.append(rxs)
        c = 0
        while c < len(xs) - 1:
            e = c
            while e in crossed:
                e += 1
            cells.append(GridCell(r, c, r + 1, e + 1, (rxs[c], row_ys[r], rxs[e + 1], row_ys[r + 1])))
            c = e + 1
    return Grid(xs, row_ys, cells, "text", top_drawn=any(abs(y - top) < 0.2 * em for y in ys),
                bottom_drawn=any(abs(y - bottom) < 0.2 * em for y in ys),
                row_xs=row_xs if any(r != xs for r in row_xs) else None)
