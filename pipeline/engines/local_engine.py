"""The local engine for a dataset ingest: the worker pool of `ita ingest --db`
(pipeline.workers.Pool, forked from this process after warm_up) running dataset_task."""
from __future__ import annotations

import os
from typing import Iterable, Iterator, Optional

from pipeline.engines.task import TaskOptions, dataset_task
from pipeline.records import SourceFile
from pipeline.workers import Pool


class LocalEngine:
    name = "local"

    def __init__(self, options: TaskOptions, workers: Optional[int]):
        from pipeline.ingest import _ocr_seconds, warm_up
        self.options = options
        warm_up()
        self.pool = Pool(dataset_task, workers or os.cpu_count() or 1, timeout=options.timeout,
                         memory_mb=options.memory_mb, extra_time=_ocr_seconds if options.ocr else None)
        self.slots = self.pool.n
        self.worker_peak_mb = self.reader_peak_mb = 0

    def imap(self, docs: Iterable[tuple[int, SourceFile]], tick: Optional[float] = None
             ) -> Iterator[Optional[tuple[int, object]]]:
        return self.pool.imap(((key, (src, self.options)) for key, src in docs), tick=tick)

    def close(self) -> None:
        self.pool.close()
        self.reader_peak_mb = self.pool.peak_rss >> 20
