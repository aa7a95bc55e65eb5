"""Distributed ingest (issue 14): --engine dask / ray writes a dataset of Parquet shards that
`ita load` turns into the same database as the local engine; a worker killed mid-run costs
no document and duplicates none; re-runs skip what the dataset holds."""
import os
import signal
import threading
import time
from pathlib import Path

import duckdb
import pytest

from pipeline.analyze.minhash import TIMINGS
from pipeline.ingest import ingest
from tests.conftest import CORPUS, SEED_PDF

UNSEEN = Path(__file__).resolve().parent / "fixtures" / "unseen"
# tables compared between the engines, and the columns that differ by when they ran
TABLES = {"documents": ["ingested_at"], "measures": [], "measure_owners": [], "scores": [], "pages": [],
          "paragraphs": [], "files": ["mtime", "first_seen"], "passages": [], "copy_findings": []}


def make_reports(folder: Path) -> Path:
    """Good reports (TXT seeds, two unseen layouts, a PDF) and bad files beside them."""
    folder.mkdir()
    for f in [*sorted(CORPUS.glob("*.txt")), UNSEEN / "u01_abt_banpao.txt", UNSEEN / "u04_tn_lampang.txt",
              SEED_PDF / "001_7085b3674d17acd7.pdf"]:
        (folder / f.name).write_bytes(f.read_bytes())
    (folder / "copy of 000.txt").write_bytes((CORPUS / "000_eec639967c242c08.txt").read_bytes())
    (folder / "empty.pdf").write_bytes(b"")
    (folder / "truncated.pdf").write_bytes((SEED_PDF / "000_eec639967c242c08.pdf").read_bytes()[:3000])
    (folder / "page.pdf").write_text("<!DOCTYPE html><html><body>404 Not Found</body></html>")
    (folder / "notes.txt").write_text("shopping list: eggs, rice, fish sauce\n")
    return folder


@pytest.fixture(scope="module")
def reports(tmp_path_factory):
    return make_reports(tmp_path_factory.mktemp("dist") / "reports")


@pytest.fixture(scope="module")
def local_db(reports):
    db = reports.parent / "local.duckdb"
    ingest([str(reports)], str(db), progress=False, workers=2)
    return db


@pytest.fixture(scope="module")
def marks(tmp_path_factory):
    """The folder of the workers' test hook (pipeline.engines.task, ITA_TEST_BATCH_MARK)."""
    return tmp_path_factory.mktemp("marks")


@pytest.fixture(scope="module")
def dask_scheduler(marks):
    """A running Dask cluster of 2 worker processes, as a user's would be (with the test hook
    in its workers' environment)."""
    from pipeline.engines.dask_engine import local_cluster
    saved = os.environ.get("ITA_TEST_BATCH_MARK")
    os.environ["ITA_TEST_BATCH_MARK"] = str(marks)
    try:
        cluster = local_cluster(2)
    finally:
        if saved is None:
            os.environ.pop("ITA_TEST_BATCH_MARK")
        else:
            os.environ["ITA_TEST_BATCH_MARK"] = saved
    yield cluster.scheduler_address
    cluster.close()
    cluster.forking.__exit__(None, None, None)


def table_diff(db_a: Path, db_b: Path) -> dict:
    """table -> (rows only in a, rows only in b), timestamps left out; empty when equal."""
    con = duckdb.connect()
    con.execute(f"attach '{db_a}' as a (read_only)")
    con.execute(f"attach '{db_b}' as b (read_only)")
    out = {}
    for t, skip in TABLES.items():
        sel = f"select * exclude ({', '.join(skip)})" if skip else "select *"
        only_a = con.execute(f"select count(*) from ({sel} from a.{t} except all {sel} from b.{t})").fetchone()[0]
        only_b = con.execute(f"select count(*) from ({sel} from b.{t} except all {sel} from a.{t})").fetchone()[0]
        if only_a or only_b:
            out[t] = (only_a, only_b)
    con.close()
    return out


