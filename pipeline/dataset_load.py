"""`ita load DATASET --db FILE`: a dataset of Parquet shards (pipeline.dataset) into one
DuckDB file, then the copy findings over it.

Idempotent and incremental: a document whose row in the database has the same doc_id,
path and ingested_at as its live row in the dataset is left alone; every other live
document replaces, as a whole, whatever the database holds for that document or that path
(as `ita ingest` does), in one transaction. Documents in the database that the dataset
does not hold are kept. The signatures computed in the tasks go to passage_minhash, so the
findings' recompute (pipeline.analyze) computes no MinHash for those passages. The dataset
is only read: it may be on a read-only mount, or written meanwhile by a running ingest
(its unfinished batches are not there yet).
"""
from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from pipeline import dataset, load
from pipeline.analyze.files import FILE_COLUMNS, upsert_files
from pipeline.analyze.signatures import MINHASH_COLUMNS


@dataclass
class LoadSummary:
    loaded: Counter = field(default_factory=Counter)      # status -> documents written
    unchanged: int = 0
    findings: dict = field(default_factory=dict)
    db_documents: int = 0
    db_measures: int = 0
    seconds: float = 0.0

    def lines(self) -> list[str]:
        new = sum(self.loaded.values())
        out = [f"{new} loaded, {self.unchanged} unchanged (database holds {self.db_documents} documents, "
               f"{self.db_measures} measures); {self.seconds:.1f} s"]
        if new:
            out.append("  loaded: " + ", ".join(f"{k} {v}" for k, v in sorted(self.loaded.items())))
        if self.findings:
            out.append("  copy findings: " + ", ".join(f"{k} {v}" for k, v in sorted(self.findings.items())))
        return out


def _shards_of(folder: Path, table: str, batches: set) -> list[Path]:
    return [p for p in dataset.shards(folder, table) if dataset.batch_of(p) in batches]


def _copy_table(con, table: str, columns, paths: list[Path]) -> None:
    """Rows of the changed documents (their own batch only) from the shards into the table."""
    if not paths:
        return
    cols = ", ".join(columns)
    con.execute(f"""INSERT INTO {table} ({cols})
                    SELECT {', '.join('t.' + c for c in columns)}
                    FROM read_parquet({dataset.sql_list(paths)}, filename = true, union_by_name = true) t
                    JOIN _changed c ON c.doc_id = t.doc_id
                     AND c.batch = regexp_extract(t.filename, 'part-(.+)\\.parquet$', 1)""")


def load_dataset(folder: str, db: str, *, dupes: bool = True) -> LoadSummary:
    """Raises FileNotFoundError when `folder` is not a dataset, load.DatabaseBusy when
    another process holds the database."""
    started = time.time()
    folder = Path(folder)
    if not folder.is_dir():
        raise FileNotFoundError(f"no such folder: {folder}")
    docs = dataset.shards(folder, "documents")
    if not docs:
        raise FileNotFoundError(f"{folder} is not a dataset (no documents/part-*.parquet): "
                                f"make one with `ita ingest REPORTS --out {folder}`")
    summary = LoadSummary()
    con = load.connect(db)
    try:
        con.execute(f"""CREATE TEMP TABLE _changed AS
                        SELECT l.doc_id, l.source_path, l.status, l.batch
                        FROM ({dataset.LIVE_DOCUMENTS.format(files=dataset.sql_list(docs))}) l
                        LEFT JOIN documents d ON d.doc_id = l.doc_id AND d.source_path = l.source_path
                                             AND d.ingested_at = l.ingested_at
                        WHERE d.doc_id IS NULL""")
        live = con.execute(f"SELECT count(*) FROM ({dataset.LIVE_DOCUMENTS.format(files=dataset.sql_list(docs))})"
                           ).fetchall()[0][0]
        summary.loaded = Counter(dict(con.execute("SELECT status, count(*) FROM _changed GROUP BY status").fetchall()))
        summary.unchanged = live - sum(summary.loaded.values())
        batches = {b for (b,) in con.execute("SELECT DISTINCT batch FROM _changed").fetchall()}
        if batches:
            _replace(con, folder, batches)
        if dupes:
            pending = [d for (d,) in con.execute("SELECT doc_id FROM pending_findings").fetchall()]
            if pending:
                from pipeline import dupes as analysis
                analysis.ensure_schema(con)
                summary.findings = analysis.recompute(con, pending)
                con.execute("DELETE FROM pending_findings")
        summary.db_documents, summary.db_measures = con.execute(
            "SELECT (SELECT count(*) FROM documents), (SELECT count(*) FROM measures)").fetchall()[0]
    finally:
        con.close()
    summary.seconds = time.time() - started
    return summary


def _replace(con, folder: Path, batches: set) -> None:
    """In one transaction: the changed documents' old rows out (by doc_id or path), their
    rows from the dataset in, the files seen, and the documents marked for the findings."""
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute("""CREATE TEMP TABLE _replaced AS
                       SELECT doc_id FROM _changed UNION
                       SELECT d.doc_id FROM documents d JOIN _changed c USING (source_path)""")
        for t in (*load.DOC_TABLES, "passage_minhash", "documents"):
            con.execute(f"DELETE FROM {t} WHERE doc_id IN (SELECT doc_id FROM _replaced)")
        for t in ("documents", *load.DOC_TABLES):
            _copy_table(con, t, load.COLUMNS[t], _shards_of(folder, t, batches))
        passages = _shards_of(folder, "passages", batches)
        if passages:
            cols = ", ".join(f"t.{c}" for c in MINHASH_COLUMNS)
            con.execute(f"""INSERT INTO passage_minhash
                            SELECT {cols} FROM read_parquet({dataset.sql_list(passages)}, filename = true) t
                            JOIN _changed c ON c.doc_id = t.doc_id
                             AND c.batch = regexp_extract(t.filename, 'part-(.+)\\.parquet$', 1)
                            WHERE t.minhash IS NOT NULL""")
        upsert_files(con, _files(con, folder))
        con.execute("INSERT INTO pending_findings SELECT doc_id FROM _changed ON CONFLICT DO NOTHING")
        con.execute("DROP TABLE _replaced")
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise


def _files(con, folder: Path) -> list[tuple]:
    """The newest files row of each path; first_seen the earliest while it had these bytes."""
    paths = dataset.shards(folder, "files")
    if not paths:
        return []
    return con.execute(f"""
        WITH f AS (SELECT *, regexp_extract(filename, 'part-(.+)\\.parquet$', 1) AS batch
                   FROM read_parquet({dataset.sql_list(paths)}, filename = true)),
             last AS (SELECT * FROM (SELECT *, row_number() OVER (PARTITION BY path ORDER BY batch DESC) AS r
                                     FROM f) WHERE r = 1)
        SELECT {', '.join('last.' + c for c in FILE_COLUMNS[:-1])},
               (SELECT min(f.first_seen) FROM f WHERE f.path = last.path AND f.sha256 = last.sha256)
        FROM last ORDER BY path""").fetchall()

