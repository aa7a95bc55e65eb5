"""Datasets of Parquet shards without a cluster: signatures computed in the tasks, shard
housekeeping, batching, the CLI's answers to mistakes, progress."""
import shutil
from pathlib import Path

import duckdb
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline import dataset, load
from pipeline.analyze import compute
from pipeline.analyze.minhash import TIMINGS, minhash_signatures, serial_signatures
from pipeline.analyze.signatures import document_signatures
from pipeline.engines import batches
from pipeline.process import process_file
from pipeline.records import SourceFile
from tests.conftest import CORPUS


def test_serial_signatures_equal_rensa_parallel_path():
    rng = np.random.default_rng(7)
    lens = rng.integers(0, 60, size=700)                   # 700 rows: rensa's thread pool path
    offsets = np.concatenate([[0], np.cumsum(lens)]).astype(np.int64)
    flat = rng.integers(0, 2**63, size=int(offsets[-1]), dtype=np.uint64)
    assert np.array_equal(serial_signatures(flat, offsets), minhash_signatures(flat, offsets))


def _rows(con, doc_id: str) -> dict:
    return {t: con.execute(f"select {', '.join(load.COLUMNS[t])} from {t} where doc_id = ?", [doc_id]).fetchall()
            for t in ("documents", "measures", "paragraphs")}


def _findings(con) -> list:
    return sorted(map(repr, con.execute("select * from copy_findings").fetchall()))


def test_stored_signatures_make_findings_faster_never_different(seed_txt_db, tmp_path):
    db = tmp_path / "seeds.duckdb"
    shutil.copy(seed_txt_db, db)
    con = load.connect(str(db))
    compute.recompute(con, None)
    before = _findings(con)
    assert before
    for (doc_id,) in con.execute("select doc_id from documents").fetchall():
        _, minhash = document_signatures(_rows(con, doc_id), load.COLUMNS)
        con.executemany("insert into passage_minhash values (?, ?, ?, ?)", minhash)
    compute.recompute(con, None)
    assert TIMINGS["stored_segments"] > 0 and TIMINGS["computed_segments"] == 0
    assert _findings(con) == before
    # a stored row whose text no longer matches (or is cut short) is computed again
    con.execute("update passage_minhash set key_hash = key_hash + 1 where passage_id = "
                "(select min(passage_id) from passage_minhash)")
    con.execute("update passage_minhash set minhash = minhash[1:8] where passage_id = "
                "(select max(passage_id) from passage_minhash)")
    compute.recompute(con, None)
    assert TIMINGS["computed_segments"] >= 2
    assert _findings(con) == before
    con.close()


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(0, 10_000), max_size=60), st.integers(1, 8), st.integers(1, 20_000))
def test_batches_keep_every_document_once_in_order(sizes, max_docs, max_bytes):
    docs = [(i, SourceFile(f"/r/{i}.txt", f"{i:064x}", n)) for i, n in enumerate(sizes)]
    got = list(batches(docs, max_docs, max_bytes))
    assert [k for b in got for k, _ in b] == list(range(len(sizes)))
    for b in got:
        assert 1 <= len(b) <= max_docs
        assert len(b) == 1 or sum(s.size for _, s in b) <= max_bytes


def _doc_rows(path: Path):
    from pipeline.ingest import source_file
    src = source_file(path)
    return load.document_rows(src, process_file(str(path)))


def test_tidy_keeps_the_newest_batch_and_drops_unfinished_ones(tmp_path):
    report = tmp_path / "r.txt"
    report.write_bytes((CORPUS / "003_348cd1245a6f7d44.txt").read_bytes())
    ds = tmp_path / "ds"
    writer = dataset.ShardWriter(ds)
    old = writer.write([_doc_rows(report)], [], [])
    new = writer.write([_doc_rows(report)], [], [])       # the same document redone
    writer.close()
    (ds / "scores" / "part-29990101T000000000000-000001.parquet").write_bytes(
        (ds / "scores" / f"part-{new}.parquet").read_bytes())      # a batch without documents: unfinished
    assert dataset.tidy(ds) == 1
    assert [dataset.batch_of(p) for p in dataset.shards(ds, "documents")] == [new]
    assert [dataset.batch_of(p) for p in dataset.shards(ds, "scores")] == [new]
    assert [dataset.batch_of(p) for p in dataset.shards(ds, "measures")] == [new]
    assert old != new


@pytest.fixture
def txt_reports(tmp_path):
    folder = tmp_path / "reports"
    folder.mkdir()
    for f in sorted(CORPUS.glob("*.txt")):
        (folder / f.name).write_bytes(f.read_bytes())
    return folder


