"""The database and the run's files: --prune leaves no row of a gone document anywhere
(passages and copy findings included), a snapshot can be queried while an ingest holds the
database (its recent data is in the WAL), temp files live in one run directory that is
removed on exit and swept after a kill -9."""
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import duckdb
import pytest

from pipeline import tmp
from pipeline.ingest import ingest
from tests.conftest import run_ita
from tests.hostile import SEEDS, assert_good_complete, good_reports, measures_of

DOC_TABLES = ("measures", "measure_owners", "scores", "pages", "paragraphs", "passages")


def _rows_of(db, doc_id):
    con = duckdb.connect(str(db), read_only=True)
    try:
        out = {t: con.execute(f"select count(*) from {t} where doc_id = ?", [doc_id]).fetchone()[0]
               for t in DOC_TABLES + ("documents",)}
        out["copy_findings"] = con.execute("select count(*) from copy_findings where doc_a = ? or doc_b = ?",
                                           [doc_id, doc_id]).fetchone()[0]
        out["files"] = con.execute("select count(*) from files where doc_id = ?", [doc_id]).fetchone()[0]
        return out
    finally:
        con.close()


def _doc_id(db, name):
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute("select doc_id from documents where source_path like ?", [f"%/{name}"]).fetchone()[0]
    finally:
        con.close()


@pytest.mark.parametrize("dupes_on_prune", [True, False])
def test_prune_removes_every_row_of_a_gone_document(tmp_path, dupes_on_prune):
    folder = tmp_path / "reports"
    expect = good_reports(folder)
    copy = folder / "next year copy.txt"                          # shares its text: copy findings
    copy.write_bytes(SEEDS[1].read_bytes().replace("๒๕๖๔".encode(), "๒๕๖๕".encode()) + b"\ncopy\n")
    db = tmp_path / "ita.duckdb"
    ingest([str(folder)], str(db), progress=False, dupes=True, workers=2)
    gone = _doc_id(db, copy.name)
    before = _rows_of(db, gone)
    assert all(before[t] > 0 for t in ("measures", "paragraphs", "passages", "copy_findings", "documents",
                                       "files")), before
    copy.unlink()
    s = ingest([str(folder)], str(db), progress=False, dupes=dupes_on_prune, workers=2, prune=True)
    assert s.pruned == 1
    assert set(_rows_of(db, gone).values()) == {0}
    assert_good_complete(db, expect)


def test_a_replaced_document_leaves_no_passages_behind_without_dupes(tmp_path):
    folder = tmp_path / "reports"
    expect = good_reports(folder)
    db = tmp_path / "ita.duckdb"
    ingest([str(folder)], str(db), progress=False, dupes=True, workers=2)
    name = SEEDS[2].name
    old = _doc_id(db, name)
    (folder / name).write_bytes(SEEDS[2].read_bytes() + b"\nedited\n")
    ingest([str(folder)], str(db), progress=False, dupes=False, workers=2)
    assert set(_rows_of(db, old).values()) == {0}
    assert_good_complete(db, expect)


def _replicas(folder, n):
    for i in range(n):
        seed = SEEDS[i % len(SEEDS)]
        (folder / f"r{i:03d}.txt").write_bytes(seed.read_bytes() + f"\nสำเนาที่ {i}\n".encode())


def _follow(proc, seen):
    while True:
        chunk = proc.stderr.read1(4096)
        if not chunk:
            return
        seen["err"] += chunk
        got = re.findall(rb"(\d+)/\d+", seen["err"][-400:])
        if got:
            seen["done"] = int(got[-1])


