"""User mistakes end with one line on stderr and exit 2, never a traceback; `ita query` is
read-only and cannot touch files, other databases or extensions (a test per function);
`ita show` picks documents by exact path, doc_id or a unique name."""
import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from tests.conftest import CORPUS, run_ita


def _one_line_exit_2(code, out, err):
    assert code == 2, (out, err)
    assert len(err.strip().splitlines()) == 1 and err.startswith("ita: "), err
    assert "Traceback" not in err


@pytest.mark.parametrize("sql, says", [
    ("select * from read_text('/etc/hostname')", "does not read or write files"),
    ("select * from read_csv('/etc/passwd')", "does not read or write files"),
    ("select * from read_csv_auto('/etc/passwd')", "does not read or write files"),
    ("select * from glob('/root/*')", "does not read or write files"),
    ("select * from read_parquet('/tmp/any.parquet')", "does not read or write files"),
    ("copy documents to '{tmp}/out.csv'", "does not read or write files"),
    ("attach '{tmp}/other.duckdb' as o (read_write)", "attaching other databases"),
    ("install httpfs", "installing or loading extensions"),
    ("load httpfs", "installing or loading extensions"),
    ("set enable_external_access = true", "settings cannot be changed"),
    ("drop table documents", "read-only"),
    ("delete from measures", "read-only"),
    ("", "empty query"),
    ("  ;  ", "empty query"),
    ("select * from no_such_table", "query failed"),
    ("selec 1", "query failed"),
])
def test_query_refuses_with_one_line(seed_txt_db, ita, tmp_path, sql, says):
    code, out, err = ita("query", sql.format(tmp=tmp_path), "--db", seed_txt_db)
    _one_line_exit_2(code, out, err)
    assert says in err
    assert not list(tmp_path.iterdir())                  # nothing written


def test_drop_through_a_hard_link_does_not_work(seed_txt_db, ita, tmp_path):
    db = tmp_path / "copy.duckdb"
    shutil.copy(seed_txt_db, db)
    link = tmp_path / "link.duckdb"
    os.link(db, link)
    code, out, err = ita("query", "drop table measures; drop view measures_by_agency", "--db", link)
    _one_line_exit_2(code, out, err)
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("select count(*) from measures").fetchone()[0] == 17


def test_allow_files_permits_copy_to_and_still_refuses_attach_and_install(seed_txt_db, ita, tmp_path):
    target = tmp_path / "docs.csv"
    code, _, err = ita("query", f"copy (select doc_id from documents) to '{target}'", "--db", seed_txt_db,
                       "--allow-files")
    assert code == 0, err
    assert len(target.read_text().splitlines()) == 4
    for sql in (f"attach '{tmp_path}/o.duckdb'", "install httpfs"):
        _one_line_exit_2(*ita("query", sql, "--db", seed_txt_db, "--allow-files"))
    _one_line_exit_2(*ita("query", "drop table documents", "--db", seed_txt_db, "--allow-files"))


def test_queries_still_work(seed_txt_db, ita):
    code, out, _ = ita("query", "create temp table t as select 1 as x; select x + 1 as y from t", "--db",
                       seed_txt_db, "--format", "csv")
    assert code == 0 and out.splitlines() == ["y", "2"]


def test_db_that_is_a_folder_or_another_kind_of_file(ita, tmp_path, seed_txt_db):
    other = tmp_path / "notes.txt"
    other.write_text("not a database " * 100)
    for cmd in (["query", "select 1"], ["show", "x.txt"], ["export", "--out", tmp_path / "e"], ["dupes"],
                ["ingest", CORPUS / "000_eec639967c242c08.txt"]):
        for db, says in ((tmp_path, "is a folder"), (other, "not a DuckDB database")):
            code, out, err = ita(*cmd, "--db", db)
            _one_line_exit_2(code, out, err)
            assert says in err, (cmd, err)
    assert other.read_text().startswith("not a database")           # never overwritten


def test_empty_file_as_db_is_not_a_database(ita, tmp_path):
    empty = tmp_path / "ita.duckdb"
    empty.touch()
    for cmd in (["query", "select 1"], ["ingest", CORPUS / "000_eec639967c242c08.txt", "--no-progress"]):
        code, out, err = ita(*cmd, "--db", empty)
        _one_line_exit_2(code, out, err)
        assert "empty file" in err


def test_missing_database_and_missing_folder(ita, tmp_path):
    code, out, err = ita("query", "select 1", "--db", tmp_path / "none.duckdb")
    _one_line_exit_2(code, out, err)
    assert "ita ingest" in err
    code, out, err = ita("ingest", tmp_path / "nope", "--db", tmp_path / "x.duckdb")
    _one_line_exit_2(code, out, err)
    assert "no such file or folder" in err


