"""pipeline.workers: parallel tasks with a time and a memory limit, crash detection."""
import os
import signal
import time

import pytest

from pipeline.workers import Pool, TaskFailed


def _echo(x):
    return ("pid", os.getpid(), x)


def _sleep(seconds):
    time.sleep(seconds)
    return seconds


def _behave(kind):
    if kind == "hang":
        time.sleep(3600)
    if kind == "alloc":
        blocks = []
        for _ in range(64):                     # up to 4 GB, far over the limit (start size + 512 MB)
            blocks.append(bytearray(64 << 20))
        return len(blocks)
    if kind == "raise":
        raise ValueError("boom")
    if kind == "segv":
        os.kill(os.getpid(), signal.SIGSEGV)
    if kind == "oomkill":
        os.kill(os.getpid(), signal.SIGKILL)
    if kind == "spawn_hang":                     # a child program that would outlive a plain kill
        import subprocess
        p = subprocess.Popen(["sleep", "3600"])
        with open(os.environ["PIDFILE"], "w") as f:
            f.write(str(p.pid))
        p.wait()
    return kind


def _alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:                                          # a zombie is dead for our purposes
        with open(f"/proc/{pid}/stat") as f:
            return f.read().split(")")[-1].split()[0] != "Z"
    except OSError:
        return False


def test_all_results_come_back_from_several_workers():
    with Pool(_echo, 2, timeout=30, memory_mb=None) as pool:
        out = dict(pool.imap((i, i * 10) for i in range(20)))
    assert sorted(out) == list(range(20))
    assert all(v[2] == k * 10 for k, v in out.items())
    assert len({v[1] for v in out.values()}) == 2          # both workers used
    assert os.getpid() not in {v[1] for v in out.values()}


def test_workers_run_in_parallel():
    with Pool(_sleep, 2, timeout=30, memory_mb=None) as pool:
        list(pool.imap([(0, 0.0)]))                        # start the workers
        t = time.monotonic()
        out = dict(pool.imap([(1, 1.0), (2, 1.0)]))
        took = time.monotonic() - t
    assert out == {1: 1.0, 2: 1.0}
    assert took < 1.8, took


def test_a_hanging_task_times_out_and_the_others_finish():
    t = time.monotonic()
    with Pool(_behave, 2, timeout=1.5, memory_mb=None) as pool:
        out = dict(pool.imap([("h", "hang"), ("a", "x"), ("b", "y"), ("c", "z")]))
    assert isinstance(out["h"], TaskFailed) and out["h"].error == "timed out after 1.5 s"
    assert (out["a"], out["b"], out["c"]) == ("x", "y", "z")
    assert time.monotonic() - t < 10


def test_timeout_kills_programs_the_worker_started(tmp_path, monkeypatch):
    pidfile = tmp_path / "pid"
    monkeypatch.setenv("PIDFILE", str(pidfile))
    with Pool(_behave, 1, timeout=1.5, memory_mb=None) as pool:
        out = dict(pool.imap([("s", "spawn_hang")]))
    assert out["s"].error.startswith("timed out")
    child = int(pidfile.read_text())
    for _ in range(50):
        if not _alive(child):
            break
        time.sleep(0.1)
    assert not _alive(child)


def test_memory_limit():
    with Pool(_behave, 1, timeout=30, memory_mb=512) as pool:
        out = dict(pool.imap([("big", "alloc"), ("ok", "fine")]))
    assert isinstance(out["big"], TaskFailed)
    assert out["big"].error.startswith("over memory limit")
    assert out["ok"] == "fine"


def test_crashes_and_exceptions_are_reported_and_the_pool_goes_on():
    with Pool(_behave, 2, timeout=30, memory_mb=None) as pool:
        out = dict(pool.imap([("r", "raise"), ("s", "segv"), ("k", "oomkill"), ("a", "after"), ("b", "more")]))
        assert pool.replaced == 2
    assert out["r"].error.startswith("internal error while reading (ValueError: boom)")
    assert out["s"].error.startswith("worker crashed while reading (SIGSEGV)")
    assert out["k"].error.startswith("over memory limit")
    assert (out["a"], out["b"]) == ("after", "more")


def test_close_leaves_no_worker_behind():
    pool = Pool(_echo, 2, timeout=30, memory_mb=None)
    pids = {v[1] for _, v in pool.imap((i, i) for i in range(6))}
    pool.close()
    time.sleep(0.2)
    assert pids and not any(_alive(p) for p in pids)


def test_a_memory_limit_that_cannot_work_is_refused():
    with pytest.raises(ValueError, match="too low"):
        Pool(_echo, 1, memory_mb=10)


def _extra_for_long_sleeps(seconds):
    # the parent asks this only of a task that reached the base limit (it may open the file)
    with open(os.environ["ITA_TEST_EXTRA_LOG"], "a") as f:
        f.write(f"{seconds}\n")
    return 2.0 if seconds == 1.5 else 0.0


def test_extra_time_is_asked_only_of_slow_tasks_and_extends_their_limit(tmp_path, monkeypatch):
    log = tmp_path / "asked"
    monkeypatch.setenv("ITA_TEST_EXTRA_LOG", str(log))
    with Pool(_sleep, 2, timeout=1.0, memory_mb=None, extra_time=_extra_for_long_sleeps) as pool:
        out = dict(pool.imap([("fast", 0.1), ("scan", 1.5), ("slow", 1.6)]))
    assert out["fast"] == 0.1 and out["scan"] == 1.5           # 1.5 s under a limit of 1 + 2 s
    assert isinstance(out["slow"], TaskFailed) and out["slow"].error == "timed out after 1 s"
    assert sorted(log.read_text().split()) == ["1.5", "1.6"]   # never asked of the fast task
