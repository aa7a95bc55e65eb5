"""End-to-end: the `ita` command on a temporary folder, as a user runs it."""
import json
import shutil

import duckdb

from tests.conftest import CORPUS, run_ita


def _folder(tmp_path):
    folder = tmp_path / "รายงาน ITA"                      # Thai folder name with a space
    folder.mkdir()
    seeds = sorted(CORPUS.glob("*.txt"))
    shutil.copy(seeds[0], folder / "รายงานผล มาตรการ ๒๕๖๔.txt")  # Thai file name with spaces
    for s in seeds[1:]:
        shutil.copy(s, folder / s.name)
    return folder


def test_ingest_query_show_and_rerun(tmp_path):
    folder, db = _folder(tmp_path), tmp_path / "out" / "ita.duckdb"
    first = run_ita("ingest", folder, "--db", db, "--no-progress")
    lines = first.stdout.splitlines()
    assert lines[0] == "3 new, 0 unchanged, 0 failed (database holds 3 documents, 17 measures)"
    assert lines[1].startswith("  new: ok 3; measures 17, scores ")

    q = run_ita("query", "select agency, count(*) n from measures_by_agency group by agency order by agency",
                "--db", db, "--format", "json")
    rows = json.loads(q.stdout)
    assert {r["agency"]: r["n"] for r in rows} == {"องค์การบริหารส่วนตำบลโชคเหนือ": 3,
                                                  "เทศบาลนครปากเกร็ด": 7, "เทศบาลตำบลเมืองคง": 7}
    csv = run_ita("query", "select doc_id, status from documents order by doc_id", "--db", db, "--format", "csv")
    assert csv.stdout.splitlines()[0] == "doc_id,status" and len(csv.stdout.splitlines()) == 4

    show = run_ita("show", folder / "รายงานผล มาตรการ ๒๕๖๔.txt", "--db", db)
    assert "องค์การบริหารส่วนตำบลโชคเหนือ" in show.stdout and "measures (3)" in show.stdout

    again = run_ita("ingest", folder, "--db", db, "--no-progress")
    assert again.stdout.splitlines() == ["0 new, 3 unchanged, 0 failed (database holds 3 documents, 17 measures)"]
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("select count(*) from measures").fetchone()[0] == 17
    assert con.execute("select count(*) from documents").fetchone()[0] == 3


def test_changed_file_replaces_its_rows_and_prune_removes_gone_files(tmp_path):
    folder, db = _folder(tmp_path), tmp_path / "ita.duckdb"
    run_ita("ingest", folder, "--db", db, "--no-progress")
    victim = folder / "003_348cd1245a6f7d44.txt"
    text = victim.read_text(encoding="utf-8")
    victim.write_text(text.replace("เสริมสร้างการรับรู้ให้กับบุคลากร", "เสริมสร้างการรับรู้ (แก้ไข)"), encoding="utf-8")
    run_ita("ingest", folder, "--db", db, "--no-progress")
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("select count(*) from documents").fetchone()[0] == 3
    assert con.execute("select count(*) from measures where measure like '%(แก้ไข)%'").fetchone()[0] == 1
    assert con.execute("select count(*) from measures").fetchone()[0] == 17
    con.close()
    (folder / "001_7085b3674d17acd7.txt").unlink()
    out = run_ita("ingest", folder, "--db", db, "--no-progress", "--prune")
    assert "1 pruned" in out.stdout
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("select count(*) from documents").fetchone()[0] == 2
    assert con.execute("select count(*) from measures").fetchone()[0] == 10


def test_usage_errors_exit_2(tmp_path):
    missing = run_ita("ingest", tmp_path / "nope", "--db", tmp_path / "x.duckdb", check=False)
    assert missing.returncode == 2 and "no such file or folder" in missing.stderr
    nodb = run_ita("query", "select 1", "--db", tmp_path / "none.duckdb", check=False)
    assert nodb.returncode == 2 and "ita ingest" in nodb.stderr
    db = tmp_path / "x.duckdb"
    run_ita("ingest", _folder(tmp_path), "--db", db, "--no-progress", "--no-dupes")
    bad = run_ita("query", "select * from no_such_table", "--db", db, check=False)
    assert bad.returncode == 2 and "query failed" in bad.stderr
