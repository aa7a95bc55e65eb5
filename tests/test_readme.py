"""The README's examples run: every `.venv/bin/ita …` command in its sh blocks is executed
against the seeds of corpus/ (data/ita.duckdb replaced by a temporary database, output files
by temporary ones); its first queries give counts that match `ita show` for each document of
corpus/; its command reference is `ita --help`; its Python example runs."""
import json
import re
import shlex
import subprocess
import sys
from collections import Counter

import pytest

from tests.conftest import CORPUS, ROOT, run_ita


def readme_commands():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    commands = []
    for block in re.findall(r"```sh\n(.*?)```", text, flags=re.S):
        tokens = shlex.split(block.replace("\\\n", " "), comments=True)
        current = None
        for tok in tokens:
            if tok.endswith("bin/ita"):
                current = []
                commands.append(current)
            elif tok in (">", "|", "make"):
                current = None            # redirections and make targets are not run here
                if commands and tok != "make":
                    commands.pop()
            elif current is not None:
                current.append(tok)
    return commands


COMMANDS = readme_commands()


def test_readme_has_examples():
    kinds = {c[0] for c in COMMANDS}
    assert {"query", "show", "dupes", "report"} <= kinds and len(COMMANDS) >= 6


@pytest.mark.parametrize("args", COMMANDS, ids=[" ".join(c)[:60] for c in COMMANDS])
def test_readme_command_runs(args, seed_txt_db, tmp_path):
    args = [str(seed_txt_db) if a == "data/ita.duckdb" else a for a in args]
    args = [str(tmp_path / a) if i and args[i - 1] == "--out" else a for i, a in enumerate(args)]
    # the README's database holds corpus/; the test's holds copies of its TXT seeds
    args = [str(seed_txt_db.parent / a.split("/", 1)[1]) if a.startswith("corpus/") else a for a in args]
    out = run_ita(*args, cwd=ROOT)               # exits 0, or run_ita raises
    assert out.stdout.strip()
    if "status in ('failed','needs_ocr')" not in " ".join(args):   # the seeds all read fine
        assert "(no rows)" not in out.stdout, out.stdout


def test_command_reference_is_the_help_text():
    sys.path.insert(0, str(ROOT / "scripts"))
    from cli_reference import readme_with_reference
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    assert readme_with_reference(text) == text, "README command reference is stale: run `make readme`"


def test_python_api_example_runs(tmp_path):
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    (example,) = re.findall(r"```python\n(.*?)```", text, flags=re.S)
    example = example.replace('"data/example.duckdb"', repr(str(tmp_path / "example.duckdb")))
    proc = subprocess.run([sys.executable, "-c", example], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[0] == "เทศบาลตำบลเมืองคง 2564 7"
    assert lines[-1] == "7" and "1 new, 0 unchanged, 0 failed (database holds 1 documents, 7 measures)" in lines


@pytest.fixture(scope="module")
def corpus_db(tmp_path_factory):
    """corpus/ as `make ingest` loads it (without OCR and copy detection, to be quick:
    neither changes the measure counts)."""
    db = tmp_path_factory.mktemp("corpus") / "ita.duckdb"
    run_ita("ingest", CORPUS, "--db", db, "--no-progress", "--no-ocr", "--no-dupes", check=False)
    return db


def _show_counts(db, ita):
    """measures per document as `ita show` prints them, with the document's agency and year."""
    import duckdb
    con = duckdb.connect(str(db), read_only=True)
    docs = con.execute("select source_path, agency, fiscal_year from documents").fetchall()
    con.close()
    out = {}
    for path, agency, year in docs:
        code, shown, err = ita("show", path, "--db", db)
        assert code == 0, err
        out[path] = (agency, year, int(re.search(r"^measures \((\d+)\):", shown, flags=re.M).group(1)))
    return out


@pytest.mark.slow
def test_readme_first_queries_match_show_per_document(corpus_db, ita):
    shown = _show_counts(corpus_db, ita)
    assert len(shown) == len([p for p in CORPUS.iterdir() if p.suffix in (".pdf", ".txt")])
    per_agency = Counter()
    for agency, year, n in shown.values():
        if n:
            per_agency[(agency or None, year)] += n
    first = next(c for c in COMMANDS if c[0] == "query" and "measures_by_agency group by all" in " ".join(c))
    args = [str(corpus_db) if a == "data/ita.duckdb" else a for a in first] + ["--format", "json"]
    rows = json.loads(ita(*args)[1])
    assert {(r["agency"], r["fiscal_year"]): r["measures"] for r in rows} == dict(per_agency)
    assert sum(r["measures"] for r in rows) == sum(n for *_, n in shown.values())
    # no report is counted twice (corpus/ holds each report once)
    owners = next(c for c in COMMANDS if c[0] == "query" and "measure_owners" in " ".join(c))
    args = [str(corpus_db) if a == "data/ita.duckdb" else a for a in owners] + ["--format", "json"]
    units = json.loads(ita(*args)[1])
    assert units and all(u["n"] <= sum(n for *_, n in shown.values()) for u in units)
