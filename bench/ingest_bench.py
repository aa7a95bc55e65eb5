"""Ingest throughput: the TXT reports of corpus/ (or ../shared/seeds) replicated to 1,000
unique documents, ingested into fresh databases with 1 and with 2 workers (--no-dupes), plus
the bare in-process cost of one document for reference.

Prints documents/second for each, the speed-up, and peak memory (largest resident set of
this process and of any worker). Target: >= 30 documents/s, peak < 500 MB.
BENCH_DOCS=200 makes a quicker run.
"""
from __future__ import annotations

import os
import resource
import shutil
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _sources() -> list[Path]:
    for d in (ROOT / "corpus", ROOT.parent / "shared" / "seeds", Path("/work/shared/seeds")):
        found = sorted(d.glob("*.txt")) if d.is_dir() else []
        if found:
            return found
    raise SystemExit("no TXT reports in corpus/ or ../shared/seeds")


def replicate(folder: Path, n: int) -> int:
    """n unique copies (a trailing line changes the sha256, not the content); returns bytes."""
    sources = [p.read_bytes() for p in _sources()]
    total = 0
    for i in range(n):
        data = sources[i % len(sources)] + f"\nสำเนาทดสอบ {i}\n".encode("utf-8")
        (folder / f"doc_{i:05d}.txt").write_bytes(data)
        total += len(data)
    return total


def _cpu() -> float:
    """CPU seconds of this process and its finished workers."""
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def _maxrss_mb(who) -> float:
    return resource.getrusage(who).ru_maxrss / 1024          # KB on Linux


def main() -> None:
    os.environ.setdefault("PYTHAINLP_OFFLINE", "1")
    from pipeline.ingest import ingest, warm_up
    from pipeline.process import process_file

    n = int(os.environ.get("BENCH_DOCS", "1000"))
    tmp = Path(tempfile.mkdtemp(prefix="ita-bench-"))
    try:
        folder = tmp / "reports"
        folder.mkdir()
        size = replicate(folder, n)
        load0 = os.getloadavg()[0]
        print(f"{n} documents ({size / 2**20:.1f} MB) from {len(_sources())} TXT reports; "
              f"{os.cpu_count()} CPU(s), load average {load0:.2f}")

        warm_up()
        from pipeline.normalize import normalize_text
        sample = sorted(folder.iterdir())[:30]
        t = time.perf_counter()
        for p in sample:
            normalize_text.cache_clear()  # as if every document were new text: no help from the cache
            process_file(str(p))
        per_doc = (time.perf_counter() - t) / len(sample)
        normalize_text.cache_clear()
        print(f"in-process extract+segment, cold cache: {per_doc * 1000:.0f} ms/document "
              f"(one core's ceiling {1 / per_doc:.1f} distinct documents/s, before writing; the copies below "
              f"share text, so the normalize cache helps them more than it would distinct reports)")

        rates = {}
        for workers in (1, 2):
            db = tmp / f"w{workers}.duckdb"
            cpu0 = _cpu()
            t = time.perf_counter()
            s = ingest([str(folder)], str(db), progress=False, dupes=False, workers=workers)
            secs = time.perf_counter() - t
            cores = (_cpu() - cpu0) / secs
            done = sum(s.statuses.values())
            assert done == n, s.lines()
            rates[workers] = done / secs
            print(f"workers={workers}: {done} documents in {secs:.1f} s = {rates[workers]:.1f} documents/s, "
                  f"{cores:.2f} cores busy on average, load average now {os.getloadavg()[0]:.2f} "
                  f"({', '.join(f'{k} {v}' for k, v in sorted(s.statuses.items()))}; {s.measures} measures)")
            t = time.perf_counter()
            again = ingest([str(folder)], str(db), progress=False, dupes=False, workers=workers)
            assert again.unchanged == n and not sum(again.statuses.values())
            if workers == 1:
                print(f"re-run over unchanged folder: {time.perf_counter() - t:.1f} s ({n} skipped)")
        print(f"speed-up 2 workers over 1: {rates[2] / rates[1]:.2f}x"
              + ("  (other processes are using the CPUs: the load average was above 1 before the run, "
                 "so the figures understate the pool)" if load0 > 1 else ""))
        peak_self, peak_child = _maxrss_mb(resource.RUSAGE_SELF), _maxrss_mb(resource.RUSAGE_CHILDREN)
        print(f"peak memory: parent {peak_self:.0f} MB, largest worker {peak_child:.0f} MB "
              f"(target < 500 MB each)")
        best = max(rates.values())
        print(f"target >= 30 documents/s: {'met' if best >= 30 else 'NOT met'} ({best:.1f})")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
