"""A dataset: a folder of Parquet shards that the distributed engines write, `ita load`
reads and DuckDB queries in place (read_parquet('DATASET/measures/*.parquet')).

  DATASET/documents/part-BATCH.parquet   one row per document: the commit mark of its batch
  DATASET/TABLE/part-BATCH.parquet       measures, measure_owners, scores, pages, paragraphs
                                         with the DuckDB tables' columns; passages with the
                                         passages columns plus key_hash and minhash (the
                                         signatures computed in the tasks)
  DATASET/files/part-BATCH.parquet       every file seen, one row a path and version

A batch's shards are written as DuckDB writes its own tables (an in-memory database with
the project's schema, COPY … TO parquet), each under a temporary name and renamed,
documents last: a batch is there once its documents shard is. BATCH names sort by time.

A document lives in one batch. When a run redoes a document (a retried failure, a changed
file at the same path), the newer batch holds it and tidy() removes it from the older
batch's shards; until then (a run killed in between) readers take the newest row of each
document and of each path (LIVE_DOCUMENTS). One writer at a time (lock()).
"""
from __future__ import annotations

import fcntl
import os
import re
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Iterator, Optional, Sequence

import duckdb
import pandas as pd

from pipeline import load
from pipeline.analyze import store
from pipeline.analyze.files import FILE_COLUMNS
from pipeline.analyze.signatures import MINHASH_COLUMNS

DOC_TABLES = ("measures", "measure_owners", "scores", "pages", "paragraphs", "passages")
TABLES = DOC_TABLES + ("documents", "files")
_PART = re.compile(r"^part-(.+)\.parquet$")

# the newest documents row of each doc_id and of each source_path, with its batch
LIVE_DOCUMENTS = """
    SELECT * EXCLUDE (rank_doc, rank_path) FROM (
        SELECT d.*, row_number() OVER (PARTITION BY doc_id ORDER BY batch DESC) AS rank_doc,
               row_number() OVER (PARTITION BY source_path ORDER BY batch DESC) AS rank_path
        FROM (SELECT * EXCLUDE (filename), regexp_extract(filename, 'part-(.+)\\.parquet$', 1) AS batch
              FROM read_parquet({files}, filename = true, union_by_name = true)) d)
    WHERE rank_doc = 1 AND rank_path = 1"""


class DatasetBusy(Exception):
    """Another ingest is writing the dataset."""


def shards(folder: Path, table: str) -> list[Path]:
    d = Path(folder) / table
    return sorted(p for p in d.glob("part-*.parquet") if p.is_file()) if d.is_dir() else []


def batch_of(path: Path) -> str:
    m = _PART.match(Path(path).name)
    return m.group(1) if m else ""


def sql_list(paths: Sequence[Path]) -> str:
    """A DuckDB list literal of file names."""
    return "[" + ", ".join(_quote(str(p)) for p in paths) + "]"


def is_dataset(folder: Path) -> bool:
    return bool(shards(folder, "documents"))


