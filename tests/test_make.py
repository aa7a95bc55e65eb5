"""`make ingest` as a new user runs it: any path (quotes, spaces, Thai) through make, success
when the run finished although some documents failed (the summary lists them), failure on
usage errors. Runs make in this checkout (its .venv is already installed)."""
import shutil
import subprocess

import duckdb
import pytest

from tests.conftest import CORPUS, ROOT

pytestmark = pytest.mark.slow


def _make(**variables):
    args = ["make", "--no-print-directory", "-C", str(ROOT), "ingest"]
    args += [f"{k}={v}" for k, v in variables.items()]
    return subprocess.run(args, capture_output=True, text=True, timeout=600)


def _summary(proc) -> str:
    return next((ln for ln in proc.stdout.splitlines() if " new, " in ln and " unchanged, " in ln), "")


def test_make_ingest_with_quotes_and_spaces_and_a_failed_file(tmp_path):
    folder = tmp_path / "it's a \"ITA\" folder รายงาน"
    folder.mkdir()
    shutil.copy(CORPUS / "003_348cd1245a6f7d44.txt", folder / "รายงาน ๒๕๖๔.txt")
    (folder / "แนบ.xlsx").write_bytes(b"PK\x03\x04 broken")
    db = tmp_path / "db 'x'" / "ita.duckdb"
    proc = _make(REPORTS=str(folder), DB=str(db), ARGS="--no-progress --no-dupes")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    # (make may first bring .venv up to date: the summary is the first line ita prints)
    assert _summary(proc).startswith("2 new, 0 unchanged, 1 failed (database holds 2 documents, 7 measures)")
    assert "FAILED" in proc.stdout and "แนบ.xlsx': unsupported file type (.xlsx)" in proc.stdout
    assert "Error" not in proc.stderr
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("select count(*) from measures").fetchone()[0] == 7
    con.close()
    again = _make(REPORTS=str(folder), DB=str(db), ARGS="--no-progress --no-dupes")
    assert again.returncode == 0
    assert _summary(again).startswith("0 new, 2 unchanged, 1 failed (database holds 2 documents, 7 measures)")


def test_make_ingest_fails_on_usage_errors(tmp_path):
    proc = _make(REPORTS=str(tmp_path / "missing"), DB=str(tmp_path / "x.duckdb"), ARGS="--no-progress")
    assert proc.returncode != 0 and "ita: no such file or folder" in proc.stderr
    (tmp_path / "empty").mkdir()
    proc = _make(REPORTS=str(tmp_path / "empty"), DB=str(tmp_path / "x.duckdb"))
    assert proc.returncode != 0 and "no .pdf/.txt/.docx files under" in proc.stderr
