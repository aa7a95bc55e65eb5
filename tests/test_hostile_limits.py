"""Limits that are real: a worker is stopped by its resident memory (with the programs it
started), a document that failed by a limit is not paid for again on every re-run, and a
large document's rows reach the database through files without changing what is stored."""
import os
import subprocess
import sys
import time

import duckdb
import pytest

from pipeline import spool
from pipeline.cli import main
from pipeline.ingest import ingest, limit_failure
from pipeline.memory import MB, tree_rss
from pipeline.tmp import run_dir
from pipeline.workers import Pool, TaskFailed
from tests.hostile import SEEDS, assert_good_complete, docs, good_reports, measures_of

_KEPT = []


def _grow(kind):
    """Tasks that grow slowly (so only the resident-memory watch can stop them: each stays
    under the address-space backstop of 4 x the limit)."""
    if kind == "grow":
        blocks = []
        for _ in range(8):                       # 384 MB, touched, well above the 128 MB limit
            blocks.append(bytearray(48 * MB))
            time.sleep(0.1)
        return "not stopped"
    if kind == "child":                          # the memory is in a program the worker started
        code = "import time; b = bytearray(300 << 20); print('ready', flush=True); time.sleep(60)"
        p = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE)
        with open(os.environ["CHILD_PIDFILE"], "w") as f:
            f.write(str(p.pid))
        p.wait()
        return "not stopped"
    if kind == "keep":                           # returns, but keeps 100 MB (a cache, fragmentation)
        _KEPT.append(bytearray(100 * MB))
        return os.getpid()
    return os.getpid()


def test_a_worker_is_stopped_by_its_resident_memory_and_the_pool_goes_on():
    with Pool(_grow, 1, timeout=60, memory_mb=128) as pool:
        out = dict(pool.imap([("big", "grow"), ("ok", "fine")]))
    assert isinstance(out["big"], TaskFailed)
    assert out["big"].error.startswith("over memory limit (128 MB per worker; the worker grew by ")
    assert isinstance(out["ok"], int)


def test_memory_of_programs_the_worker_started_counts(tmp_path, monkeypatch):
    pidfile = tmp_path / "child.pid"
    monkeypatch.setenv("CHILD_PIDFILE", str(pidfile))
    with Pool(_grow, 1, timeout=60, memory_mb=128) as pool:
        out = dict(pool.imap([("c", "child")]))
    assert out["c"].error.startswith("over memory limit (128 MB")
    child = int(pidfile.read_text())
    time.sleep(0.2)
    assert tree_rss(child) is None or open(f"/proc/{child}/stat").read().split(")")[-1].split()[0] == "Z"


def test_a_worker_that_kept_much_memory_is_replaced_between_tasks():
    with Pool(_grow, 1, timeout=60, memory_mb=128) as pool:
        out = dict(pool.imap([("a", "keep"), ("b", "fine")]))
        assert pool.replaced == 1
    assert out["a"] != out["b"]                                   # another process ran b


@pytest.mark.parametrize("error, hit", [
    ("timed out after 120 s", ("timeout", 120.0)),
    ("timed out after 2.5 s", ("timeout", 2.5)),
    ("over memory limit (2048 MB per worker; the worker grew by 2100 MB; raise it with --memory-mb)",
     ("memory_mb", 2048.0)),
    ("over memory limit", None),                                   # no number: a crash, retried
    ("empty file", None),
    (None, None),
])
def test_limit_failures_are_recognised(error, hit):
    assert limit_failure(error) == hit


def _slow_folder(tmp_path):
    folder = tmp_path / "reports"
    expect = good_reports(folder)
    (folder / "slow_report.txt").write_bytes(SEEDS[0].read_bytes() + b"\nslow\n")
    return folder, expect


def _run(folder, db, **kw):
    return ingest([str(folder)], str(db), progress=False, dupes=False, workers=2, **kw)


