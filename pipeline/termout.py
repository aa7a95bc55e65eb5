"""Query results on the terminal: aligned tables whose widths are counted per grapheme
(Thai vowel and tone marks take no column), cells cut with "…" to fit the terminal, one
spelling for empty, and no control characters from the data (an ESC sequence in a cell or
a file name must not clear the screen or forge a line). Formats: table, csv, json,
markdown. Values keep their types: integers print as integers, dates as ISO, NULL as
empty (null in JSON), JSON columns as nested objects in JSON."""
from __future__ import annotations

import csv
import json
import math
import re
import shutil
import sys
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Iterable, Optional, TextIO

from wcwidth import wcwidth

FORMATS = ("table", "csv", "json", "markdown")
ELLIPSIS = "…"
NEWLINE_MARK = "↵"           # a line break inside a table cell
COLUMN_GAP = "  "
MIN_COLUMN = 4               # a column is never cut narrower than this (or its content) …
HEADER_KEEP = 10             # … nor than this much of its header; columns that do not fit then are left out
DEFAULT_WIDTH = 100          # when the output is not a terminal and $COLUMNS is not set

# C0 and C1 controls (but tab and newline, handled per format), DEL, the bidi overrides and
# isolates that reorder what a terminal shows ("Trojan source"), and lone surrogates (the
# undecodable bytes of a file name, which cannot be printed as UTF-8)
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
_JSON_UNSAFE = re.compile("[\x7f-\x9f\u202a-\u202e\u2066-\u2069]")   # json.dumps escapes C0 itself


def _escape(m: re.Match) -> str:
    c = ord(m.group())
    if 0xDC80 <= c <= 0xDCFF:               # os.fsdecode's stand-in for an undecodable byte
        c -= 0xDC00
    return f"\\x{c:02x}" if c < 0x100 else f"\\u{c:04x}"


def safe_text(s: str, *, newlines: bool = True) -> str:
    """Control characters shown escaped ("\\x1b"); with newlines=False a line break is
    escaped too, so a file name cannot start a new (forged) line."""
    s = _CONTROL.sub(_escape, s)
    return s if newlines else s.replace("\r", "\\r").replace("\n", "\\n")


def display_width(s: str) -> int:
    """Columns the text takes on a terminal: combining marks 0, wide (CJK) characters 2."""
    return sum(max(wcwidth(ch), 0) for ch in s)


def fit(s: str, width: int) -> str:
    """Cut s to at most `width` columns, ending in "…" when cut, and never between a
    base character and its marks; padded with spaces to exactly `width`."""
    if display_width(s) > width:
        out, used = [], 0
        for ch in s:
            w = max(wcwidth(ch), 0)
            if w and used + w > width - 1:
                break
            out.append(ch)
            used += w
        s = "".join(out) + ELLIPSIS
    return s + " " * (width - display_width(s))


@dataclass
class Result:
    """Rows of a query with their column names and DuckDB types (as text: 'INTEGER', 'JSON',
    'VARCHAR[]', …)."""
    columns: list[str]
    types: list[str]
    rows: list[tuple]

    @classmethod
    def from_cursor(cls, cur) -> "Result":
        desc = cur.description or []
        return cls([d[0] for d in desc], [str(d[1]) for d in desc], cur.fetchall())

    @classmethod
    def from_dicts(cls, items: list[dict], columns: Optional[list[str]] = None) -> "Result":
        columns = columns or (list(items[0]) if items else [])
        return cls(columns, [""] * len(columns), [tuple(d.get(c) for c in columns) for d in items])


def is_empty(v: Any) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v))


def plain(v: Any) -> str:
    """One value as text for table, csv and markdown: empty for NULL, ISO dates, integers
    without a decimal point, lists and structs as JSON."""
    if is_empty(v):
        return ""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        return repr(v)
    if isinstance(v, datetime):
        return v.isoformat(sep=" ", timespec="seconds")
    if isinstance(v, date):
        return v.isoformat()
    if isinstance(v, (list, tuple, dict)):
        return json.dumps(v, ensure_ascii=False, default=str)
    return str(v)


def _json_value(v: Any, kind: str) -> Any:
    if is_empty(v):
        return None
    if kind == "JSON" and isinstance(v, str):
        try:
            return json.loads(v)            # nested as an object, not a string of JSON
        except ValueError:
            return v
    if isinstance(v, (datetime, date)):
        return v.isoformat()
    if isinstance(v, Decimal):
        return float(v)
    if isinstance(v, (list, tuple)):
        return [_json_value(x, "") for x in v]
    if isinstance(v, dict):
        return {k: _json_value(x, "") for k, x in v.items()}
    return v


def terminal_width() -> int:
    """The terminal's width ($COLUMNS first), or DEFAULT_WIDTH when writing to a pipe."""
    size = shutil.get_terminal_size((0, 0))
    if size.columns:
        return size.columns
    return DEFAULT_WIDTH


