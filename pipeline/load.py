"""Load segmented documents into DuckDB. Each document is written in one transaction and
replaces whatever that document (same bytes) or that file (same path) had before."""
from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Optional

import duckdb
import pandas as pd

from pipeline.normalize import normalize_text
from pipeline.records import Paragraph, SegmentedDocument, SourceFile
from pipeline.vocab import SCHEMAS

DOC_TABLES = ("measure_owners", "measures", "scores", "pages", "paragraphs")


class DatabaseBusy(Exception):
    """Another process holds the database (DuckDB allows one writer)."""


def connect(path: str, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """Open the database, creating its folder and schema when writable. A lock held by a
    running ingest becomes DatabaseBusy with a message that says what to do."""
    if not read_only:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    try:
        con = duckdb.connect(path, read_only=read_only)
    except duckdb.IOException as e:
        if "lock" in str(e).lower():
            raise DatabaseBusy(
                f"{path} is in use by another process (an ingest still running?). Wait for it to finish, "
                f"or query a copy: cp {path} /tmp/ita-copy.duckdb && ita query \"...\" --db /tmp/ita-copy.duckdb"
            ) from None
        raise
    if not read_only:
        ensure_schema(con)
    return con


def ensure_schema(con: duckdb.DuckDBPyConnection) -> None:
    for ddl in sorted(SCHEMAS.glob("ddl*.sql")):
        con.execute(ddl.read_text(encoding="utf-8"))


def known_files(con) -> dict[str, tuple[str, str]]:
    """source_path -> (sha256, status) of every document already in the database."""
    return {p: (h, s) for p, h, s in con.execute("select source_path, sha256, status from documents").fetchall()}


def _frame(rows: list[dict], columns: list[str]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=columns).astype(object).where(lambda d: d.notna(), None)


def _insert(con, table: str, rows: list[dict]) -> None:
    if not rows:
        return
    columns = list(rows[0])
    con.register("_rows", _frame(rows, columns))
    try:
        con.execute(f"insert into {table} ({', '.join(columns)}) select {', '.join(columns)} from _rows")
    finally:
        con.unregister("_rows")


def delete_document(con, doc_id: str, source_path: Optional[str] = None) -> None:
    ids = [doc_id]
    if source_path:
        ids += [r[0] for r in con.execute("select doc_id from documents where source_path = ?", [source_path]).fetchall()]
    for t in DOC_TABLES:
        con.execute(f"delete from {t} where doc_id in (select unnest(?))", [ids])
    con.execute("delete from documents where doc_id in (select unnest(?))", [ids])


def write_document(con, src: SourceFile, seg: Optional[SegmentedDocument] = None, *,
                   status: Optional[str] = None, error: Optional[str] = None) -> None:
    """Write one document (and its rows) in one transaction. Without `seg`, the document
    is recorded with the given status and error (e.g. failed) and no rows."""
    doc_id = src.doc_id
    con.execute("begin transaction")
    try:
        delete_document(con, doc_id, src.path)
        facts = seg.facts if seg else None
        ext = seg.extracted if seg else None
        con.execute(
            "insert into documents values (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            [doc_id, src.path, src.sha256, ext.format if ext else Path(src.path).suffix.lower().lstrip("."),
             ext.pages if ext else None, status or (seg.status if seg else "failed"),
             error or (ext.error if ext else None), (seg.warnings if seg else []),
             *( [facts.agency, facts.agency_type, facts.district, facts.province, facts.fiscal_year,
                 facts.ita_score, facts.ita_score_year, facts.ita_grade, facts.title] if facts else [None] * 9),
             datetime.now()])
        if seg and (status in (None, "ok", "empty")):
            _write_rows(con, doc_id, seg)
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise


def _write_rows(con, doc_id: str, seg: SegmentedDocument) -> None:
    measures, owners = [], []
    for m in seg.measures:
        mid = f"{doc_id}:{m.table_no}:{m.row_no}"
        measures.append(dict(
            measure_id=mid, doc_id=doc_id, table_no=m.table_no, row_no=m.row_no, page=m.page, line=m.line,
            tool=m.tool, indicator_no=m.indicator_no, indicator=m.indicator, measure=m.measure, issue=m.issue,
            method=m.method, owner=m.owner, period_text=m.period_text, period_start=m.period_start,
            period_end=m.period_end, result=m.result, outcome=m.outcome,
            raw=json.dumps(m.raw, ensure_ascii=False)))
        owners += [dict(measure_id=mid, doc_id=doc_id, unit=o.unit, unit_raw=o.unit_raw) for o in m.owners]
    _insert(con, "measures", measures)
    _insert(con, "measure_owners", owners)
    _insert(con, "scores", [dict(doc_id=doc_id, year=s.year, tool=s.tool, indicator_no=s.indicator_no,
                                 indicator=s.indicator, item_code=s.item_code, score=s.score, page=s.page)
                            for s in seg.scores])
    _insert(con, "pages", [dict(doc_id=doc_id, page=p.page, chars=p.chars, quality=p.quality, method=p.method)
                           for p in seg.extracted.page_info])
    paras = [b for b in seg.extracted.blocks if isinstance(b, Paragraph)]
    _insert(con, "paragraphs", [dict(doc_id=doc_id, para_no=i, page=p.page, line=p.line, text=normalize_text(p.text))
                                for i, p in enumerate(paras, start=1)])
