"""Ingest over a folder of bad files beside good reports: every file gets a documents row
with the right status and an error a person can act on, re-runs change nothing, an
interrupted ingest (kill -9, Ctrl-C) is picked up by the next run without duplicates, a
document over the time limit fails alone, and a busy database is reported clearly."""
import os
import random
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

from pipeline.ingest import ingest
from pipeline.process import process_file
from tests.conftest import CORPUS, ROOT, SEED_PDF, run_ita

SEEDS = next((d for d in (CORPUS, ROOT.parent / "shared" / "seeds", Path("/work/shared/seeds"))
              if d.is_dir() and list(d.glob("*.txt"))), None)
PDFS = sorted(SEED_PDF.glob("*.pdf")) + sorted(CORPUS.glob("*.pdf")) + sorted((ROOT.parent / "shared" / "pdfs").glob("ita_*.pdf"))
pytestmark = pytest.mark.skipif(SEEDS is None, reason="no TXT seed reports")

THAI_NAME = "รายงาน ผลการดำเนินงาน ๒๕๖๔.txt"
PROSE = ("ประกาศองค์การบริหารส่วนตำบล เรื่อง การรับฟังความคิดเห็นของประชาชน\n\n"
         "ด้วยองค์การบริหารส่วนตำบลมีความประสงค์จะรับฟังความคิดเห็นของประชาชนเกี่ยวกับการพัฒนาท้องถิ่น "
         "จึงขอเชิญชวนประชาชนผู้สนใจเข้าร่วมประชุมประชาคมหมู่บ้านตามวันและเวลาที่กำหนด\n\n"
         "จึงประกาศมาให้ทราบโดยทั่วกัน\n")


def _seed(i):
    return sorted(SEEDS.glob("*.txt"))[i]


def _pdf():
    for p in PDFS:
        try:
            seg = process_file(str(p), ocr=False)
        except Exception:
            continue
        if seg.measures:
            return p, len(seg.measures)
    return None, None


def _counts(db):
    con = duckdb.connect(str(db), read_only=True)
    try:
        return {t: con.execute(f"select count(*) from {t}").fetchone()[0]
                for t in ("documents", "measures", "measure_owners", "scores", "pages", "paragraphs")}
    finally:
        con.close()


def _docs(db):
    con = duckdb.connect(str(db), read_only=True)
    try:
        rows = con.execute("""select d.source_path, d.status, d.error, count(m.measure_id)
                              from documents d left join measures m using (doc_id)
                              group by all""").fetchall()
    finally:
        con.close()
    return {Path(p).name: (s, e, n) for p, s, e, n in rows}


