"""The Ray engine: batches of documents as Ray tasks.

--scheduler HOST:6379 (or ray://HOST:10001) uses a running cluster (`ray start --head` on
one machine, `ray start --address HOST:6379` on the others, with ita-measures installed and
the reports at the same path everywhere); without it Ray starts a local cluster of
--workers CPUs for the run and stops it after. A task whose worker process or machine dies
is retried by Ray (MAX_RETRIES); after that its documents fail with "worker lost".
"""
from __future__ import annotations

import os
from typing import Optional

from pipeline.engines import ClusterEngine, EngineError, require
from pipeline.engines.task import BatchResult, TaskOptions, probe, run_batch

MAX_RETRIES = 3


class RayEngine(ClusterEngine):
    name = "ray"

    def __init__(self, options: TaskOptions, scheduler: Optional[str], workers: Optional[int]):
        super().__init__(options)
        self.ray = ray = require("ray", "ray")
        env = {"env_vars": {k: os.environ[k] for k in ("PYTHAINLP_OFFLINE", "PYTHAINLP_DATA", "ITA_TEST_BATCH_MARK")
                            if k in os.environ}}
        try:
            if scheduler:
                ray.init(address=scheduler, runtime_env=env, log_to_driver=False, configure_logging=False)
            else:
                ray.init(num_cpus=workers or os.cpu_count() or 1, include_dashboard=False, runtime_env=env,
                         log_to_driver=False, configure_logging=False)
        except (ConnectionError, RuntimeError, ValueError) as e:
            raise EngineError(f"cannot start or reach Ray at {scheduler or 'a local cluster'} "
                              f"({type(e).__name__}: {str(e).splitlines()[0] if str(e) else ''}); "
                              "start a cluster with `ray start --head`") from None
        self._run = ray.remote(num_cpus=1, max_retries=MAX_RETRIES)(run_batch)
        self._started()

    def _check_workers(self) -> None:
        try:
            version = self.ray.get(self.ray.remote(num_cpus=1)(probe).remote(), timeout=120)
        except Exception as e:  # noqa: BLE001
            raise EngineError(f"the Ray workers cannot run the pipeline ({type(e).__name__}: "
                              f"{str(e).splitlines()[0] if str(e) else ''}); install ita-measures on every "
                              "worker machine") from None
        self._check_versions({"(a Ray worker)": version})

    @property
    def slots(self) -> int:
        return max(1, int(self.ray.cluster_resources().get("CPU", 1)))

    def _submit(self, batch):
        return self._run.remote(batch, self.options)

    def _wait(self, handles: list, timeout: Optional[float]) -> list:
        done, _ = self.ray.wait(handles, num_returns=1, timeout=timeout)
        return done

    def _result(self, handle) -> BatchResult:
        return self.ray.get(handle)

    def _lost(self, exc: Exception) -> bool:
        x = self.ray.exceptions
        return isinstance(exc, (x.WorkerCrashedError, x.NodeDiedError, x.LocalRayletDiedError, x.OutOfMemoryError))

    def close(self) -> None:
        self.ray.shutdown()