def column_widths(natural: list[int], floor: list[int], available: int, gap: int = len(COLUMN_GAP)) -> list[int]:
    """Widths that fit `available` columns: every column at most a common cap (found by
    bisection), never below its floor."""
    room = available - gap * max(len(natural) - 1, 0)
    if sum(natural) <= room:
        return natural
    lo, hi = 0, max(natural)
    while lo < hi:                          # largest cap whose widths still fit
        mid = (lo + hi + 1) // 2
        if sum(max(f, min(n, mid)) for n, f in zip(natural, floor)) <= room:
            lo = mid
        else:
            hi = mid - 1
    widths = [max(f, min(n, lo)) for n, f in zip(natural, floor)]
    spare = room - sum(widths)
    for i in sorted(range(len(natural)), key=lambda i: natural[i] - widths[i], reverse=True):
        if spare <= 0:
            break
        add = min(spare, natural[i] - widths[i])
        widths[i] += add
        spare -= add
    return widths


def _numeric(kind: str) -> bool:
    return kind.split("(")[0] in ("TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "UTINYINT", "USMALLINT",
                                  "UINTEGER", "UBIGINT", "FLOAT", "DOUBLE", "DECIMAL", "REAL")


def _shown_columns(floor: list[int], width: int) -> int:
    """How many columns, from the left, fit at their floor widths (leaving room for "…")."""
    gap = len(COLUMN_GAP)
    if sum(floor) + gap * (len(floor) - 1) <= width:
        return len(floor)
    used, k = 1, 0                          # the "…" column
    while k < len(floor) and used + gap + floor[k] <= width:
        used += gap + floor[k]
        k += 1
    return max(k, 1)


def table_lines(res: Result, width: Optional[int]) -> list[str]:
    """The aligned table; width=None shows every cell whole (--wide). Columns that cannot
    fit are left out at the right, behind a "…" column, with a note."""
    header = [safe_text(c, newlines=False) for c in res.columns]
    cells = [[safe_text(plain(v)).replace("\t", " ").replace("\r\n", NEWLINE_MARK).replace("\n", NEWLINE_MARK)
              for v in row] for row in res.rows]
    right = [_numeric(k) for k in res.types]
    natural = [max([display_width(h)] + [display_width(r[i]) for r in cells]) for i, h in enumerate(header)]
    note = []
    if width is None:
        widths = natural
    else:
        floor = [min(n, max(MIN_COLUMN, min(display_width(h), HEADER_KEEP))) for n, h in zip(natural, header)]
        k = _shown_columns(floor, width)
        if k < len(header):
            note = [f"({k} of {len(header)} columns shown: --wide or fewer columns shows the rest)"]
            header, cells = header[:k] + [ELLIPSIS], [r[:k] + [ELLIPSIS] for r in cells]
            natural, floor, right = natural[:k] + [1], floor[:k] + [1], right[:k] + [False]
        widths = column_widths(natural, floor, width)

    def line(values: list[str], align: bool = True) -> str:
        out = []
        for v, w, r in zip(values, widths, right):
            cell = fit(v, w)
            if align and r:
                stripped = cell.rstrip(" ")
                cell = " " * (w - display_width(stripped)) + stripped
            out.append(cell)
        return COLUMN_GAP.join(out)

    lines = [line(header, align=False), COLUMN_GAP.join("-" * w for w in widths)]
    lines += [line(r) for r in cells]
    if not res.rows:
        lines.append("(no rows)")
    return lines + note


def write_csv(res: Result, out: TextIO) -> None:
    w = csv.writer(out, lineterminator="\n")
    w.writerow([safe_text(c) for c in res.columns])
    for row in res.rows:
        w.writerow([safe_text(plain(v)) for v in row])


def write_json(res: Result, out: TextIO) -> None:
    items = [{c: _json_value(v, k) for c, v, k in zip(res.columns, row, res.types)} for row in res.rows]
    text = json.dumps(items, ensure_ascii=False, indent=1, default=str)
    out.write(_JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text) + "\n")


def write_markdown(res: Result, out: TextIO) -> None:
    def cell(v: str) -> str:
        return safe_text(v).replace("|", "\\|").replace("\r\n", "<br>").replace("\n", "<br>")
    out.write("| " + " | ".join(cell(c) for c in res.columns) + " |\n")
    out.write("|" + "|".join("---:" if _numeric(k) else "---" for k in res.types) + "|\n")
    for row in res.rows:
        out.write("| " + " | ".join(cell(plain(v)) for v in row) + " |\n")


def print_result(res: Result, fmt: str = "table", *, wide: bool = False, out: Optional[TextIO] = None) -> None:
    out = out or sys.stdout
    if fmt == "csv":
        write_csv(res, out)
    elif fmt == "json":
        write_json(res, out)
    elif fmt == "markdown":
        write_markdown(res, out)
    else:
        for ln in table_lines(res, None if wide else terminal_width()):
            out.write(ln + "\n")


def print_lines(lines: Iterable[str], out: Optional[TextIO] = None) -> None:
    """Lines of a summary or a report: each printed as one line, control characters and
    line breaks inside it escaped."""
    out = out or sys.stdout
    for ln in lines:
        out.write(safe_text(ln, newlines=False) + "\n")
