"""Engines compared: the 1,000 TXT documents of the ingest bench (corpus/ replicated) read
by each engine on this machine, 2 workers, each run in a fresh process:

  local->db     `ita ingest --db` (today's pool into DuckDB), the reference
  local         `ita ingest --out` with the same pool, Parquet shards
  dask          `--engine dask`, a LocalCluster of 2 worker processes started for the run
  ray           `--engine ray`, a local Ray cluster of 2 CPUs started for the run
  dask+minhash  dask with the passages' MinHash signatures computed in the tasks (the others
                run with --no-dupes: the same work as local->db)

Prints documents/second (the whole run, and without the cluster's start), peak memory of
the driver (its own peak RSS), of the largest engine worker and of the largest process
that read a document, and the peak of everything the run started together (RSS of the
driver and all its descendants, sampled every 0.2 s: schedulers, nannies, raylets
included). Then `ita load` of the dask dataset and its copy findings with the signatures
the tasks stored, against the same findings computed from scratch.
BENCH_DOCS=200 makes a quicker run; BENCH_ENGINES=dask,ray picks engines.
"""
from __future__ import annotations

import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ENGINES = ("local->db", "local", "dask", "ray", "dask+minhash")


class TreeMemory:
    """Peak of the summed RSS of this process and its descendants, sampled in a thread."""

    def __init__(self, every: float = 0.2):
        import psutil
        self.me, self.every, self.peak_mb, self._stop = psutil.Process(), every, 0, threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        import psutil
        while not self._stop.wait(self.every):
            total = 0
            for p in [self.me, *self.me.children(recursive=True)]:
                try:
                    total += p.memory_info().rss
                except psutil.Error:
                    pass
            self.peak_mb = max(self.peak_mb, total >> 20)

    def stop(self) -> int:
        self._stop.set()
        self.thread.join()
        return self.peak_mb


def run_one(engine: str, folder: str, out: str) -> dict:
    os.environ.setdefault("PYTHAINLP_OFFLINE", "1")
    tree = TreeMemory()
    t = time.perf_counter()
    if engine == "local->db":
        from pipeline.ingest import ingest
        s = ingest([folder], out + ".duckdb", progress=False, dupes=False, workers=2)
        start_s, worker_mb, reader_mb = 0.0, 0, s.worker_peak_mb     # the pool's workers read
    else:
        from pipeline.dataset_ingest import ingest_dataset
        s = ingest_dataset([folder], out, engine=engine.split("+")[0], workers=2, progress=False,
                           dupes=engine.endswith("+minhash"))
        start_s, worker_mb, reader_mb = s.engine_start_seconds, s.worker_peak_mb, s.reader_peak_mb
    secs = time.perf_counter() - t
    done = sum(s.statuses.values())
    return dict(engine=engine, docs=done, seconds=round(secs, 1), start_s=round(start_s, 1),
                rate=round(done / secs, 1), rate_warm=round(done / max(1e-9, secs - start_s), 1),
                driver_mb=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss >> 10, worker_mb=worker_mb,
                reader_mb=reader_mb, tree_mb=tree.stop(), measures=s.measures)


def load_and_findings(out: str) -> dict:
    """`ita load` of a dataset with its findings, then the findings again without the
    stored signatures (recompute from scratch), on copies of the same database."""
    os.environ.setdefault("PYTHAINLP_OFFLINE", "1")
    from pipeline import load
    from pipeline.analyze import compute
    from pipeline.analyze.minhash import TIMINGS
    from pipeline.dataset_load import load_dataset
    db = out + "-load.duckdb"
    t = time.perf_counter()
    s = load_dataset(out, db, dupes=False)
    load_s = time.perf_counter() - t
    con = load.connect(db)
    try:
        t = time.perf_counter()
        compute.recompute(con, None)
        stored_s, stored_segments = time.perf_counter() - t, TIMINGS.get("stored_segments", 0)
        passages = con.execute("select count(*) from passages").fetchone()[0]
        con.execute("delete from passage_minhash")
        t = time.perf_counter()
        compute.recompute(con, None)
        scratch_s = time.perf_counter() - t
    finally:
        con.close()
    return dict(load_s=round(load_s, 1), loaded=sum(s.loaded.values()), findings_stored_s=round(stored_s, 1),
                findings_scratch_s=round(scratch_s, 1), passages=passages, stored_segments=stored_segments)


def _child(*args: str) -> dict:
    out = subprocess.run([sys.executable, "-m", "bench.engines_bench", *args], capture_output=True, text=True)
    if out.returncode:
        raise SystemExit(f"bench child {args} failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def main(argv=None) -> None:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["--one"]:
        print(json.dumps(run_one(argv[1], argv[2], argv[3])))
        return
    if argv[:1] == ["--load"]:
        print(json.dumps(load_and_findings(argv[1])))
        return
    from bench.ingest_bench import _sources, replicate
    n = int(os.environ.get("BENCH_DOCS", "1000"))
    wanted = [e for e in os.environ.get("BENCH_ENGINES", ",".join(ENGINES)).split(",") if e]
    tmp = Path(tempfile.mkdtemp(prefix="ita-engines-"))
    try:
        folder = tmp / "reports"
        folder.mkdir()
        size = replicate(folder, n)
        print(f"{n} documents ({size / 2**20:.1f} MB) from {len(_sources())} TXT reports; {os.cpu_count()} CPU(s), "
              f"load average {os.getloadavg()[0]:.2f}; 2 workers; each engine in a fresh process")
        print(f"{'engine':>12} {'docs/s':>7} {'warm/s':>7} {'total s':>8} {'start s':>8} {'driver MB':>10} "
              f"{'worker MB':>10} {'reader MB':>10} {'all MB':>7}  load avg")
        rows = {}
        for engine in wanted:
            r = rows[engine] = _child("--one", engine, str(folder), str(tmp / engine.replace("->", "_").replace("+", "_")))
            print(f"{engine:>12} {r['rate']:>7} {r['rate_warm']:>7} {r['seconds']:>8} {r['start_s']:>8} "
                  f"{r['driver_mb']:>10} {r['worker_mb'] or '':>10} {r['reader_mb']:>10} {r['tree_mb']:>7}  "
                  f"{os.getloadavg()[0]:.2f}", flush=True)
        if "dask+minhash" in rows:
            f = _child("--load", str(tmp / "dask_minhash"))
            print(f"ita load of the dask+minhash dataset: {f['loaded']} documents in {f['load_s']} s; copy findings "
                  f"over its {f['passages']} passages {f['findings_stored_s']} s with the signatures the tasks stored "
                  f"({f['stored_segments']} segments), {f['findings_scratch_s']} s computing them")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
