"""`ita ingest PATH... --out DATASET [--engine local|dask|ray] [--scheduler ADDRESS]`:
the same ingest as into a database, written as a dataset of Parquet shards (pipeline.dataset).

1. discover and hash the files here (the driver); skip what the dataset already holds with
   the same bytes at the same path, and duplicates, exactly as `ita ingest --db` does
   against its database (pipeline.ingest._plan on the dataset's catalog);
2. the engine reads the rest (pipeline.engines: extract, segment, rows, passage signatures,
   with the per-document limits), largest files first;
3. the driver writes the results as they come in batches of SHARD_DOCS documents (or
   every SHARD_SECONDS), so an interrupted run keeps what it wrote and the next one
   continues; Ctrl-C writes what has arrived;
4. tidy the dataset: a document redone by this run leaves the older batch.

Progress (documents done, failed, rate) comes from the engine's results as they arrive.
"""
from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Optional

from pipeline import dataset, load
from pipeline.engines import EngineError, open_engine
from pipeline.engines.task import DocResult, TaskOptions
from pipeline.files import discover
from pipeline.ingest import _count, _Done, _plan, _progress, check_limits
from pipeline.records import SourceFile
from pipeline.summary import Summary
from pipeline.tmp import run_dir, temp_files_in
from pipeline.workers import TaskFailed

SHARD_DOCS = 512            # documents per batch of shards
SHARD_SECONDS = 10.0        # ... or what arrived in this long (an interrupted run loses at most that)


@dataclass
class DatasetSummary(Summary):
    dataset: str = ""
    dataset_documents: int = 0
    dataset_measures: int = 0
    engine: str = "local"
    engine_start_seconds: float = 0.0
    reader_peak_mb: int = 0                 # largest process reading a document (worker_peak_mb: the engine's)

    def lines(self) -> list[str]:
        out = super().lines()
        out.insert(1, f"  dataset {self.dataset} holds {self.dataset_documents} documents, "
                      f"{self.dataset_measures} measures (engine {self.engine}); "
                      f"load it with: ita load {self.dataset} --db FILE")
        return out


def check_out_folder(out: str) -> Path:
    """The dataset folder: new, empty, or a dataset already. ValueError otherwise."""
    folder = Path(out)
    if folder.exists() and not folder.is_dir():
        raise ValueError(f"--out {out} is a file: give a folder for the dataset")
    if (folder.is_dir() and any(p.name != ".lock" for p in folder.iterdir())
            and not any((folder / t).is_dir() for t in dataset.TABLES)):
        raise ValueError(f"--out {out} is a folder that holds other files, not a dataset: give a new or empty folder")
    return folder


def ingest_dataset(paths: Iterable[str], out: str, *, engine: str = "local", scheduler: Optional[str] = None,
                   prune: bool = False, progress: bool = True, ocr: bool = True, dupes: bool = True,
                   workers: Optional[int] = None, timeout: Optional[float] = None,
                   memory_mb: Optional[int] = None, retry_failed: bool = False) -> DatasetSummary:
    """dupes=False: no MinHash signatures in the tasks (`ita load` computes them). Raises
    FileNotFoundError for a missing input, ValueError for bad limits or --out,
    EngineError when the engine cannot start, dataset.DatasetBusy when another ingest
    writes the dataset, KeyboardInterrupt on Ctrl-C (after writing what has arrived)."""
    started = time.time()
    summary = DatasetSummary(ocr=ocr, dataset=str(out), engine=engine)
    workers, timeout, memory_mb = check_limits(workers, timeout, memory_mb)
    found = discover(paths)
    summary.notes += found.notes
    folder = check_out_folder(out)
    with temp_files_in(run_dir()), dataset.lock(folder):     # run dir made before forking workers
        dataset.tidy(folder)
        cat = dataset.catalog(folder)
        try:
            seen = set(cat.execute("select path, sha256, doc_id, size, mtime from files").fetchall())
            # as against a database: the catalog's files table gets this run's files (record_files)
            todo, unreadable, gone_paths = _plan(cat, found, summary, ocr=ocr, retry_failed=retry_failed,
                                                 prune=prune, limits={"timeout": timeout, "memory_mb": memory_mb})
            new_files = [r for r in cat.execute("select * from files order by path").fetchall() if r[:5] not in seen]
            gone = {d for (d,) in cat.execute("select doc_id from documents where source_path in (select unnest(?))",
                                              [gone_paths]).fetchall()} if gone_paths else set()
        finally:
            cat.close()
        writer = dataset.ShardWriter(folder)
        try:
            writer.write_files(new_files)
            failed = [(src, _Done(load.document_rows(src, status="failed", error=err))) for src, err in unreadable]
            if todo or failed:
                _run(writer, todo, failed, summary, engine=engine, scheduler=scheduler, workers=workers,
                     options=TaskOptions(ocr, timeout or None, memory_mb or None, signatures=dupes),
                     progress=progress)
        finally:
            writer.close()
            dataset.tidy(folder, drop=gone)
        summary.pruned = len(gone)
        summary.dataset_documents, summary.dataset_measures = counts(folder)
    summary.seconds = time.time() - started
    return summary