@contextmanager
def lock(folder: Path) -> Iterator[None]:
    """Hold the dataset's write lock (a file lock: released when the process ends)."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / ".lock", "a+") as f:
        try:
            fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise DatasetBusy(f"{folder} is being written by another ingest; wait for it to finish") from None
        try:
            yield
        finally:
            fcntl.flock(f, fcntl.LOCK_UN)


def catalog(folder: Path) -> duckdb.DuckDBPyConnection:
    """An in-memory database whose `documents` and `files` are the dataset's live rows
    (empty tables when there are none), for planning a run."""
    con = duckdb.connect(":memory:")
    load.ensure_schema(con)
    docs = shards(folder, "documents")
    if docs:
        con.execute("DROP TABLE documents")
        con.execute(f"CREATE TABLE documents AS {LIVE_DOCUMENTS.format(files=sql_list(docs))}")
    files = shards(folder, "files")
    if files:
        con.execute("DELETE FROM files")
        con.execute(f"""INSERT INTO files SELECT {', '.join(FILE_COLUMNS)} FROM (
                            SELECT *, row_number() OVER (PARTITION BY path ORDER BY filename DESC) AS r
                            FROM read_parquet({sql_list(files)}, filename = true)) WHERE r = 1""")
    return con


def _insert(con, table: str, columns: Sequence[str], rows: list) -> None:
    if not rows:
        return
    con.register("_shard_rows", pd.DataFrame(rows, columns=list(columns), dtype=object))
    try:
        con.execute(f"INSERT INTO {table} ({', '.join(columns)}) SELECT {', '.join(columns)} FROM _shard_rows")
    finally:
        con.unregister("_shard_rows")


class ShardWriter:
    """Writes batches of documents as shards. One in-memory DuckDB with the project's schema
    makes the rows exactly what `ita ingest --db` stores (load.write_documents), and the
    passages exactly what the copy analysis makes of them (store.rebuild_passages)."""

    def __init__(self, folder: Path):
        self.folder = Path(folder)
        self.con = duckdb.connect(":memory:")
        load.ensure_schema(self.con)
        self.seq = 0
        self.run = datetime.now().strftime("%Y%m%dT%H%M%S%f")

    def _name(self) -> str:
        self.seq += 1
        return f"{self.run}-{self.seq:06d}"

    def _copy(self, table: str, query: str, batch: str) -> None:
        if not self.con.execute(f"SELECT count(*) FROM ({query})").fetchall()[0][0]:
            return
        d = self.folder / table
        d.mkdir(parents=True, exist_ok=True)
        tmp = d / f".part-{batch}.parquet.tmp"
        self.con.execute(f"COPY ({query}) TO {_quote(str(tmp))} (FORMAT parquet, COMPRESSION zstd)")
        os.replace(tmp, d / f"part-{batch}.parquet")

    def write(self, docs: list, passage_facts: list, minhash: list) -> str:
        """docs: load.DocumentRows; passage_facts: (passage_id, norm_chars, role);
        minhash: signatures.MINHASH_COLUMNS rows. Returns the batch name."""
        batch = self._name()
        con = self.con
        load.write_documents(con, docs)
        store.rebuild_passages(con, None)
        if passage_facts:
            store.store_passage_facts(con, *zip(*passage_facts))
        _insert(con, "passage_minhash", MINHASH_COLUMNS, minhash)
        try:
            for t in DOC_TABLES:
                query = (f"SELECT * FROM {t}" if t != "passages" else
                         "SELECT p.*, s.key_hash, s.minhash FROM passages p "
                         "LEFT JOIN passage_minhash s USING (passage_id) ORDER BY p.doc_id, p.passage_id")
                self._copy(t, query, batch)
            self._copy("documents", "SELECT * FROM documents", batch)   # last: the batch's commit mark
        finally:
            for t in (*load.DOC_TABLES, "documents", "passages", "passage_minhash"):
                con.execute(f"DELETE FROM {t}")
        return batch

    def write_files(self, rows: list[tuple]) -> None:
        """files rows (analyze.files.FILE_COLUMNS) of this run's paths."""
        if not rows:
            return
        _insert(self.con, "files", FILE_COLUMNS, rows)
        try:
            self._copy("files", "SELECT * FROM files ORDER BY path", self._name())
        finally:
            self.con.execute("DELETE FROM files")

    def close(self) -> None:
        self.con.close()


def tidy(folder: Path, drop: Optional[set] = None) -> int:
    """Remove from the shards the rows of documents that a newer batch holds (or whose path
    a newer batch holds), of doc_ids in `drop` (pruned), and the shards of batches that
    never got their documents shard (a write interrupted). Returns documents removed."""
    folder = Path(folder)
    docs = shards(folder, "documents")
    batches = {batch_of(p) for p in docs}
    for t in DOC_TABLES:
        for p in shards(folder, t):
            if batch_of(p) not in batches:
                p.unlink(missing_ok=True)
    if not docs:
        return 0
    con = duckdb.connect(":memory:")
    try:
        live = {(d, b) for d, b in con.execute(
            f"SELECT doc_id, batch FROM ({LIVE_DOCUMENTS.format(files=sql_list(docs))})").fetchall()
            if d not in (drop or ())}
        stale: dict[str, list[str]] = {}
        for d, b in con.execute(f"""SELECT doc_id, regexp_extract(filename, 'part-(.+)\\.parquet$', 1)
                                    FROM read_parquet({sql_list(docs)}, filename = true)""").fetchall():
            if (d, b) not in live:
                stale.setdefault(b, []).append(d)
        for b, ids in stale.items():
            for t in (*DOC_TABLES, "documents"):
                _rewrite_without(con, folder / t / f"part-{b}.parquet", ids)
        return sum(len(v) for v in stale.values())
    finally:
        con.close()


def _rewrite_without(con, path: Path, doc_ids: list[str]) -> None:
    """Rewrite a shard without the rows of doc_ids (removed when nothing is left)."""
    if not path.exists():
        return
    rows = f"FROM read_parquet({sql_list([path])}) WHERE doc_id NOT IN ({', '.join(map(_quote, doc_ids))})"
    if not con.execute(f"SELECT count(*) {rows}").fetchall()[0][0]:
        path.unlink()
        return
    tmp = path.with_name("." + path.name + ".tmp")
    con.execute(f"COPY (SELECT * {rows}) TO {_quote(str(tmp))} (FORMAT parquet, COMPRESSION zstd)")
    os.replace(tmp, path)


def _quote(s: str) -> str:
    return "'" + s.replace("'", "''") + "'"