def _running_ingest(folder, db, total, env=None):
    """`ita ingest` whose last document hangs (test hook), followed until `total - 1` are done
    and one flush (1 s) has passed: the database is held, its data committed to the WAL."""
    exe = Path(sys.executable).with_name("ita")
    env = dict(os.environ if env is None else env, ITA_TEST_SLOW_GLOB=f"r{total - 1:03d}.txt")
    proc = subprocess.Popen([str(exe), "ingest", str(folder), "--db", str(db), "--workers", "2", "--no-dupes",
                             "--progress"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    seen = {"done": 0, "err": b""}
    threading.Thread(target=_follow, args=(proc, seen), daemon=True).start()
    t = time.monotonic()
    while seen["done"] < total - 1 and proc.poll() is None and time.monotonic() - t < 120:
        time.sleep(0.05)
    time.sleep(1.5)
    assert proc.poll() is None, seen["err"].decode(errors="replace")
    return proc


def test_snapshot_queries_a_database_an_ingest_is_writing(tmp_path):
    folder = tmp_path / "reports"
    folder.mkdir()
    total = 12
    _replicas(folder, total)
    db = tmp_path / "busy.duckdb"
    proc = _running_ingest(folder, db, total)
    try:
        assert os.path.getsize(f"{db}.wal") > 0                   # the new rows are in the WAL
        busy = run_ita("query", "select 1", "--db", db, check=False)
        assert busy.returncode == 2 and "ita query --snapshot" in busy.stderr and "Traceback" not in busy.stderr
        snap = run_ita("query", "--snapshot", "select count(*) as n, sum(n_measures) as m from "
                       "(select d.doc_id, count(m.measure_id) n_measures from documents d "
                       "left join measures m using (doc_id) group by all)", "--db", db, "--format", "csv")
        n, m = (int(float(v)) for v in snap.stdout.strip().splitlines()[-1].split(","))
        assert n == total - 1                                     # every committed document
        assert m == sum(measures_of(SEEDS[i % len(SEEDS)]) for i in range(total - 1))
        plain = tmp_path / "plain-copy.duckdb"                    # the old advice: copy the file
        shutil.copyfile(db, plain)
        con = duckdb.connect(str(plain), read_only=True)
        tables = {r[0] for r in con.execute("select table_name from information_schema.tables").fetchall()}
        stale = con.execute("select count(*) from documents").fetchone()[0] if "documents" in tables else 0
        con.close()
        assert stale < n                                          # ... misses what is in the WAL
        assert proc.poll() is None                                # the ingest was never disturbed
    finally:
        proc.kill()
        proc.wait()


def _run_dirs(root):
    return sorted(p.name for p in root.iterdir()) if root.exists() else []


def test_run_directory_is_removed_on_exit_and_swept_after_kill_9(tmp_path):
    root = tmp_path / "runs"
    env = dict(os.environ, ITA_TMPDIR=str(root))
    folder = tmp_path / "reports"
    expect = good_reports(folder)
    db = tmp_path / "ita.duckdb"
    subprocess.run([str(Path(sys.executable).with_name("ita")), "ingest", str(folder), "--db", str(db),
                    "--no-progress"], env=env, check=True, capture_output=True)
    assert _run_dirs(root) == []                                  # removed on a normal exit
    big = tmp_path / "big"
    big.mkdir()
    _replicas(big, 4)
    proc = _running_ingest(big, tmp_path / "killed.duckdb", 4, env=env)
    left = _run_dirs(root)
    assert len(left) == 1 and left[0].startswith(f"{proc.pid}-")
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert _run_dirs(root) == left                                # kill -9: nobody could clean up
    subprocess.run([str(Path(sys.executable).with_name("ita")), "ingest", str(folder), "--db", str(db),
                    "--no-progress"], env=env, check=True, capture_output=True)
    assert _run_dirs(root) == []                                  # swept by the next run
    assert_good_complete(db, expect)


def test_sweep_keeps_live_runs_and_removes_dead_ones(tmp_path, monkeypatch):
    monkeypatch.setenv("ITA_TMPDIR", str(tmp_path))
    dead = subprocess.Popen(["true"])
    dead.wait()
    (tmp_path / f"{dead.pid}-12345").mkdir()                      # a run whose process is gone
    (tmp_path / f"{os.getpid()}-1").mkdir()                        # this pid, but another start time
    live = tmp_path / f"{os.getpid()}-{tmp._start_time(os.getpid())}"
    live.mkdir()
    (live / "f").write_text("x")
    (tmp_path / "unrelated").mkdir()
    removed = {p.name for p in tmp.sweep()}
    assert removed == {f"{dead.pid}-12345", f"{os.getpid()}-1"}
    assert live.is_dir() and (tmp_path / "unrelated").is_dir()


def test_temp_files_of_libraries_and_programs_go_to_the_run_directory(tmp_path):
    import tempfile
    before = tempfile.gettempdir(), os.environ.get("TMPDIR")
    with tmp.temp_files_in(tmp_path) as d:
        fd, name = tempfile.mkstemp(prefix="tess_")
        os.close(fd)
        child = subprocess.run([sys.executable, "-c", "import tempfile; print(tempfile.gettempdir())"],
                               capture_output=True, text=True).stdout.strip()
    assert Path(name).parent == d == tmp_path and child == str(tmp_path)
    assert (tempfile.gettempdir(), os.environ.get("TMPDIR")) == before