def test_empty_folder_says_what_it_looked_for(ita, tmp_path):
    (tmp_path / "empty").mkdir()
    (tmp_path / "empty" / "readme.md").write_text("not a report")
    code, out, err = ita("ingest", tmp_path / "empty", "--db", tmp_path / "x.duckdb")
    _one_line_exit_2(code, out, err)
    assert "no .pdf/.txt/.docx files under" in err
    assert not (tmp_path / "x.duckdb").exists()


def test_report_out_a_folder(seed_txt_db, ita, tmp_path):
    db = tmp_path / "r.duckdb"
    shutil.copy(seed_txt_db, db)
    code, out, err = ita("report", "--db", db, "--out", tmp_path)
    _one_line_exit_2(code, out, err)
    assert "is a folder" in err
    _one_line_exit_2(*ita("report", "--db", db, "--out", tmp_path / "no" / "such" / "a.html"))


def test_export_out_a_file(seed_txt_db, ita, tmp_path):
    f = tmp_path / "f"
    f.write_text("x")
    code, out, err = ita("export", "--db", seed_txt_db, "--out", f)
    _one_line_exit_2(code, out, err)
    assert "is a file" in err


@pytest.mark.parametrize("argv", [["query"], ["query", "select 1", "--format", "xml"], ["frobnicate"], [],
                                  ["export", "--db", "x.duckdb"], ["ingest"]])
def test_bad_arguments_are_one_line(ita, argv):
    code, out, err = ita(*argv)
    _one_line_exit_2(code, out, err)
    assert "--help" in err


def test_closed_pipe_is_one_line_exit_2(seed_txt_db):
    """`ita query … | head -1`: the reader leaves after one line."""
    exe = Path(sys.executable).with_name("ita")
    sql = "select m.* from measures m, range(300)"
    proc = subprocess.Popen([str(exe), "query", sql, "--db", str(seed_txt_db), "--wide"], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)
    proc.stdout.readline()
    proc.stdout.close()                               # as `head -1` does
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=60) == 2
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1 and "output closed" in err


def test_version_and_db_default_from_environment(seed_txt_db, ita, monkeypatch, capsys):
    with pytest.raises(SystemExit) as e:
        from pipeline.cli import main
        main(["--version"])
    assert e.value.code == 0 and capsys.readouterr().out.startswith("ita 0.")
    monkeypatch.setenv("ITA_DB", str(seed_txt_db))
    code, out, _ = ita("query", "select count(*) as n from documents", "--format", "csv")
    assert code == 0 and out.splitlines() == ["n", "3"]
    with pytest.raises(SystemExit):
        main(["query", "--help"])
    assert "default: $ITA_DB if set, else data/ita.duckdb" in " ".join(capsys.readouterr().out.split())


# ------------------------------------------------------------------------ ita show
@pytest.fixture(scope="module")
def two_folders(tmp_path_factory):
    """The same file name in two folders (different content), and names with % and _."""
    root = tmp_path_factory.mktemp("show")
    seeds = sorted(CORPUS.glob("*.txt"))
    for folder, seed in (("a", seeds[0]), ("b", seeds[1])):
        (root / folder).mkdir()
        shutil.copy(seed, root / folder / "report.txt")
    shutil.copy(seeds[2], root / "a" / "100%_done.txt")
    db = root / "s.duckdb"
    run_ita("ingest", root / "a", root / "b", "--db", db, "--no-progress", "--no-dupes")
    return root, db


def test_show_exact_path_wins(two_folders, ita):
    root, db = two_folders
    for folder, agency in (("a", "โชคเหนือ"), ("b", "ปากเกร็ด")):
        code, out, _ = ita("show", root / folder / "report.txt", "--db", db)
        assert code == 0 and out.splitlines()[0] == str(root / folder / "report.txt") and agency in out


def test_show_ambiguous_name_lists_candidates(two_folders, ita):
    root, db = two_folders
    code, out, err = ita("show", "report.txt", "--db", db)
    _one_line_exit_2(code, out, err)
    assert "2 documents match" in err and str(root / "a" / "report.txt") in err and str(root / "b" / "report.txt") in err
    code, out, _ = ita("show", "b/report.txt", "--db", db)          # a path ending that is unique
    assert code == 0 and "ปากเกร็ด" in out


def test_show_takes_no_wildcards(two_folders, ita):
    root, db = two_folders
    for pattern in ("%.txt", "_eport.txt", "100%", "%"):
        _one_line_exit_2(*ita("show", pattern, "--db", db))
    code, out, _ = ita("show", "100%_done.txt", "--db", db)       # the literal name works
    assert code == 0 and "เมืองคง" in out


def test_show_by_doc_id(two_folders, ita):
    _, db = two_folders
    doc_id = duckdb.connect(str(db), read_only=True).execute(
        "select doc_id from documents where source_path like '%/b/report.txt'").fetchone()[0]
    code, out, _ = ita("show", doc_id, "--db", db)
    assert code == 0 and f"doc_id {doc_id}" in out