def q(sql: str) -> list[tuple]:
    con = duckdb.connect()
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def shard_counts(ds: Path, table: str, key: str) -> tuple[int, int]:
    return q(f"select count(*), count(distinct {key}) from read_parquet('{ds}/{table}/*.parquet')")[0]


def statuses(db: Path) -> set:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return set(con.execute("select source_path, doc_id, status, error from documents").fetchall())
    finally:
        con.close()


@pytest.fixture(scope="module")
def dask_dataset(reports, local_db):
    """The reports ingested by --engine dask on a local cluster of 2 workers that the engine
    starts for the run, through the CLI."""
    from pipeline.cli import main
    ds = reports.parent / "dask-ds"
    code = main(["ingest", str(reports), "--engine", "dask", "--workers", "2", "--out", str(ds), "--no-progress"])
    assert code == 1                                # three bad files failed, as with the local engine
    return ds


def test_dask_dataset_loads_equal_to_local_engine(ita, reports, local_db, dask_dataset, capsys):
    assert shard_counts(dask_dataset, "documents", "doc_id") == (10, 10)   # 11 files, one a duplicate
    db = reports.parent / "from-dask.duckdb"
    TIMINGS.pop("computed_segments", None)
    code, out, err = ita("load", dask_dataset, "--db", db)
    assert code == 0, err
    assert out.splitlines()[0].startswith("10 loaded, 0 unchanged (database holds 10 documents")
    assert table_diff(local_db, db) == {}
    failed = {Path(p).name: e for p, _, s, e in statuses(db) if s == "failed"}
    assert failed.keys() == {"empty.pdf", "truncated.pdf", "page.pdf"}
    assert failed["page.pdf"].startswith("not a PDF (looks like HTML)")
    # the findings used the signatures the tasks computed: none was computed again
    assert TIMINGS["stored_segments"] > 0 and TIMINGS["computed_segments"] == 0


def test_dataset_columns_are_the_database_tables(dask_dataset, local_db):
    con = duckdb.connect(str(local_db), read_only=True)
    for t in ("documents", "measures", "measure_owners", "scores", "pages", "paragraphs", "files"):
        in_db = con.execute(f"select column_name, data_type from information_schema.columns where table_name = '{t}' "
                            "order by ordinal_position").fetchall()
        in_ds = q(f"describe select * from read_parquet('{dask_dataset}/{t}/*.parquet')")
        assert [(c, ty) for c, ty, *_ in in_ds] == in_db, t
    passages = [c for c, *_ in q(f"describe select * from read_parquet('{dask_dataset}/passages/*.parquet')")]
    assert passages[-2:] == ["key_hash", "minhash"]
    # queried in place: the measures of the PDF report, with their provenance
    rows = q(f"""select m.page, m.measure from read_parquet('{dask_dataset}/measures/*.parquet') m
                 join read_parquet('{dask_dataset}/documents/*.parquet') d using (doc_id)
                 where d.source_path like '%001_7085b3674d17acd7.pdf'""")
    assert len(rows) == 7 and all(p is not None and m for p, m in rows)


def test_rerun_skips_the_dataset_and_load_is_idempotent(ita, reports, dask_dataset, dask_scheduler, tmp_path):
    before = sorted(p.relative_to(dask_dataset) for p in dask_dataset.rglob("*.parquet"))
    code, out, _ = ita("ingest", reports, "--engine", "dask", "--scheduler", dask_scheduler, "--out", dask_dataset,
                       "--no-progress")
    assert code == 1                                # the failures are still listed, from the dataset
    assert out.startswith("0 new, 10 unchanged, 3 failed")
    assert sorted(p.relative_to(dask_dataset) for p in dask_dataset.rglob("*.parquet")) == before
    db = tmp_path / "twice.duckdb"
    assert ita("load", dask_dataset, "--db", db)[0] == 0
    code, out, _ = ita("load", dask_dataset, "--db", db)
    assert out.startswith("0 loaded, 10 unchanged (database holds 10 documents")


