"""The Dask engine (distributed): batches of documents as tasks on a Dask cluster.

--scheduler tcp://HOST:8786 uses a running cluster (`dask scheduler`, `dask worker ADDRESS`
on each machine, with ita-measures installed and the reports at the same path everywhere);
without it a LocalCluster of --workers processes is started for the run and stopped after.
A task whose worker dies is rerun elsewhere by the scheduler (up to distributed.scheduler.
allowed-failures times, default 3); after that its documents fail with "worker lost".
"""
from __future__ import annotations

import logging
import os
from typing import Optional

from pipeline.engines import ClusterEngine, EngineError, require
from pipeline.engines.task import BatchResult, TaskOptions, probe, run_batch

CONNECT_SECONDS = 10


def local_cluster(workers: int):
    """A LocalCluster of `workers` processes of one thread (each reads one document at a
    time, as the local pool's workers), forked from this process after warm_up: they start
    warm in a fraction of a second instead of importing the pipeline for seconds each (and
    a worker the nanny restarts after a crash too, hence the setting stays while it runs:
    cluster.forking, undone on close)."""
    import dask
    from distributed import LocalCluster

    from pipeline.ingest import warm_up
    warm_up()
    forking = dask.config.set({"distributed.worker.multiprocessing-method": "fork"})
    try:
        cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None,
                               silence_logs=logging.ERROR)
    except BaseException:
        forking.__exit__(None, None, None)
        raise
    cluster.forking = forking
    return cluster


class DaskEngine(ClusterEngine):
    name = "dask"

    def __init__(self, options: TaskOptions, scheduler: Optional[str], workers: Optional[int]):
        super().__init__(options)
        Client = require("distributed", "dask").Client
        self.cluster = None
        if scheduler:
            try:
                self.client = Client(scheduler, timeout=CONNECT_SECONDS)
            except (OSError, TimeoutError, ValueError) as e:
                raise EngineError(f"cannot reach the Dask scheduler at {scheduler} ({type(e).__name__}: {e}); "
                                  "start it with `dask scheduler` and workers with `dask worker ADDRESS`") from None
        else:
            self.cluster = local_cluster(workers or os.cpu_count() or 1)
            self.client = Client(self.cluster)
        self._started()

    def _check_workers(self) -> None:
        if not self.slots:
            self.client.wait_for_workers(1, timeout=CONNECT_SECONDS * 3)
        try:
            versions = self.client.run(probe)
        except Exception as e:  # noqa: BLE001 - e.g. ModuleNotFoundError on a worker
            raise EngineError(f"the Dask workers cannot run the pipeline ({type(e).__name__}: {e}); "
                              "install ita-measures on every worker machine") from None
        self._check_versions(versions)

    @property
    def slots(self) -> int:
        return sum(self.client.nthreads().values())

    def _submit(self, batch):
        return self.client.submit(run_batch, batch, self.options, pure=False)

    def _wait(self, handles: list, timeout: Optional[float]) -> list:
        from distributed import wait
        try:
            return list(wait(handles, timeout=timeout, return_when="FIRST_COMPLETED").done)
        except TimeoutError:
            return []

    def _result(self, handle) -> BatchResult:
        try:
            return handle.result()
        finally:
            handle.release()

    def _lost(self, exc: Exception) -> bool:
        from distributed import KilledWorker
        return isinstance(exc, KilledWorker)

    def close(self) -> None:
        try:
            self.client.close()
        finally:
            if self.cluster is not None:
                self.cluster.close()
                self.cluster.forking.__exit__(None, None, None)
