"""Where a dataset ingest's documents are read: engines.

  local   pipeline.workers.Pool on this machine (what `ita ingest --db` uses)
  dask    a Dask cluster (distributed): --scheduler tcp://HOST:8786, or a local cluster
  ray     a Ray cluster: --scheduler HOST:6379 (or ray://HOST:10001), or a local cluster

Every engine runs pipeline.engines.task.dataset_task on each document with the same
per-document time and memory limits, and yields (key, DocResult | TaskFailed) in completion
order. The cluster engines send documents in batches (ClusterEngine), a few batches per
worker in flight, and retry a batch whose worker died (the engine's own retries); a batch
that keeps killing workers gives each of its documents a "worker lost" failure, which the
next run retries.
"""
from __future__ import annotations

import time
from typing import TYPE_CHECKING, Iterable, Iterator, Optional

from pipeline.workers import TaskFailed

if TYPE_CHECKING:                       # the engines' task imports the pipeline: `ita --help` needs none of it
    from pipeline.engines.task import BatchResult, TaskOptions
    from pipeline.records import SourceFile

ENGINES = ("local", "dask", "ray")
BATCH_DOCS = 16             # documents per cluster task: amortizes the scheduler's ~ms per task
BATCH_BYTES = 4 << 20       # ... or fewer when they are large (a scan's pages take seconds each)
IN_FLIGHT = 2               # batches per worker slot submitted ahead
SLOTS_SECONDS = 10.0        # how often the cluster's size is asked again


class EngineError(Exception):
    """The engine cannot start, or its cluster cannot be reached or cannot run the
    pipeline: a message for a person (exit 2)."""


def batches(docs: Iterable[tuple[int, SourceFile]], max_docs: int = BATCH_DOCS,
            max_bytes: int = BATCH_BYTES) -> Iterator[list[tuple[int, SourceFile]]]:
    """Consecutive documents in groups of at most max_docs and max_bytes (a larger file alone)."""
    batch, size = [], 0
    for key, src in docs:
        if batch and (len(batch) >= max_docs or size + src.size > max_bytes):
            yield batch
            batch, size = [], 0
        batch.append((key, src))
        size += src.size
    if batch:
        yield batch


class ClusterEngine:
    """The part Dask and Ray share: batches in flight, results as they come, failures of
    whole batches as per-document TaskFailed. Subclasses give _submit, _wait, _result,
    _lost (is this exception a worker lost for good?), slots and close."""
    name = "cluster"

    def __init__(self, options: TaskOptions):
        self.options = options
        self.worker_peak_mb = 0
        self.reader_peak_mb = 0

    @property
    def slots(self) -> int:
        raise NotImplementedError

    def imap(self, docs: list[tuple[int, SourceFile]], tick: Optional[float] = None
             ) -> Iterator[Optional[tuple[int, object]]]:
        slots = max(1, self.slots)
        # small runs in small batches, so that every worker gets some
        todo = batches(docs, max(1, min(BATCH_DOCS, len(docs) // (slots * IN_FLIGHT * 2))))
        running: dict = {}                          # handle -> batch
        exhausted = False
        checked = time.monotonic()
        while True:
            if time.monotonic() - checked > SLOTS_SECONDS:     # workers may join or leave
                slots, checked = max(1, self.slots), time.monotonic()
            while not exhausted and len(running) < IN_FLIGHT * slots:
                batch = next(todo, None)
                if batch is None:
                    exhausted = True
                    break
                running[self._submit(batch)] = batch
            if not running:
                return
            done = self._wait(list(running), tick)
            if not done:
                yield None
                continue
            for handle in done:
                batch = running.pop(handle)
                yield from self._answers(handle, batch)

    def _answers(self, handle, batch) -> Iterator[tuple[int, object]]:
        try:
            got: BatchResult = self._result(handle)
        except Exception as e:  # noqa: BLE001 - the engine's error becomes the documents' error
            if self._lost(e):
                err = (f"worker lost while reading (the {self.name} engine retried it; "
                       "a machine out of memory or stopped?)")
            else:
                err = f"internal error on the {self.name} cluster ({type(e).__name__}: {str(e)[:300]})"
            for key, _ in batch:
                yield key, TaskFailed(err)
            return
        self.worker_peak_mb = max(self.worker_peak_mb, got.worker_peak_mb)
        self.reader_peak_mb = max(self.reader_peak_mb, got.reader_peak_mb)
        yield from got.results

    def _started(self) -> None:
        """Call at the end of __init__: the workers are checked, the engine closed if not fit."""
        try:
            self._check_workers()
        except BaseException:
            self.close()
            raise

    def _check_versions(self, versions: dict) -> None:
        """versions: worker -> the ita-measures version it imports (task.probe)."""
        from pipeline.cli import _version
        wrong = sorted(w for w, v in versions.items() if v != _version())
        if wrong:
            raise EngineError(f"{self.name} worker(s) {', '.join(map(str, wrong))} run ita-measures "
                              f"{versions[wrong[0]]}, this machine {_version()}: install the same version everywhere")

    def _check_workers(self) -> None:
        raise NotImplementedError

    def _submit(self, batch):
        raise NotImplementedError

    def _wait(self, handles: list, timeout: Optional[float]) -> list:
        raise NotImplementedError

    def _result(self, handle) -> BatchResult:
        raise NotImplementedError

    def _lost(self, exc: Exception) -> bool:
        raise NotImplementedError

    def close(self) -> None:
        raise NotImplementedError


def require(module: str, engine: str):
    """Import the engine's package, or say how to install it."""
    import importlib
    try:
        return importlib.import_module(module)
    except ImportError:
        raise EngineError(f"--engine {engine} needs {module}: pip install 'ita-measures[{engine}]'") from None


def open_engine(name: str, options: TaskOptions, *, scheduler: Optional[str] = None, workers: Optional[int] = None):
    """An engine ready to imap; raises EngineError with a message for a person."""
    started = time.monotonic()
    if name == "local":
        if scheduler:
            raise EngineError("--scheduler needs --engine dask or ray (the local engine runs on this machine)")
        from pipeline.engines.local_engine import LocalEngine
        engine = LocalEngine(options, workers)
    elif name == "dask":
        from pipeline.engines.dask_engine import DaskEngine
        engine = DaskEngine(options, scheduler, workers)
    elif name == "ray":
        from pipeline.engines.ray_engine import RayEngine
        engine = RayEngine(options, scheduler, workers)
    else:
        raise EngineError(f"unknown engine {name!r}: choose one of {', '.join(ENGINES)}")
    engine.start_seconds = time.monotonic() - started
    return engine
