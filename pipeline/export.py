"""`ita export`: hand the data to a colleague in the tool they use.

One file per table in --out DIR: measures (with the document's agency, year and file, and
the provenance of each row: page, line, table, row, raw cells), documents, scores (with
agency and year) and findings (copy-paste findings with both sides' agency and file).
- xlsx: a header row that stays in view (frozen), column widths from the content, a font
  that has Thai glyphs on every Excel (Tahoma); numbers, dates and empty cells keep their
  types; lists (warnings) one item a line;
- csv: UTF-8 with a BOM (Excel then reads Thai), NULL as an empty field, integers without
  ".0", ISO dates, lists and JSON as JSON text;
- parquet: written by DuckDB with the database's own types (DATE, INTEGER, lists, …).
"""
from __future__ import annotations

import csv
import json
from datetime import date, datetime
from pathlib import Path
from typing import Iterable

from pipeline.termout import display_width, plain

FORMATS = ("xlsx", "csv", "parquet")
XLSX_FONT = "Tahoma"          # Thai-capable and installed with every Windows and macOS
XLSX_MAX_WIDTH = 60           # characters; longer cells wrap in Excel's formula bar
XLSX_CELL_MAX = 32767         # Excel's limit on the characters of one cell
BATCH = 5000

_PLACE = "d.agency, d.agency_type, d.district, d.province, d.fiscal_year, d.source_path"
QUERIES = {
    "measures": f"""select {_PLACE}, m.doc_id, m.measure_id, m.table_no, m.row_no, m.page, m.line, m.section,
                           m.tool, m.indicator_no, m.indicator, m.measure, m.issue, m.method, m.owner,
                           m.period_text, m.period_start, m.period_end, m.result, m.outcome, m.raw
                    from measures m join documents d using (doc_id)
                    order by d.source_path, m.table_no, m.row_no""",
    "documents": "select * from documents order by source_path",
    "scores": f"""select {_PLACE}, s.* exclude (doc_id), s.doc_id
                  from scores s join documents d using (doc_id)
                  order by d.source_path, s.tool, s.indicator_no, s.item_code""",
    "findings": """select f.*, da.agency as agency_a, da.fiscal_year as year_a, da.source_path as source_a,
                          db.agency as agency_b, db.fiscal_year as year_b, db.source_path as source_b
                   from copy_findings f
                   left join documents da on da.doc_id = f.doc_a
                   left join documents db on db.doc_id = f.doc_b
                   order by f.boilerplate, f.kind, f.similarity desc, f.finding_id""",
}
TABLES = tuple(QUERIES)
_NEEDS = {"findings": "copy_findings"}


class ExportError(Exception):
    """A user mistake (bad --out) or nothing to export; the message says what to do."""


def export(con, out_dir: str, fmt: str, tables: Iterable[str] = TABLES) -> list[tuple[str, int]]:
    """Write each table to out_dir/<table>.<fmt>; returns (file, rows) per file written.
    A findings table that was never computed is skipped with a note as its 'file'."""
    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise ExportError(f"--out {out_dir} is a file: give a folder (it is created if missing)")
    out.mkdir(parents=True, exist_ok=True)
    present = {r[0] for r in con.execute("select table_name from information_schema.tables").fetchall()}
    written = []
    for table in dict.fromkeys(tables):
        if _NEEDS.get(table, table) not in present:
            written.append((f"{table}: not in this database (run `ita dupes --recompute` to compute findings)", 0))
            continue
        path = out / f"{table}.{fmt}"
        n = {"xlsx": _xlsx, "csv": _csv, "parquet": _parquet}[fmt](con, QUERIES[table], path, table)
        written.append((str(path), n))
    return written


def _batches(cur) -> Iterable[list[tuple]]:
    while True:
        rows = cur.fetchmany(BATCH)
        if not rows:
            return
        yield rows


def _csv(con, sql: str, path: Path, table: str) -> int:
    cur = con.execute(sql)
    n = 0
    with open(path, "w", encoding="utf-8-sig", newline="") as f:
        w = csv.writer(f)
        w.writerow([d[0] for d in cur.description])
        for rows in _batches(cur):
            w.writerows([plain(v) for v in row] for row in rows)
            n += len(rows)
    return n


def _parquet(con, sql: str, path: Path, table: str) -> int:
    literal = "'" + str(path).replace("'", "''") + "'"
    con.execute(f"copy ({sql}) to {literal} (format parquet)")
    return con.execute(f"select count(*) from ({sql})").fetchone()[0]


def _xlsx_value(v):
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    if v is None or (isinstance(v, float) and v != v):
        return None
    if isinstance(v, (list, tuple)):
        v = "\n".join(plain(x) for x in v)
    elif isinstance(v, dict):
        v = json.dumps(v, ensure_ascii=False, default=str)
    if isinstance(v, str):
        v = ILLEGAL_CHARACTERS_RE.sub("", v)
        return v if len(v) <= XLSX_CELL_MAX else v[:XLSX_CELL_MAX - 1] + "…"
    return v


def _xlsx(con, sql: str, path: Path, table: str) -> int:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    cur = con.execute(sql)
    columns = [d[0] for d in cur.description]
    rows = cur.fetchall()
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(table)
    ws.freeze_panes = "A2"
    font, head_font = Font(name=XLSX_FONT, size=10), Font(name=XLSX_FONT, size=10, bold=True)
    sample = rows[:1000]
    for i, name in enumerate(columns):
        longest = max([display_width(name)] + [display_width(plain(r[i]).split("\n")[0]) for r in sample])
        ws.column_dimensions[get_column_letter(i + 1)].width = min(XLSX_MAX_WIDTH, max(6, longest + 2))
    top = Alignment(vertical="top")

    def cell(v, f, fmt=None):
        c = WriteOnlyCell(ws, value=v)
        c.font, c.alignment = f, top
        if fmt:
            c.number_format = fmt
        return c

    ws.append([cell(c, head_font) for c in columns])
    for row in rows:
        out = []
        for v in row:
            v = _xlsx_value(v)
            fmt = "yyyy-mm-dd hh:mm:ss" if isinstance(v, datetime) else "yyyy-mm-dd" if isinstance(v, date) else None
            out.append(cell(v, font, fmt))
        ws.append(out)
    wb.save(path)
    return len(rows)