def test_a_timed_out_document_is_not_retried_without_retry_failed(tmp_path, monkeypatch, capsys):
    folder, expect = _slow_folder(tmp_path)
    db = tmp_path / "ita.duckdb"
    monkeypatch.setenv("ITA_TEST_SLOW_GLOB", "slow_*")          # test-only hook: the worker sleeps
    first = _run(folder, db, timeout=2)
    assert docs(db)["slow_report.txt"][:2] == ("failed", "timed out after 2 s")
    assert_good_complete(db, expect)
    t = time.monotonic()
    again = _run(folder, db, timeout=2)
    assert time.monotonic() - t < 2                               # the timeout was not paid again
    assert (sum(again.statuses.values()), again.skipped_limits, again.exit_code) == (0, 1, 1)
    assert any("1 document(s) that failed by time or memory limit" in line and "--retry-failed" in line
               for line in again.lines())
    monkeypatch.delenv("ITA_TEST_SLOW_GLOB")                      # it would now succeed ...
    assert _run(folder, db, timeout=2).skipped_limits == 1        # ... but is still not retried
    code = main(["ingest", str(folder), "--db", str(db), "--no-progress", "--no-dupes", "--timeout", "2",
                 "--retry-failed"])
    assert code == 0 and capsys.readouterr().out.startswith("1 new, 3 unchanged, 0 failed")
    assert docs(db)["slow_report.txt"][:3] == ("ok", None, measures_of(SEEDS[0]))
    assert_good_complete(db, expect)
    assert first.exit_code == 1


def test_a_timed_out_document_is_retried_when_its_bytes_change_or_the_limit_is_raised(tmp_path, monkeypatch):
    folder, expect = _slow_folder(tmp_path)
    db = tmp_path / "ita.duckdb"
    monkeypatch.setenv("ITA_TEST_SLOW_GLOB", "slow_*")
    _run(folder, db, timeout=2)
    (folder / "slow_report.txt").write_bytes(SEEDS[0].read_bytes() + b"\nslow, edited\n")
    changed = _run(folder, db, timeout=2)
    assert changed.statuses["failed"] == 1 and changed.skipped_limits == 0      # read again
    monkeypatch.delenv("ITA_TEST_SLOW_GLOB")
    raised = _run(folder, db, timeout=30)
    assert raised.statuses["ok"] == 1 and raised.skipped_limits == 0
    assert_good_complete(db, dict(expect, **{"slow_report.txt": measures_of(SEEDS[0])}))


def test_a_document_over_the_memory_limit_fails_alone_and_is_not_retried(tmp_path):
    folder = tmp_path / "reports"
    expect = good_reports(folder)
    para = "ภาคผนวก การดำเนินงานตามแผนปฏิบัติการป้องกันการทุจริต ครั้งที่ {} และติดตามผลอย่างต่อเนื่อง\n\n"
    with open(folder / "huge annex.txt", "w", encoding="utf-8") as f:
        for i in range(120_000):                                  # ~24 MB of paragraphs
            f.write(para.format(i))
    db = tmp_path / "ita.duckdb"
    first = _run(folder, db, memory_mb=64)
    status, error, _, _ = docs(db)["huge annex.txt"]
    assert status == "failed" and error.startswith("over memory limit (64 MB per worker"), error
    assert_good_complete(db, expect)
    again = _run(folder, db, memory_mb=64)
    assert (sum(again.statuses.values()), again.skipped_limits) == (0, 1)
    assert first.exit_code == again.exit_code == 1


def _table_rows(db):
    con = duckdb.connect(str(db), read_only=True)
    try:
        out = {}
        for t in ("measures", "measure_owners", "scores", "pages", "paragraphs"):
            out[t] = sorted(map(repr, con.execute(f"select * from {t}").fetchall()))
        out["documents"] = sorted(map(repr, con.execute(
            "select * exclude (ingested_at) from documents").fetchall()))
        return out
    finally:
        con.close()


def test_spooled_rows_are_stored_exactly_like_rows_sent_in_memory(tmp_path, monkeypatch):
    folder = tmp_path / "reports"
    expect = good_reports(folder)
    in_memory, spooled = tmp_path / "memory.duckdb", tmp_path / "spooled.duckdb"
    _run(folder, in_memory)
    monkeypatch.setattr(spool, "SPOOL_ROWS", 5)                   # every document goes through files
    calls = []
    real_insert = spool.insert
    monkeypatch.setattr(spool, "insert", lambda *a: calls.append(a[1]) or real_insert(*a))
    _run(folder, spooled)
    assert {"measures", "paragraphs", "measure_owners"} <= set(calls)
    assert _table_rows(spooled) == _table_rows(in_memory)
    assert_good_complete(spooled, expect)
    assert not list(run_dir().glob("*.ndjson"))                   # spool files removed once written
