"""The README's examples run: every `.venv/bin/ita …` command in its sh blocks is executed
against the seeds of corpus/ (data/ita.duckdb replaced by a temporary database)."""
import re
import shlex

import pytest

from tests.conftest import ROOT, run_ita


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
    if args[0] == "report":
        args = [str(tmp_path / "audit.html") if a == "audit.html" else a for a in args]
    out = run_ita(*args, cwd=ROOT)               # exits 0, or run_ita raises
    assert out.stdout.strip()
    if "status in ('failed','needs_ocr')" not in " ".join(args):   # the seeds all read fine
        assert "(no rows)" not in out.stdout, out.stdout