@pytest.fixture(scope="module")
def bad_folder(tmp_path_factory):
    """Good reports and every kind of bad file; returns (folder, expected measures of the good ones)."""
    d = tmp_path_factory.mktemp("reports")
    s0, s1, s3 = _seed(0), _seed(1), _seed(-1)
    expect = {}
    for src, name in ((s0, s0.name), (s1, s1.name), (s3, THAI_NAME)):
        shutil.copyfile(src, d / name)
        expect[name] = len(process_file(str(src)).measures)
    # legacy encodings of the same reports (other bytes, so other documents)
    text0 = s0.read_text(encoding="utf-8")
    (d / "legacy_cp874.txt").write_bytes(text0.encode("cp874"))
    expect["legacy_cp874.txt"] = expect[s0.name]
    (d / "windows_utf16.txt").write_bytes(s1.read_text(encoding="utf-8").encode("utf-16"))   # with BOM
    expect["windows_utf16.txt"] = expect[s1.name]
    # bad files
    (d / "empty.pdf").write_bytes(b"")
    (d / "blank.txt").write_bytes(b"  \n\n ")
    (d / "error_page.pdf").write_text("<!DOCTYPE html><html><head><title>404 Not Found</title></head>"
                                      "<body><h1>Not Found</h1></body></html>", encoding="utf-8")
    (d / "random.txt").write_bytes(random.Random(0).randbytes(4096))
    (d / "prose.txt").write_text(PROSE, encoding="utf-8")
    pdf, n = _pdf()
    if pdf is not None:
        import pikepdf
        data = pdf.read_bytes()
        (d / "truncated.pdf").write_bytes(data[: len(data) // 2])
        with pikepdf.open(pdf) as p:
            p.save(d / "user_password.pdf", encryption=pikepdf.Encryption(user="u", owner="o"))
            p.save(d / "owner_password_only.pdf",
                   encryption=pikepdf.Encryption(user="", owner="o", allow=pikepdf.Permissions(
                       extract=False, print_lowres=False, print_highres=False, modify_other=False)))
        expect["owner_password_only.pdf"] = n
    return d, expect


@pytest.fixture(scope="module")
def ingested(bad_folder, tmp_path_factory):
    folder, expect = bad_folder
    db = tmp_path_factory.mktemp("db") / "ita.duckdb"
    first = ingest([str(folder)], str(db), progress=False, dupes=False, workers=2, timeout=60)
    counts = _counts(db)
    docs = _docs(db)
    second = ingest([str(folder)], str(db), progress=False, dupes=False, workers=2, timeout=60)
    return db, first, second, counts, docs


FAILURES = {
    "empty.pdf": "empty file",
    "blank.txt": "empty file",
    "error_page.pdf": "not a PDF (looks like HTML)",
    "random.txt": "undecodable text (tried UTF-8, UTF-16, TIS-620)",
    "truncated.pdf": "truncated or corrupt PDF",
    "user_password.pdf": "password-protected PDF",
}


def test_every_file_has_a_documents_row(bad_folder, ingested):
    folder, _ = bad_folder
    _, first, _, counts, docs = ingested
    files = sorted(p.name for p in folder.iterdir())
    assert sorted(docs) == files
    assert counts["documents"] == len(files) == sum(first.statuses.values())


@pytest.mark.parametrize("name,error", sorted(FAILURES.items()))
def test_bad_files_fail_with_an_actionable_error(bad_folder, ingested, name, error):
    if not (bad_folder[0] / name).exists():
        pytest.skip("no real PDF to build PDF cases from")
    status, err, measures = ingested[4][name]
    assert status == "failed"
    assert err.startswith(error), err
    assert "Traceback" not in err and "File \"" not in err
    assert measures == 0


def test_non_report_text_is_empty(ingested):
    assert ingested[4]["prose.txt"][:2] == ("empty", None)


def test_good_reports_are_complete(bad_folder, ingested):
    _, expect = bad_folder
    docs = ingested[4]
    for name, n in expect.items():
        status, err, measures = docs[name]
        assert (status, err) == ("ok", None), name
        assert measures == n, name


def test_summary_lists_failures_and_exit_code(ingested):
    first = ingested[1]
    assert first.exit_code == 1
    failed = {Path(p).name: e for p, e in first.failed}
    assert set(failed) == {n for n in FAILURES if n in ingested[4]}
    text = "\n".join(first.lines())
    for name in failed:
        assert f"FAILED '{next(p for p, _ in first.failed if Path(p).name == name)}': " in text


def test_second_run_changes_nothing(ingested):
    db, first, second, counts, docs = ingested
    assert sum(second.statuses.values()) == 0
    assert second.unchanged == counts["documents"]
    assert _counts(db) == counts
    assert _docs(db) == docs
    assert second.exit_code == 1                      # the failed files are still listed
    assert {p for p, _ in second.failed_before} == {p for p, _ in first.failed}


def test_cli_rerun_reports_unchanged_and_exits_1(bad_folder, ingested):
    folder, _ = bad_folder
    db = ingested[0]
    proc = run_ita("ingest", folder, "--db", db, "--no-progress", check=False)
    assert proc.returncode == 1, proc.stderr
    assert f"{ingested[3]['documents']} unchanged" in proc.stdout
    assert "FAILED" in proc.stdout and "Traceback" not in proc.stderr
    assert _counts(db) == ingested[3]


def test_changed_content_replaces_rows_and_prune_removes_gone_files(tmp_path):
    folder = tmp_path / "r"
    folder.mkdir()
    a, b = folder / "a.txt", folder / "b.txt"
    shutil.copyfile(_seed(0), a)
    shutil.copyfile(_seed(-1), b)
    db = tmp_path / "x.duckdb"
    ingest([str(folder)], str(db), progress=False, dupes=False, workers=1)
    n_a = _docs(db)["a.txt"][2]
    a.write_bytes(_seed(1).read_bytes())              # new content under the same name
    s = ingest([str(folder)], str(db), progress=False, dupes=False, workers=1)
    assert (sum(s.statuses.values()), s.unchanged) == (1, 1)
    docs = _docs(db)
    assert docs["a.txt"][2] == len(process_file(str(_seed(1))).measures) != n_a
    assert _counts(db)["documents"] == 2
    b.unlink()
    s = ingest([str(folder)], str(db), progress=False, dupes=False, workers=1, prune=True)
    assert s.pruned == 1
    assert set(_docs(db)) == {"a.txt"}
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("select count(*) from measures where doc_id not in (select doc_id from documents)").fetchone()[0] == 0
    con.close()


def test_same_bytes_under_two_names_is_stored_once_and_stable(tmp_path):
    folder = tmp_path / "r"
    folder.mkdir()
    shutil.copyfile(_seed(0), folder / "a.txt")
    shutil.copyfile(_seed(0), folder / "copy of a.txt")
    db = tmp_path / "x.duckdb"
    s = ingest([str(folder)], str(db), progress=False, dupes=False, workers=2)
    assert sum(s.statuses.values()) == 1 and len(s.duplicates) == 1
    assert "DUPLICATE" in "\n".join(s.lines())
    s = ingest([str(folder)], str(db), progress=False, dupes=False, workers=2)
    assert sum(s.statuses.values()) == 0 and s.unchanged == 1 and len(s.duplicates) == 1
    assert _counts(db)["documents"] == 1


def test_a_document_over_the_time_limit_fails_while_the_others_load(tmp_path, monkeypatch):
    folder = tmp_path / "r"
    folder.mkdir()
    for i, seed in enumerate(sorted(SEEDS.glob("*.txt"))):
        shutil.copyfile(seed, folder / seed.name)
    (folder / "slow_report.txt").write_bytes(_seed(0).read_bytes() + b"\nslow\n")
    monkeypatch.setenv("ITA_TEST_SLOW_GLOB", "slow_*")     # test-only hook: the worker sleeps
    db = tmp_path / "x.duckdb"
    t = time.monotonic()
    s = ingest([str(folder)], str(db), progress=False, dupes=False, workers=2, timeout=3)
    assert time.monotonic() - t < 30
    docs = _docs(db)
    assert docs["slow_report.txt"] == ("failed", "timed out after 3 s", 0)
    assert all(v[0] == "ok" and v[2] > 0 for k, v in docs.items() if k != "slow_report.txt")
    assert s.exit_code == 1


def _replicas(folder, n):
    """n unique TXT reports (a seed plus a line making its bytes unique); name -> seed measures."""
    seeds = sorted(SEEDS.glob("*.txt"))
    per_seed = {s: len(process_file(str(s)).measures) for s in seeds}
    expect = {}
    for i in range(n):
        s = seeds[i % len(seeds)]
        name = f"r{i:03d}.txt"
        (folder / name).write_bytes(s.read_bytes() + f"\nสำเนาที่ {i}\n".encode())
        expect[name] = per_seed[s]
    return expect


def _start_ingest(folder, db, total):
    """Start `ita ingest` and a thread following its progress bar; returns (proc, done()).
    The last documents hang (test hook), so the run is still going when the test stops it,
    however fast the others are."""
    exe = Path(sys.executable).with_name("ita")
    env = dict(os.environ, ITA_TEST_SLOW_GLOB=f"r{total - 1:03d}.txt")
    proc = subprocess.Popen([str(exe), "ingest", str(folder), "--db", str(db), "--workers", "2",
                             "--no-dupes", "--progress"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    seen = {"done": 0, "err": b""}

    def follow():
        while True:
            chunk = proc.stderr.read1(4096)
            if not chunk:
                return
            seen["err"] += chunk
            got = re.findall(rb"(\d+)/%d" % total, seen["err"][-400:])
            if got:
                seen["done"] = int(got[-1])

    threading.Thread(target=follow, daemon=True).start()
    return proc, seen


def _wait_for(seen, proc, n, limit=60):
    t = time.monotonic()
    while seen["done"] < n and proc.poll() is None and time.monotonic() - t < limit:
        time.sleep(0.02)
    assert proc.poll() is None, "ingest finished before it could be interrupted"


def _no_leftover_processes(db):
    time.sleep(0.5)
    mine = []
    for p in Path("/proc").iterdir():
        if p.name.isdigit():
            try:
                if str(db).encode() in (p / "cmdline").read_bytes():
                    mine.append(p.name)
            except OSError:
                pass
    return mine


def _assert_complete(db, expect):
    docs = _docs(db)
    assert set(docs) == set(expect)
    assert {k: (v[0], v[2]) for k, v in docs.items()} == {k: ("ok", n) for k, n in expect.items()}
    con = duckdb.connect(str(db), read_only=True)
    try:
        assert con.execute("select count(*) - count(distinct source_path) from documents").fetchone()[0] == 0
        assert con.execute("select count(*) - count(distinct measure_id) from measures").fetchone()[0] == 0
        assert con.execute("select count(*) from measures where doc_id not in (select doc_id from documents)").fetchone()[0] == 0
    finally:
        con.close()


@pytest.mark.slow
def test_kill_9_mid_run_then_rerun_completes_without_duplicates(tmp_path):
    folder = tmp_path / "r"
    folder.mkdir()
    total = 24
    expect = _replicas(folder, total)
    db = tmp_path / "killed.duckdb"
    proc, seen = _start_ingest(folder, db, total)
    _wait_for(seen, proc, 3)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert _no_leftover_processes(db) == []              # workers die with the parent
    partial = _docs(db)                                  # opens (WAL replayed), consistent
    assert 0 < len(partial) < total
    for name, (status, _, n) in partial.items():         # no half-written document
        assert (status, n) == ("ok", expect[name])
    s = ingest([str(folder)], str(db), progress=False, dupes=False, workers=2)
    assert s.unchanged == len(partial) and sum(s.statuses.values()) == total - len(partial)
    _assert_complete(db, expect)


@pytest.mark.slow
def test_ctrl_c_stops_cleanly_and_the_next_run_continues(tmp_path):
    folder = tmp_path / "r"
    folder.mkdir()
    total = 24
    expect = _replicas(folder, total)
    db = tmp_path / "interrupted.duckdb"
    proc, seen = _start_ingest(folder, db, total)
    _wait_for(seen, proc, 3)
    proc.send_signal(signal.SIGINT)
    assert proc.wait(30) == 130
    time.sleep(0.2)
    err = seen["err"].decode()
    assert "interrupted" in err and "run the same command again" in err and "Traceback" not in err
    assert _no_leftover_processes(db) == []
    done = len(_docs(db))
    proc = run_ita("ingest", folder, "--db", db, "--no-progress")
    assert f"{done} unchanged" in proc.stdout
    _assert_complete(db, expect)


def test_query_while_an_ingest_holds_the_database(tmp_path):
    db = tmp_path / "busy.duckdb"
    duckdb.connect(str(db)).close()
    holder = subprocess.Popen([sys.executable, "-c",
                               "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); "
                               "c.execute('create table if not exists t (x int)'); print('ready', flush=True); "
                               "time.sleep(60)", str(db)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "ready"
        q = run_ita("query", "select 1", "--db", db, check=False)
        assert q.returncode == 2
        assert "in use by another process" in q.stderr and "ita query --snapshot" in q.stderr
        assert "Traceback" not in q.stderr
        i = run_ita("ingest", SEEDS, "--db", db, "--no-progress", check=False)
        assert i.returncode == 2 and "in use by another process" in i.stderr and "Traceback" not in i.stderr
    finally:
        holder.kill()
        holder.wait()


def test_scan_without_ocr_is_needs_ocr_not_a_failure(tmp_path):
    import pikepdf
    folder = tmp_path / "r"
    folder.mkdir()
    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(595, 842))          # no text layer, like a scan
    pdf.save(folder / "scan.pdf")
    db = tmp_path / "x.duckdb"
    s = ingest([str(folder)], str(db), progress=False, dupes=False, workers=1, ocr=False)
    status, err, n = _docs(db)["scan.pdf"]
    assert (status, n) == ("needs_ocr", 0) and err
    assert s.exit_code == 0                             # left unread on purpose (--no-ocr)
    assert any("NEEDS OCR" in line for line in s.lines())
    s = ingest([str(folder)], str(db), progress=False, dupes=False, workers=1, ocr=False)
    assert s.unchanged == 1 and not sum(s.statuses.values())
