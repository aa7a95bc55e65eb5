"""The per-document work of a dataset ingest, and how an engine's worker runs it.

dataset_task is pipeline.ingest._task (extract -> segment -> rows, the same statuses and
errors) plus the document's passage facts and MinHash signatures (pipeline.analyze.
signatures), so the copy analysis after `ita load` needs no MinHash of its own.

run_batch is what a Dask or Ray task calls on its worker: it runs dataset_task for a batch
of documents in a sandbox, a pipeline.workers.Pool of one process per worker thread, so
each document gets the local engine's time and memory limits and a document that crashes
its reader costs one process, not the engine's worker (whose death the engine retries).

Test-only hook: ITA_TEST_BATCH_MARK=<folder>: while <folder>/hold exists, run_batch writes
a file holding its process id into the folder and waits a second before working, so a test
can kill a worker in the middle of a batch. Never set it in normal use.
"""
from __future__ import annotations

import multiprocessing as mp
import os
import socket
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

from pipeline import load
from pipeline.analyze.signatures import document_signatures
from pipeline.records import SourceFile
from pipeline.workers import Pool, TaskFailed


@dataclass(frozen=True)
class TaskOptions:
    """What every task of a run is given: OCR on or off, the per-document limits, and
    whether to compute the passages' MinHash signatures (off with --no-dupes)."""
    ocr: bool = True
    timeout: Optional[float] = None
    memory_mb: Optional[int] = None
    signatures: bool = True


@dataclass
class DocResult:
    """dataset_task's answer: ingest's _Done plus the passages' facts and signatures."""
    done: object                                    # pipeline.ingest._Done
    passage_facts: list = field(default_factory=list)   # (passage_id, norm_chars, role)
    minhash: list = field(default_factory=list)         # signatures.MINHASH_COLUMNS rows


def dataset_task(arg: tuple[SourceFile, TaskOptions]):
    """One file -> DocResult, or TaskFailed (the local engine's errors)."""
    from pipeline.ingest import _task
    src, options = arg
    done = _task((src, options.ocr))
    if isinstance(done, TaskFailed):
        return done
    if done.rows.spooled:
        _unspool(done.rows)
    if not options.signatures:
        return DocResult(done)
    facts, minhash = document_signatures(done.rows.rows, load.COLUMNS)
    return DocResult(done, facts, minhash)


def _unspool(rows: load.DocumentRows) -> None:
    """A large document's rows back from the spool files into memory (read by DuckDB as the
    database would read them): the driver may be another machine, which cannot read this
    one's files. Such a document travels whole to the driver."""
    import duckdb

    from pipeline import spool
    con = duckdb.connect(":memory:")
    try:
        load.ensure_schema(con)
        for table, path in rows.spooled.items():
            spool.insert(con, table, load.COLUMNS[table], path)
            rows.rows[table] = con.execute(f"select {', '.join(load.COLUMNS[table])} from {table}").fetchall()
    finally:
        con.close()
        spool.remove(rows.spooled)
        rows.spooled = {}


def probe() -> str:
    """Run on every worker before a run: the pipeline imports there, in this version."""
    from pipeline.cli import _version
    return _version()


def missing_file(src: SourceFile) -> Optional[TaskFailed]:
    """A file this worker cannot see: the reports must be at the same path on every worker."""
    if os.path.exists(src.path):
        return None
    return TaskFailed(f"worker {socket.gethostname()} cannot see this file: the reports must be at the same "
                      "path on every worker (a shared folder)")


_local = threading.local()


def _sandbox(options: TaskOptions) -> Pool:
    """This thread's pool of one process, started once per thread (warm, as the local
    engine's workers are)."""
    pool = getattr(_local, "pool", None)
    if pool is not None and _local.options == options:
        return pool
    if pool is not None:
        pool.close()
    os.environ.setdefault("PYTHAINLP_OFFLINE", "1")
    from pipeline.ingest import _ocr_seconds, warm_up
    warm_up()
    # Dask's nanny starts its workers as daemonic processes, which multiprocessing forbids
    # to have children; the sandbox's process dies with its parent anyway (pipeline.workers)
    if mp.current_process().daemon:
        mp.current_process().daemon = False
    _local.pool = Pool(dataset_task, 1, timeout=options.timeout, memory_mb=options.memory_mb,
                       extra_time=_ocr_seconds if options.ocr else None)   # a scan's limit grows with its pages
    _local.options = options
    return _local.pool


def _peak_mb(pid: int) -> int:
    """Peak resident size (VmHWM) of a process, in MB; 0 when unknown."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) >> 10
    except (OSError, ValueError):
        pass
    return 0


@dataclass
class BatchResult:
    results: list                                   # (key, DocResult | TaskFailed)
    worker_peak_mb: int = 0                         # the engine's worker process
    reader_peak_mb: int = 0                         # its sandbox process (the reading)


def run_batch(batch: list[tuple[int, SourceFile]], options: TaskOptions) -> BatchResult:
    """Run on an engine's worker: every document of the batch, each with the limits."""
    mark = os.environ.get("ITA_TEST_BATCH_MARK")
    if mark and Path(mark, "hold").exists():        # test-only, see module doc
        Path(mark, f"{os.getpid()}-{time.monotonic_ns()}").write_text(str(os.getpid()))
        time.sleep(1.0)
    out, todo = [], []
    for key, src in batch:
        err = missing_file(src)
        if err is not None:
            out.append((key, err))
        else:
            todo.append((key, (src, options)))
    pool = _sandbox(options)
    out += list(pool.imap(todo))
    reader = max([pool.peak_rss, *(w.peak_rss for w in pool.workers)]) >> 20
    return BatchResult(out, _peak_mb(os.getpid()), reader)
