import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"                                  # distinct real reports
SEED_PDF = Path(__file__).resolve().parent / "fixtures" / "seed_pdf"   # the TXT seeds rendered to PDF
GOLD = Path(__file__).resolve().parent / "gold"

os.environ.setdefault("PYTHAINLP_OFFLINE", "1")
os.environ.setdefault("PYTHAINLP_DATA", str(ROOT / ".pythainlp-data"))


def run_ita(*args, check=True, **kw):
    """Run the `ita` console script as a user would; returns the CompletedProcess."""
    exe = Path(sys.executable).with_name("ita")
    proc = subprocess.run([str(exe), *map(str, args)], capture_output=True, text=True, **kw)
    if check and proc.returncode not in (0,):
        raise AssertionError(f"ita {' '.join(map(str, args))} exited {proc.returncode}\n{proc.stdout}\n{proc.stderr}")
    return proc


def score_db(db, gold_dir=GOLD, docs=None):
    """The shared scorer's last line as a dict: score, rows F1, fields, docmeta, scores."""
    cmd = [sys.executable, str(Path(__file__).with_name("score_gold.py")), "--db", str(db), "--gold", str(gold_dir)]
    if docs:
        cmd += ["--docs", *docs]
    out = subprocess.run(cmd, capture_output=True, text=True)
    last = out.stdout.strip().splitlines()[-1]
    parts = last.split()
    assert parts[0] == "score", out.stdout + out.stderr
    return {"score": float(parts[1]), "rows_f1": float(parts[4]), "fields": float(parts[6]),
            "docmeta": float(parts[8]), "scores": float(parts[10]), "output": out.stdout}


def ingest_copies(tmp_path_factory, name: str, files, *args) -> Path:
    """Copies of ``files`` in a new temporary folder, ingested through the CLI -> the database."""
    folder = tmp_path_factory.mktemp(name)
    for f in files:
        (folder / f.name).write_bytes(f.read_bytes())
    db = folder / f"{name}.duckdb"
    run_ita("ingest", folder, "--db", db, "--no-progress", *args)
    return db


@pytest.fixture(scope="session")
def seed_txt_db(tmp_path_factory):
    """The TXT seeds of corpus/ ingested once through the CLI."""
    return ingest_copies(tmp_path_factory, "seeds", CORPUS.glob("*.txt"))


@pytest.fixture
def ita(capsys):
    """Run `ita` in-process (fast): returns (exit code, stdout, stderr)."""
    from pipeline.cli import main

    def run(*args):
        code = main([str(a) for a in args])
        out = capsys.readouterr()
        return code, out.out, out.err
    return run
