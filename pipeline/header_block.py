"""Find a table's header block and map its columns to fields.

A table may open with title rows (one cell across the table: "แบบรายงาน…", "หน่วยงาน :
…"), then a header block of 1-3 rows: cells that are short, without dates or sentences,
most of them known wordings (a field, a column without a field, a status or period
sub-column label); shading or bold lowers how many must be known. Header cells spanning
rows (``row_span``) extend the block; without spans (TXT) a next row of known wordings of
which one stands under a blank cell is a sub-header. Each leaf column gets a header path
(parent / child) and is mapped from it:

* a known leaf wording gives its field; under a parent naming the measures ("แนวทาง…",
  "มาตรการ…") the first sub-column is the measure;
* period tick labels (ไตรมาส 1, ต.ค., 2567) and status labels (ดำเนินการแล้ว) under their
  parent make tick columns;
* an unknown leaf takes its parent's field;
* two columns with one field: a later second measure column is the method; a status-like
  result column yields the field to a narrative one.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Optional

from pipeline.headers import header_kind, is_measure_parent
from pipeline.normalize import normalize_cell, normalize_text
from pipeline.records import Cell, cell_owner

HEADER_CELL_MAX = 80         # a header cell is short (a spanning parent may be longer)
PARENT_CELL_MAX = 160
MAX_HEADER_ROWS = 3
MAX_TITLE_ROWS = 3
_DATE_LIKE = re.compile(r"\d{1,2}\s*(?:[ก-ฮ]\.[ก-ฮ]\.|มกราคม|กุมภาพันธ์|มีนาคม|เมษายน|พฤษภาคม|มิถุนายน|กรกฎาคม|สิงหาคม|กันยายน|ตุลาคม|พฤศจิกายน|ธันวาคม)")
_STATUSY = re.compile(r"^\s*สถานะ")
_CHECKBOX = re.compile("[☐☑☒]")


@dataclass
class Column:
    index: int
    header: str                          # header path, "parent / child"
    field: Optional[str]                 # None: no field (kept in raw)
    kind: str = "field"                  # field | ignore | tick | status | unknown
    tick: Optional[tuple] = None         # period tick columns: ("q", n) | ("m", month, year) | ("y", year)
    status: Optional[str] = None         # status tick columns: the wording


@dataclass
class HeaderBlock:
    title_rows: list[int] = field(default_factory=list)
    rows: list[int] = field(default_factory=list)        # header row indexes
    columns: list[Column] = field(default_factory=list)

    @property
    def end(self) -> int:
        return (self.rows or self.title_rows or [-1])[-1] + 1


def width(rows: list[list[Cell]]) -> int:
    return max((len(r) for r in rows), default=0)


def _text(cell: Optional[Cell]) -> str:
    return cell.text.strip() if cell is not None and not cell.covered else ""


def _filled(row: list[Cell]) -> list[Cell]:
    return [c for c in row if _text(c)]


def is_full_width_row(row: list[Cell], n: int) -> bool:
    """One cell with text, spanning the table (or, without span information, the only cell
    with text in a row of several)."""
    filled = _filled(row)
    if len(filled) != 1 or n < 2:
        return False
    c = filled[0]
    return c.col_span >= n or (c.col_span == 1 and all(x.covered or not x.text.strip() for x in row if x is not c)
                                and not any(x.covered for x in row))


def header_score(row: list[Cell]) -> Optional[float]:
    """Share of a row's cells that read as known header wordings, or None when the row
    cannot be a header (long cells, dates, fewer than two cells)."""
    filled = _filled(row)
    if len(filled) < 2:
        return None
    for c in filled:
        t = normalize_cell(c.text)
        limit = PARENT_CELL_MAX if c.col_span > 1 else HEADER_CELL_MAX
        if len(t) > limit or _DATE_LIKE.search(t):
            return None
    known = sum(header_kind(c.text).known or is_measure_parent(c.text) for c in filled)
    return known / len(filled) if known >= (1 if _looks_like_header(filled) else 2) else None


def _looks_like_header(filled: list[Cell]) -> bool:
    """All cells shaded, or all bold: the layout marks the row as a header."""
    return all(c.shaded for c in filled) or all(c.bold for c in filled)


def _is_header_row(row: list[Cell]) -> bool:
    s = header_score(row)
    if s is None:
        return False
    return s >= 0.6 or (s >= 0.34 and _looks_like_header(_filled(row)))


def _is_subheader(row: list[Cell], above: list[Cell]) -> bool:
    """A further header row: only known wordings (labels included), one of them under a
    blank or spanning cell of the row above."""
    filled = [(i, c) for i, c in enumerate(row) if _text(c)]
    if not filled:
        return False
    for i, c in filled:
        if len(normalize_cell(c.text)) > HEADER_CELL_MAX or not header_kind(c.text).known:
            return False
    return any(i >= len(above) or not above[i].text.strip() or above[i].covered or above[i].col_span > 1
               for i, _ in filled)


def _parent_over_header(rows: list[list[Cell]], r: int) -> bool:
    """A row of one cell across the table naming the measures ("แนวทางการนำผลการ
    วิเคราะห์ไปสู่การปฏิบัติ…") over a header row: the parent of every column, not a title."""
    filled = _filled(rows[r])
    return len(filled) == 1 and is_measure_parent(filled[0].text) and \
        len(normalize_cell(filled[0].text)) <= PARENT_CELL_MAX and r + 1 < len(rows) and _is_header_row(rows[r + 1])


def find_header(rows: list[list[Cell]]) -> Optional[HeaderBlock]:
    """The header block at the top of a table, or None (a continuation chunk, a table of
    data only)."""
    n = width(rows)
    hb = HeaderBlock()
    r = 0
    while r < min(len(rows) - 1, MAX_TITLE_ROWS) and is_full_width_row(rows[r], n) and \
            not _is_header_row(rows[r]) and not _parent_over_header(rows, r):
        hb.title_rows.append(r)
        r += 1
    parent = r < len(rows) - 1 and _parent_over_header(rows, r)
    if r >= len(rows) or not (parent or _is_header_row(rows[r])):
        return None
    end = r + 2 if parent else r + 1
    spans = [r + c.row_span for c in rows[r] if not c.covered and c.text.strip()]
    end = max(end, min(max(spans, default=end), r + MAX_HEADER_ROWS))
    while end < len(rows) and end - r < MAX_HEADER_ROWS and _is_subheader(rows[end], rows[end - 1]):
        end += 1
    hb.rows = list(range(r, end))
    hb.columns = map_columns([rows[k] for k in hb.rows], n)
    return hb


# ---------------------------------------------------------------- columns
def _paths(header_rows: list[list[Cell]], n: int) -> list[list[str]]:
    """For each column, the header texts from top to bottom (parent first). A cell that is
    blank in the text (no span information) over a column whose lower row has text takes
    the nearest text to its left in its row: the TXT form of a spanning parent."""
    out = []
    for c in range(n):
        path = []
        for k, row in enumerate(header_rows):
            if c >= len(row):
                continue
            cell = cell_owner(header_rows, k, c)
            t = cell.text.strip() if cell is not None else ""
            if not t and not row[c].covered and k + 1 < len(header_rows) and c < len(header_rows[k + 1]) \
                    and header_rows[k + 1][c].text.strip():
                t = next((row[j].text.strip() for j in range(c - 1, -1, -1) if row[j].text.strip()), "")
            if t and (not path or path[-1] != t):
                path.append(t)
        out.append(path)
    return out


def map_columns(header_rows: list[list[Cell]], n: int) -> list[Column]:
    paths = _paths(header_rows, n)
    cols: list[Column] = []
    seen_parent: dict[str, int] = {}
    for i, path in enumerate(paths):
        header = normalize_text(" / ".join(path))
        if not path:
            cols.append(Column(i, "", None, "unknown"))
            continue
        leaf, parent = path[-1], (path[-2] if len(path) > 1 else None)
        first_under_parent = parent is not None and seen_parent.setdefault(parent, i) == i
        k = header_kind(leaf)
        if parent is not None and is_measure_parent(parent) and first_under_parent:
            cols.append(Column(i, header, "measure"))
        elif k.kind == "tick":
            cols.append(Column(i, header, None, "tick", tick=k.tick))
        elif k.kind == "status":
            cols.append(Column(i, header, None, "status", status=k.label))
        elif k.kind == "field":
            cols.append(Column(i, header, k.field))
        elif k.kind == "ignore":
            cols.append(Column(i, header, None, "ignore"))
        elif parent is not None and (pk := header_kind(parent)).kind == "field":
            cols.append(Column(i, header, pk.field))
        else:
            cols.append(Column(i, header, None, "unknown"))
    return cols


def resolve_duplicates(cols: list[Column], body: list[list[Cell]]) -> None:
    """One field, two columns: the later of two measure columns lists what was done (the
    method, unless there is one); a status-like result column (header "สถานะ…", or cells
    of tick boxes) gives the result to a narrative one."""
    by_field: dict[str, list[Column]] = {}
    for c in cols:
        if c.field:
            by_field.setdefault(c.field, []).append(c)
    measures = by_field.get("measure", [])
    if len(measures) > 1:
        for c in measures[1:]:
            c.field = "method" if "method" not in by_field else None
            by_field.setdefault("method", []).append(c)
    results = by_field.get("result", [])
    if len(results) > 1:
        statusy = [c for c in results if _STATUSY.match(c.header) or _checkbox_column(c.index, body)]
        if statusy and len(statusy) < len(results):
            for c in statusy:
                c.field, c.kind = None, "status_list"


def _checkbox_column(i: int, body: list[list[Cell]]) -> bool:
    cells = [r[i].text for r in body if i < len(r) and r[i].text.strip()]
    return bool(cells) and sum(bool(_CHECKBOX.search(t)) for t in cells) >= 0.5 * len(cells)