def counts(folder: Path) -> tuple[int, int]:
    """Documents and measure rows a (tidy) dataset holds."""
    import duckdb
    con = duckdb.connect(":memory:")
    try:
        return tuple(con.execute(f"select count(*) from read_parquet({dataset.sql_list(ps)})").fetchall()[0][0]
                     if ps else 0 for ps in (dataset.shards(folder, "documents"), dataset.shards(folder, "measures")))
    finally:
        con.close()


def _run(writer, todo: list[SourceFile], failed: list, summary: DatasetSummary, *, engine, scheduler, workers,
         options: TaskOptions, progress: bool) -> None:
    batch: list[tuple[SourceFile, DocResult]] = [(src, DocResult(done)) for src, done in failed]
    bar = _progress(len(todo) + len(failed), progress)
    bar.update(len(failed), failed=len(failed))
    first = time.monotonic()
    eng = None
    try:
        if todo:
            todo.sort(key=lambda s: -s.size)                       # largest first: no long tail
            by_key = dict(enumerate(todo))
            eng = open_engine(engine, options, scheduler=scheduler, workers=min(workers, len(todo)))
            summary.workers, summary.engine_start_seconds = eng.slots, eng.start_seconds
            n_failed = len(failed)
            for item in eng.imap(list(by_key.items()), tick=1.0):
                if item is not None:
                    key, result = item
                    src = by_key.pop(key)
                    if isinstance(result, TaskFailed):
                        result = DocResult(_Done(load.document_rows(src, status="failed", error=result.error)))
                    if not batch:
                        first = time.monotonic()
                    batch.append((src, result))
                    n_failed += result.done.rows.status == "failed"
                    bar.update(1, failed=n_failed)
                if batch and (len(batch) >= SHARD_DOCS or time.monotonic() - first >= SHARD_SECONDS):
                    _flush(writer, summary, batch)
                    batch = []
        _flush(writer, summary, batch)
        batch = []
    except KeyboardInterrupt:           # Ctrl-C: stop the engine, keep what has arrived
        if eng is not None:
            eng.close()
            eng = None
        _flush(writer, summary, batch)
        raise
    finally:
        bar.close()
        if eng is not None:
            eng.close()
            summary.worker_peak_mb, summary.reader_peak_mb = eng.worker_peak_mb, eng.reader_peak_mb


def _flush(writer, summary: DatasetSummary, batch: list) -> None:
    """Write a batch of results as shards; if that fails (a bug in one document's rows),
    write them one by one so only the culprit becomes a failed document."""
    if not batch:
        return
    try:
        _write(writer, batch)
    except Exception:  # noqa: BLE001
        for i, (src, res) in enumerate(batch):
            try:
                _write(writer, [(src, res)])
            except Exception as e:  # noqa: BLE001 - a bug on one document must not stop the folder
                err = f"internal error while saving ({type(e).__name__}: {str(e)[:300]}); please report it"
                batch[i] = (src, DocResult(_Done(load.document_rows(src, status="failed", error=err))))
                _write(writer, [batch[i]])
    for src, res in batch:
        _count(summary, src, res.done)


def _write(writer, batch: list) -> None:
    writer.write([res.done.rows for _, res in batch], [f for _, res in batch for f in res.passage_facts],
                 [m for _, res in batch for m in res.minhash])


__all__ = ["DatasetSummary", "EngineError", "ingest_dataset", "check_out_folder"]