@pytest.mark.parametrize("args, says", [
    (["--engine", "dask"], "--engine dask writes a dataset of Parquet shards: give --out DATASET/"),
    (["--out", "{tmp}/ds", "--db", "{tmp}/x.duckdb"], "give --out DATASET or --db FILE, not both"),
    (["--out", "{tmp}/ds", "--scheduler", "tcp://127.0.0.1:8786"], "--scheduler needs --engine dask or ray"),
    (["--out", "{tmp}/reports/000_eec639967c242c08.txt"], "is a file: give a folder for the dataset"),
    (["--out", "{tmp}/reports"], "holds other files, not a dataset"),
    (["--out", "{tmp}/ds", "--workers", "0"], "--workers must be at least 1"),
])
def test_dataset_usage_errors_are_one_line(ita, txt_reports, args, says):
    tmp = txt_reports.parent
    code, out, err = ita("ingest", txt_reports, *[a.format(tmp=tmp) for a in args])
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and says in err


def test_load_needs_a_dataset(ita, tmp_path):
    code, _, err = ita("load", tmp_path / "missing", "--db", tmp_path / "x.duckdb")
    assert code == 2 and "no such folder" in err
    code, _, err = ita("load", tmp_path, "--db", tmp_path / "x.duckdb")
    assert code == 2 and "is not a dataset" in err and "ita ingest REPORTS --out" in err


def test_a_dataset_has_one_writer(ita, txt_reports, tmp_path):
    ds = tmp_path / "ds"
    with dataset.lock(ds):
        code, _, err = ita("ingest", txt_reports, "--out", ds)
    assert code == 2 and "is being written by another ingest" in err
    assert ita("ingest", txt_reports, "--out", ds, "--no-progress")[0] == 0


def test_unreachable_scheduler_is_a_usage_error(ita, txt_reports, tmp_path, monkeypatch):
    from pipeline.engines import dask_engine
    monkeypatch.setattr(dask_engine, "CONNECT_SECONDS", 1)
    code, _, err = ita("ingest", txt_reports, "--engine", "dask", "--scheduler", "tcp://127.0.0.1:9",
                       "--out", tmp_path / "ds")
    assert code == 2 and "cannot reach the Dask scheduler at tcp://127.0.0.1:9" in err
    assert "dask scheduler" in err                          # and says how to start one


def test_progress_shows_documents_failed_and_rate(ita, txt_reports, tmp_path):
    (txt_reports / "broken.pdf").write_bytes(b"%PDF-1.4\n")
    code, out, err = ita("ingest", txt_reports, "--out", tmp_path / "ds", "--progress")
    assert code == 1
    last = err.replace("\r", "\n").strip().splitlines()[-1]
    assert "ingest" in last and "4/4" in last and "failed=1" in last and "doc/s" in last
    assert "dataset" in out and "holds 4 documents" in out
    con = duckdb.connect()
    assert con.execute(f"select count(*) from read_parquet('{tmp_path}/ds/documents/*.parquet')").fetchone()[0] == 4


def test_prune_drops_documents_whose_files_are_gone(ita, txt_reports, tmp_path):
    import hashlib
    ds = tmp_path / "ds"
    assert ita("ingest", txt_reports, "--out", ds, "--no-progress")[0] == 0
    gone = txt_reports / "001_7085b3674d17acd7.txt"
    doc_id = hashlib.sha256(gone.read_bytes()).hexdigest()[:16]
    gone.unlink()
    code, out, _ = ita("ingest", txt_reports, "--out", ds, "--no-progress")
    assert out.startswith("0 new, 2 unchanged") and "holds 3 documents" in out      # kept without --prune
    code, out, _ = ita("ingest", txt_reports, "--out", ds, "--no-progress", "--prune")
    assert code == 0 and "1 pruned" in out and "holds 2 documents" in out
    con = duckdb.connect()
    paths = {Path(p).name for (p,) in con.execute(
        f"select source_path from read_parquet('{ds}/documents/*.parquet')").fetchall()}
    assert paths == {"000_eec639967c242c08.txt", "003_348cd1245a6f7d44.txt"}
    assert con.execute(f"select count(*) from read_parquet('{ds}/measures/*.parquet') where doc_id = ?",
                       [doc_id]).fetchall() == [(0,)]


def test_spooled_documents_reach_the_dataset_whole(txt_reports, tmp_path, monkeypatch):
    """A large document's rows, spooled to files by the worker (pipeline.spool), come back
    into the task's answer (the driver may be another machine) and load as the local
    engine stores them."""
    from pipeline import spool
    from pipeline.dataset_ingest import ingest_dataset
    from pipeline.dataset_load import load_dataset
    from pipeline.ingest import ingest
    from tests.test_dist import table_diff
    monkeypatch.setattr(spool, "SPOOL_ROWS", 5)           # every seed report is "large" (forked workers inherit it)
    ingest([str(txt_reports)], str(tmp_path / "local.duckdb"), progress=False, workers=2)
    summary = ingest_dataset([str(txt_reports)], str(tmp_path / "ds"), progress=False, workers=2)
    assert summary.measures > 0 and not summary.failed
    load_dataset(str(tmp_path / "ds"), str(tmp_path / "loaded.duckdb"))
    assert table_diff(tmp_path / "local.duckdb", tmp_path / "loaded.duckdb") == {}
