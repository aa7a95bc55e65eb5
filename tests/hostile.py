"""Helpers for the hostile-input tests: a folder of good reports to put bad things beside,
and the check that every good report came through complete."""
from __future__ import annotations

import shutil
from pathlib import Path

import duckdb

from pipeline.process import process_file
from tests.conftest import CORPUS

SEEDS = sorted(CORPUS.glob("*.txt"))


def good_reports(folder: Path) -> dict[str, int]:
    """Copy the TXT seeds into `folder` (one under a Thai name with spaces); returns
    file name -> measure rows each must give."""
    folder.mkdir(parents=True, exist_ok=True)
    expect = {}
    for i, seed in enumerate(SEEDS):
        name = "รายงาน ผลการดำเนินงาน ๒๕๖๔.txt" if i == 0 else seed.name
        shutil.copyfile(seed, folder / name)
        expect[name] = measures_of(seed)
    return expect


_MEASURES: dict[Path, int] = {}


def measures_of(path: Path) -> int:
    if path not in _MEASURES:
        _MEASURES[path] = len(process_file(str(path)).measures)
    return _MEASURES[path]


def docs(db) -> dict[str, tuple]:
    """file name (as stored) -> (status, error, measure rows, warnings)."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        rows = con.execute("""select d.source_path, d.status, d.error, count(m.measure_id), d.warnings
                              from documents d left join measures m using (doc_id)
                              group by all""").fetchall()
    finally:
        con.close()
    return {Path(p).name: (s, e, n, list(w or [])) for p, s, e, n, w in rows}


def assert_good_complete(db, expect: dict[str, int]) -> None:
    got = docs(db)
    for name, n in expect.items():
        assert name in got, f"{name} missing; stored: {sorted(got)}"
        status, error, measures, _ = got[name]
        assert (status, error, measures) == ("ok", None, n), name
    con = duckdb.connect(str(db), read_only=True)
    try:
        for t in ("measures", "measure_owners", "scores", "pages", "paragraphs", "passages"):
            orphans = con.execute(f"select count(*) from {t} where doc_id not in (select doc_id from documents)")
            assert orphans.fetchone()[0] == 0, t
    finally:
        con.close()
