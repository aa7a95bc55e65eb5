"""Columns and rows of tables without vertical rules, from the text's layout.

Used by extractors/pdf_text_grid.py for tables without vertical rules (horizontal rules
only, booktabs, an outer frame, no rules). Distances are in em (``TableSettings``), passed
in as ``em`` = the page's character height. Observations on Writer/Word PDFs that these
rules rest on:

* The text layer is written cell by cell (all lines of a cell, then the next cell; rows
  top to bottom), so a jump in the character stream between two neighbours on one text
  line marks a cell boundary even when the columns touch ("ปฏิบัติ|สำนัก", 0.1 em apart).
  Inside a cell, neighbours on a line are consecutive in the stream; there is no space
  character between cells, so a white gap without a space (> ~0.17 em) is a boundary too.
* Cell text is left-aligned: every line of every cell of a column starts at the same x.
  A column start is an x where lines of several rows start and that no line crosses
  (wrapped or bulleted text inside a cell starts further right, but the cell's longer
  lines cross those x). The header row never spans columns, so a header line crossing an
  x rules it out; a header cell's start alone makes a column.
* Rows without rules between them: in stream order the cells of a row come left to
  right, so a cell whose column is not right of the previous cell's column (or that lies
  wholly below the row so far) starts a new row.
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from typing import Optional

from extractors.pdf_page import MARK as _MARK
from extractors.pdf_settings import DEFAULT, TableSettings

STREAM_JUMP = 6         # stream positions between line neighbours of one text box
_LABEL = re.compile(r"[-•·▪●○◦*]|[0-9๐-๙]{1,3}[.)]|\([0-9๐-๙]{1,3}\)")   # list labels


@dataclass
class Piece:
    """A stretch of one text line that belongs to one cell."""
    x0: float
    x1: float
    top: float
    bottom: float
    idx: int            # stream position of its first character

    @property
    def cy(self) -> float:
        return (self.top + self.bottom) / 2


def _text_lines(chars):
    """Characters grouped into text lines: a character joins the line whose usual box
    (median top and bottom) holds its centre."""
    lines = []
    for c in sorted(chars, key=lambda c: c.cy):
        if lines:
            ln = lines[-1]
            m = ln[len(ln) // 2]
            if m.top <= c.cy <= m.bottom:
                ln.append(c)
                continue
        lines.append([c])
    return lines


def pieces(chars, em: float, s: TableSettings = DEFAULT) -> list[Piece]:
    """Text lines split into the pieces of separate cells: at stream jumps and at white
    gaps without a space character (or very wide gaps). Marks count for the white (their
    boxes fill it where a producer splits a cluster's box among its characters) but not
    for stream order (some producers write them apart)."""
    gap_space, gap_no_space = s.gap_space * em, s.gap_no_space * em
    base = [c for c in chars if not _MARK.match(c.c)]
    marks = sorted((c for c in chars if _MARK.match(c.c)), key=lambda c: c.x0)
    mark_x0 = [m.x0 for m in marks]
    out: list[Piece] = []
    for line in _text_lines(base):
        line.sort(key=lambda c: c.x0)
        mid = line[len(line) // 2]
        cur = [line[0]]
        right = line[0].x1
        for a, b in zip(line, line[1:]):
            lo, hi = bisect.bisect_left(mark_x0, a.x0), bisect.bisect_left(mark_x0, b.x0)
            for m in marks[lo:hi]:
                if mid.top <= m.cy <= mid.bottom:
                    right = max(right, m.x1)
            gap = b.x0 - right
            jump = abs(b.idx - a.idx) > STREAM_JUMP if a.idx >= 0 and b.idx >= 0 else False
            label = not jump and gap < gap_space and _LABEL.fullmatch("".join(c.c for c in cur))
            if not label and (jump or gap >= gap_space or (gap >= gap_no_space and not b.hard_space)):
                out.append(_piece(cur))
                cur = []
                right = b.x1
            cur.append(b)
            right = max(right, b.x1)
        out.append(_piece(cur))
    return out


def _piece(cs) -> Piece:
    return Piece(min(c.x0 for c in cs), max(c.x1 for c in cs), min(c.top for c in cs),
                 max(c.bottom for c in cs), min(c.idx for c in cs))


def _line_key(p: Piece) -> int:
    return round(p.bottom)


def column_starts(ps: list[Piece], x0: float, x1: float, header_bottom: Optional[float],
                  em: float, s: TableSettings = DEFAULT) -> list[float]:
    """x of the column starts (the first column's excluded), from aligned line starts.
    ``header_bottom``: pieces above it are the header row."""
    align = s.align * em
    ps = [p for p in ps if x0 - align <= p.x0 <= x1]
    if len(ps) < 2:
        return []
    if header_bottom is None:
        top = min(p.top for p in ps)
        h = min((p.bottom - p.top for p in ps if p.top <= top + 0.1 * em), default=em)
        header_bottom = top + h
    left = min(p.x0 for p in ps)
    starts = sorted(p.x0 for p in ps)
    clusters: list[list[float]] = []
    for x in starts:
        if clusters and x - clusters[-1][0] <= align:
            clusters[-1].append(x)
        else:
            clusters.append([x])
    lines = {}
    for p in ps:
        lines.setdefault(_line_key(p), []).append(p)
    # the lines of a centred header cell start anywhere: a start that only such lines
    # have (another header line shares its midpoint but not its start) is no column start
    head = [p for p in ps if p.cy < header_bottom]

    def centred(p: Piece) -> bool:
        mid = (p.x0 + p.x1) / 2
        return any(q is not p and _line_key(q) != _line_key(p) and abs((q.x0 + q.x1) / 2 - mid) <= 0.2 * em
                   and abs(q.x0 - p.x0) > 0.3 * em for q in head)
    out = []
    for cl in clusters:
        cx = cl[0]
        if cx <= left + align:
            continue
        starting = [p for p in ps if abs(p.x0 - cx) <= align + (cl[-1] - cl[0])]
        support = len({_line_key(p) for p in starting})
        header_start = any(p.cy < header_bottom for p in starting)
        body_start = any(p.cy >= header_bottom for p in starting)
        crossing = [p for p in ps if p.x0 < cx - 0.18 * em and p.x1 > cx + 0.07 * em]
        if any(p.cy < header_bottom for p in crossing):
            continue
        n_cross = len({_line_key(p) for p in crossing})
        if not body_start and all(centred(p) for p in starting):
            continue
        if support >= 2 and n_cross <= support // 4:
            out.append(cx)
        elif header_start and n_cross == 0:
            out.append(cx)
        elif body_start and n_cross == 0 and _header_over(ps, head, cx, em):
            out.append(cx)                 # one body line (a table's first rows on a page)
    merged: list[float] = []
    for x in out:                       # starts closer than half an em are one column start
        if not merged or x - merged[-1] >= 0.5 * em:
            merged.append(x)
    return [x - 0.1 * em for x in merged]


def _header_over(ps: list[Piece], head: list[Piece], cx: float, em: float) -> bool:
    """A column start that one body line has is one when a white corridor of half an em
    runs down the whole table left of it and header text starts right of it, within the
    width of a short header cell, with header text left of the corridor too."""
    if any(p.x1 > cx - 0.5 * em and p.x0 < cx - 0.05 * em for p in ps):
        return False
    right = [p.x0 for p in head if p.x0 >= cx - 0.05 * em]
    return bool(right) and min(right) - cx <= 3 * em and any(p.x1 <= cx - 0.5 * em for p in head)


def stream_rows(ps: list[Piece], xs: list[float], em: float) -> Optional[list[float]]:
    """Row tops of a table without rules between rows, from the stream order of its cell
    texts (``xs``: column boundaries, left edge first, right edge last). None when the
    stream does not look cell by cell (one row per text line)."""
    ps = [p for p in ps if p.idx >= 0]
    if len(ps) < 2:
        return None

    def col(p):
        for k in range(len(xs) - 1):
            if p.x0 + 0.07 * em < xs[k + 1]:
                return k
        return len(xs) - 2

    ps = sorted(ps, key=lambda p: p.idx)
    cols = [col(p) for p in ps]
    # the usual white between two lines of one cell: consecutive pieces of one column
    gaps = sorted(b.top - a.bottom for a, b, ca, cb in zip(ps, ps[1:], cols, cols[1:])
                  if ca == cb and b.top > a.top)
    usual = gaps[len(gaps) // 2] if gaps else 0.0
    rows: list[list[Piece]] = []
    prev_col = None
    last = None
    for p, c in zip(ps, cols):
        if rows and prev_col is not None:
            cur = rows[-1]
            if c == prev_col and p.top > last.top and p.top - last.bottom <= usual + 0.1 * em:
                cur.append(p)              # the same cell, next line
                last = p
                continue
            if c == prev_col and abs(p.top - last.top) < 0.07 * em:
                cur.append(p)              # the same line, split at a gap
                last = p
                continue
            below = p.top > max(q.bottom for q in cur) - 0.07 * em
            if c > prev_col and not below:
                cur.append(p)
                prev_col = c
                last = p
                continue
        rows.append([p])
        prev_col = c
        last = p
    keys = {_line_key(p) for p in ps}
    nlines = len(keys)
    if len(rows) > 0.8 * nlines and nlines > 3:
        # line by line: no cell order to read, unless every line opens in the first
        # column (rows of one line each, as score tables have): then each line is a row
        if {_line_key(p) for p, c in zip(ps, cols) if c == 0} != keys:
            return None
        lines: dict[int, list[Piece]] = {}
        for p in ps:
            lines.setdefault(_line_key(p), []).append(p)
        rows = [lines[k] for k in sorted(lines)]
    # rows must follow each other down the page
    tops = [min(p.top for p in r) for r in rows]
    if any(b <= a for a, b in zip(tops, tops[1:])):
        return None
    cuts = []
    for r, nxt in zip(rows, rows[1:]):
        bottom = max(p.bottom for p in r)
        top = min(p.top for p in nxt)
        cuts.append((bottom + top) / 2 if top > bottom else top - 0.04 * em)
    return cuts
