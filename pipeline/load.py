"""Load segmented documents into DuckDB. A document replaces whatever that document (same
bytes) or that file (same path) had before, all or nothing: write_document writes one in one
transaction; write_documents writes a batch in one transaction (ingest uses it, since a
DuckDB statement costs about a millisecond and a commit several); document_rows turns a
document into plain rows without touching the database, so workers can do that part; a
large document's rows are spooled to files by the worker (pipeline.spool) and streamed into
the tables by DuckDB, so neither process holds them all as Python objects."""
from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Optional

import duckdb
import pandas as pd

from pipeline import spool
from pipeline.analyze.roles import layout_roles
from pipeline.normalize import normalize_text
from pipeline.paths import display_path, path_bytes
from pipeline.records import Paragraph, SegmentedDocument, SourceFile
from pipeline.vocab import SCHEMAS

DOC_TABLES = ("measure_owners", "measures", "scores", "pages", "paragraphs")
FINDINGS_TABLES = ("passages", "copy_findings")      # schemas/ddl_findings.sql, written by pipeline.dupes
MAX_STORED_WARNINGS = 1000      # per document; the rest is counted in one last warning


class DatabaseBusy(Exception):
    """Another process holds the database (DuckDB allows one writer)."""


def busy_message(path: str) -> str:
    # a plain copy of the file misses what the running ingest wrote since its last checkpoint
    # (DuckDB keeps it in the .wal file); --snapshot copies both consistently
    return (f"{path} is in use by another process (an ingest still running?). Wait for it to finish, "
            f"or query a snapshot of it as it is now: ita query --snapshot \"...\" --db {path}")


def connect(path: str, read_only: bool = False, config: Optional[dict] = None,
            memory_limit: Optional[str] = None) -> duckdb.DuckDBPyConnection:
    """Open the database, creating its folder and schema when writable. A lock held by a
    running ingest becomes DatabaseBusy with a message that says what to do. `memory_limit`
    (e.g. "512MB") bounds DuckDB's own buffers (it spills to disk beyond)."""
    if not read_only:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    try:
        con = duckdb.connect(path, read_only=read_only, config=config or {})
    except duckdb.IOException as e:
        if "lock" in str(e).lower():
            raise DatabaseBusy(busy_message(path)) from None
        raise
    if memory_limit:
        con.execute(f"set memory_limit = '{memory_limit}'")
    if not read_only:
        ensure_schema(con)
    return con


def ensure_schema(con: duckdb.DuckDBPyConnection) -> None:
    for ddl in sorted(SCHEMAS.glob("ddl*.sql")):
        con.execute(ddl.read_text(encoding="utf-8"))


def known_files(con) -> dict[str, tuple[str, str, Optional[bytes]]]:
    """source_path -> (sha256, status, source_path_bytes) of every document in the database."""
    return {p: (h, s, b) for p, h, s, b in con.execute(
        "select source_path, sha256, status, source_path_bytes from documents").fetchall()}


def _delete_rows(con, ids: list[str]) -> None:
    """Every row of these documents: their own tables, then passages and copy findings
    (a finding names two documents: it goes when either does)."""
    for t in DOC_TABLES:
        con.execute(f"delete from {t} where doc_id in (select unnest(?))", [ids])
    con.execute("delete from passages where doc_id in (select unnest(?))", [ids])
    con.execute("delete from copy_findings where doc_a in (select unnest($1)) or doc_b in (select unnest($1))", [ids])
    con.execute("delete from documents where doc_id in (select unnest(?))", [ids])


def delete_document(con, doc_id: str, source_path: Optional[str] = None) -> None:
    ids = [doc_id]
    if source_path:
        ids += [r[0] for r in con.execute("select doc_id from documents where source_path = ?", [source_path]).fetchall()]
    _delete_rows(con, ids)


COLUMNS = {
    "documents": ("doc_id", "source_path", "sha256", "format", "pages", "status", "error", "warnings",
                  "agency", "agency_type", "district", "province", "fiscal_year", "ita_score",
                  "ita_score_year", "ita_grade", "title", "ingested_at", "source_path_bytes"),
    "measures": ("measure_id", "doc_id", "table_no", "row_no", "page", "line", "tool", "indicator_no",
                 "indicator", "measure", "issue", "method", "owner", "period_text", "period_start",
                 "period_end", "result", "outcome", "raw", "section"),
    "measure_owners": ("measure_id", "doc_id", "unit", "unit_raw"),
    "scores": ("doc_id", "year", "tool", "indicator_no", "indicator", "item_code", "score", "page"),
    "pages": ("doc_id", "page", "chars", "quality", "method", "ocr_confidence"),
    "paragraphs": ("doc_id", "para_no", "page", "line", "text", "role"),
}


@dataclass
class DocumentRows:
    """Everything one document writes, as plain tuples in COLUMNS order. Built without the
    database (in an ingest worker), written by write_documents."""
    doc_id: str
    source_path: str                                # as stored (display_path)
    status: str
    rows: dict = field(default_factory=dict)        # table -> list of tuples
    spooled: dict = field(default_factory=dict)     # table -> NDJSON file (pipeline.spool), instead of rows

    def row_count(self) -> int:
        return sum(len(r) for r in self.rows.values())