def test_changed_file_replaces_its_document_in_dataset_and_database(ita, tmp_path):
    reports = tmp_path / "reports"
    reports.mkdir()
    for f in sorted(CORPUS.glob("*.txt")):
        (reports / f.name).write_bytes(f.read_bytes())
    ds, db = tmp_path / "ds", tmp_path / "db.duckdb"
    assert ita("ingest", reports, "--out", ds, "--no-progress")[0] == 0          # local engine, shards
    assert ita("load", ds, "--db", db)[0] == 0
    target = reports / "001_7085b3674d17acd7.txt"
    old_id = {p: d for p, d, _, _ in statuses(db)}[str(target)]
    target.write_bytes(target.read_bytes() + "\nแก้ไขล่าสุด\n".encode())
    code, out, _ = ita("ingest", reports, "--out", ds, "--no-progress")
    assert out.startswith("1 new, 2 unchanged, 0 failed")
    assert shard_counts(ds, "documents", "doc_id") == (3, 3)                   # the old version left its shard
    assert q(f"select count(*) from read_parquet('{ds}/measures/*.parquet') where doc_id = '{old_id}'") == [(0,)]
    code, out, _ = ita("load", ds, "--db", db)
    assert out.startswith("1 loaded, 2 unchanged (database holds 3 documents")
    ids = {p: d for p, d, _, _ in statuses(db)}
    assert ids[str(target)] != old_id
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("select count(*) from measures where doc_id = ?", [old_id]).fetchone()[0] == 0
    assert con.execute("select count(*) from passage_minhash where doc_id = ?", [old_id]).fetchone()[0] == 0


def _kill_first_marked(marks: Path, killed: list, stop: threading.Event) -> None:
    """Kill the first worker that says it started a batch (ITA_TEST_BATCH_MARK), then let
    the others work without waiting."""
    while not stop.is_set() and not killed:
        for f in sorted(marks.iterdir()):
            if f.name != "hold":
                os.kill(int(f.read_text()), signal.SIGKILL)
                killed.append(f)
                (marks / "hold").unlink()
                break
        time.sleep(0.02)


def run_with_a_worker_killed(marks: Path, **run):
    """ingest_dataset(**run) while the first worker to start a batch is killed in it."""
    from pipeline.dataset_ingest import ingest_dataset
    (marks / "hold").touch()
    killed, stop = [], threading.Event()
    killer = threading.Thread(target=_kill_first_marked, args=(marks, killed, stop), daemon=True)
    killer.start()
    try:
        summary = ingest_dataset(progress=False, **run)
    finally:
        stop.set()
        killer.join()
    assert killed, "no worker was killed"
    return summary


def test_dask_worker_killed_mid_run_every_document_once(reports, local_db, dask_scheduler, marks, tmp_path):
    from pipeline.dataset_load import load_dataset
    ds = tmp_path / "killed-ds"
    summary = run_with_a_worker_killed(marks, paths=[str(reports)], out=str(ds), engine="dask",
                                       scheduler=dask_scheduler)
    assert sum(summary.statuses.values()) == 10 and summary.statuses["failed"] == 3
    assert shard_counts(ds, "documents", "doc_id") == (10, 10)
    n, distinct = shard_counts(ds, "measures", "measure_id")
    assert n == distinct > 0
    load_dataset(str(ds), str(tmp_path / "db.duckdb"))
    assert statuses(tmp_path / "db.duckdb") == statuses(local_db)


def test_ray_engine_equal_to_local_with_a_worker_killed(reports, local_db, tmp_path, monkeypatch):
    from pipeline.dataset_load import load_dataset
    marks = tmp_path / "marks"
    marks.mkdir()
    monkeypatch.setenv("ITA_TEST_BATCH_MARK", str(marks))      # Ray's local cluster gets it (runtime_env)
    ds = tmp_path / "ray-ds"
    summary = run_with_a_worker_killed(marks, paths=[str(reports)], out=str(ds), engine="ray", workers=2)
    assert summary.statuses["failed"] == 3
    assert shard_counts(ds, "documents", "doc_id") == (10, 10)
    load_dataset(str(ds), str(tmp_path / "db.duckdb"))
    assert table_diff(local_db, tmp_path / "db.duckdb") == {}
