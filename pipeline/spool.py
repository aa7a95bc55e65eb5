"""Rows of a large document, passed from the worker to the writer through files.

A document with many rows (a 300 MB TXT, a table of 100k rows) would otherwise travel as one
pickle and become millions of Python objects in the parent, which DuckDB keeps alive until
the transaction commits (its pandas scan references them): 5 GB for 100k long rows. Instead
the worker writes each table's rows as newline-delimited JSON into the run directory
(pipeline.tmp) and DuckDB's own reader streams them into the table inside the document's
transaction, so the parent's memory does not grow with the document.
"""
from __future__ import annotations

import json
import math
from datetime import date, datetime
from pathlib import Path

# documents with more rows than this (all tables) are spooled; smaller ones go in memory,
# which is faster per document
SPOOL_ROWS = 10_000


def _plain(v):
    if isinstance(v, (date, datetime)):
        return v.isoformat()
    if isinstance(v, float) and not math.isfinite(v):
        return None
    return v


def write(rows: dict, columns: dict, folder: Path, stem: str) -> dict:
    """Write each table of `rows` (table -> tuples in `columns[table]` order) to
    folder/stem.table.ndjson; returns table -> path. Tables without rows are left out."""
    out = {}
    for table, tuples in rows.items():
        if not tuples:
            continue
        path = folder / f"{stem}.{table}.ndjson"
        names = columns[table]
        with open(path, "w", encoding="utf-8") as f:
            for t in tuples:
                f.write(json.dumps(dict(zip(names, map(_plain, t))), ensure_ascii=False))
                f.write("\n")
        out[table] = str(path)
    return out


def _types(con, table: str) -> dict:
    """Column types as DuckDB names them; JSON columns are read as text (as the in-memory
    path inserts them), so both paths store the same bytes."""
    got = con.execute("select column_name, data_type from information_schema.columns "
                      "where table_name = ? and table_schema = 'main'", [table]).fetchall()
    return {c: ("VARCHAR" if t == "JSON" else t) for c, t in got}


def insert(con, table: str, names: tuple, path: str) -> None:
    """Stream a spooled file into `table` (inside the caller's transaction)."""
    types = _types(con, table)
    spec = "{" + ", ".join(f"'{c}': '{types[c]}'" for c in names) + "}"
    cols = ", ".join(names)
    con.execute(f"insert into {table} ({cols}) select {cols} from read_json(?, format = 'newline_delimited', "
                f"columns = {spec})", [path])


def remove(spooled: dict) -> None:
    for path in spooled.values():
        Path(path).unlink(missing_ok=True)