def document_rows(src: SourceFile, seg: Optional[SegmentedDocument] = None, *,
                  status: Optional[str] = None, error: Optional[str] = None) -> DocumentRows:
    """Rows of one document. Without `seg`, the document is recorded with the given status
    and error (e.g. failed) and no rows."""
    doc_id = src.doc_id
    facts = seg.facts if seg else None
    ext = seg.extracted if seg else None
    given = status
    status = status or (seg.status if seg else "failed")
    shown, raw = display_path(src.path), path_bytes(src.path)
    doc = (doc_id, shown, src.sha256, ext.format if ext else Path(shown).suffix.lower().lstrip("."),
           ext.pages if ext else None, status, error or (ext.error if ext else None),
           _name_warning(raw) + (_capped(seg.warnings) if seg else []),
           *([facts.agency, facts.agency_type, facts.district, facts.province, facts.fiscal_year,
              facts.ita_score, facts.ita_score_year, facts.ita_grade, facts.title] if facts else [None] * 9),
           datetime.now(), raw)
    out = DocumentRows(doc_id, shown, status, {"documents": [doc]})
    if seg and given in (None, "ok", "empty"):
        out.rows.update(_rows(doc_id, seg))
    return out


def _name_warning(raw: Optional[bytes]) -> list[str]:
    """For a name that is not UTF-8: what it says read as TIS-620, which such names usually are."""
    if raw is None:
        return []
    name = os.path.basename(raw)
    try:
        thai = f"; read as TIS-620 it is '{name.decode('cp874')}'"
    except UnicodeDecodeError:
        thai = ""
    return [f"file name is not valid UTF-8: stored with \\xNN for the undecodable bytes{thai}"]


def _capped(warnings: list[str]) -> list[str]:
    """A hostile document can have a warning per row (millions): keep the first ones."""
    if len(warnings) <= MAX_STORED_WARNINGS:
        return list(warnings)
    return list(warnings[:MAX_STORED_WARNINGS]) + [f"... and {len(warnings) - MAX_STORED_WARNINGS} more warnings"]


def _rows(doc_id: str, seg: SegmentedDocument) -> dict:
    measures, owners = [], []
    for m in seg.measures:
        mid = f"{doc_id}:{m.table_no}:{m.row_no}"
        measures.append((mid, doc_id, m.table_no, m.row_no, m.page, m.line, m.tool, m.indicator_no, m.indicator,
                         m.measure, m.issue, m.method, m.owner, m.period_text, m.period_start, m.period_end,
                         m.result, m.outcome, json.dumps(m.raw, ensure_ascii=False), m.section))
        owners += [(mid, doc_id, o.unit, o.unit_raw) for o in m.owners]
    paras = [b for b in seg.extracted.blocks if isinstance(b, Paragraph)]
    roles = layout_roles(paras, seg.extracted.page_info)
    return {
        "measures": measures,
        "measure_owners": owners,
        "scores": [(doc_id, s.year, s.tool, s.indicator_no, s.indicator, s.item_code, s.score, s.page)
                   for s in seg.scores],
        "pages": [(doc_id, p.page, p.chars, p.quality, p.method, p.ocr_confidence)
                  for p in seg.extracted.page_info],
        "paragraphs": [(doc_id, i, p.page, p.line, normalize_text(p.text), role)
                       for i, (p, role) in enumerate(zip(paras, roles), start=1)],
    }


def _insert(con, table: str, rows: list[tuple]) -> None:
    """Bulk insert through a registered object-typed frame: one statement for many rows
    (DuckDB statements cost about a millisecond each, so row-by-row inserts are slow)."""
    if not rows:
        return
    columns = COLUMNS[table]
    con.register("_rows", pd.DataFrame(rows, columns=list(columns), dtype=object))
    try:
        con.execute(f"insert into {table} ({', '.join(columns)}) select {', '.join(columns)} from _rows")
    finally:
        con.unregister("_rows")


def write_documents(con, docs: list[DocumentRows]) -> None:
    """Write several documents in one transaction; each replaces whatever the same document
    (same bytes) or the same file (same path) had before. All or nothing."""
    if not docs:
        return
    con.execute("begin transaction")
    try:
        # the stored documents these replace (same bytes or same path); a document's rows are
        # only ever written with its documents row, so nothing else can hold these ids
        replaced = sorted(r[0] for r in con.execute(
            "select doc_id from documents where doc_id in (select unnest(?)) or source_path in (select unnest(?))",
            [[d.doc_id for d in docs], [d.source_path for d in docs]]).fetchall())
        if replaced:
            _delete_rows(con, replaced)
        ph = "(" + ",".join("?" * len(COLUMNS["documents"])) + ")"
        for i in range(0, len(docs), 200):
            chunk = docs[i:i + 200]
            con.execute(f"insert into documents ({', '.join(COLUMNS['documents'])}) values "
                        + ",".join([ph] * len(chunk)), [v for d in chunk for v in d.rows["documents"][0]])
        for t in DOC_TABLES[::-1]:
            _insert(con, t, [r for d in docs for r in d.rows.get(t, ())])
            for d in docs:
                if t in d.spooled:
                    spool.insert(con, t, COLUMNS[t], d.spooled[t])
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise


def write_document(con, src: SourceFile, seg: Optional[SegmentedDocument] = None, *,
                   status: Optional[str] = None, error: Optional[str] = None) -> None:
    """Write one document (and its rows) in one transaction. Without `seg`, the document
    is recorded with the given status and error (e.g. failed) and no rows."""
    write_documents(con, [document_rows(src, seg, status=status, error=error)])
