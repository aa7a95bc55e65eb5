"""Ingest folders (or files) of reports into DuckDB.

1. discover the report files (pipeline.files: links followed, loops skipped, any file name)
   and hash them; a file whose path and sha256 are already in the database is skipped
   ("unchanged"), a file with the same bytes as another file that is also present is
   skipped as a duplicate (doc_id is derived from the bytes); a file that failed by time or
   memory limit is skipped too, unless --retry-failed or the limit was raised;
2. extract and segment the rest in worker processes (pipeline.workers: parallel, with a time
   and a memory limit per document), largest files first;
3. the parent alone writes to DuckDB as results arrive, in short batches (one transaction
   per up to 64 documents or 1 s; load.write_documents replaces the old rows of the same
   document or path), so an interrupted ingest keeps every document committed so far, loses
   at most the last second of work, and the next run continues; a large document's rows
   come through files (pipeline.spool), so the parent's memory stays bounded;
4. recompute the copy-paste findings for the documents written (including those of an
   earlier run that was interrupted before it got there).

Every input file ends with a documents row: ok | empty | needs_ocr | failed (with an error a
person can act on, and no measure rows).

Test-only hook: ITA_TEST_SLOW_GLOB=<glob> makes the worker sleep for an hour on documents
whose file name matches, to exercise the time limit. Never set it in normal use.
"""
from __future__ import annotations

import fnmatch
import os
import re
import sys
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Iterable, Optional

from pipeline import load, spool
from pipeline.analyze.files import record_files
from pipeline.files import discover, source_file, unreadable
from pipeline.paths import display_path, os_path
from pipeline.process import process_file
from pipeline.records import ExtractionError, SourceFile
from pipeline.summary import Summary
from pipeline.tmp import run_dir, temp_files_in
from pipeline.workers import DEFAULT_MEMORY_MB, DEFAULT_TIMEOUT, MIN_MEMORY_MB, Pool, TaskFailed

# results are written in batches: one transaction per FLUSH_DOCS documents or FLUSH_SECONDS,
# whichever comes first (an interrupted run loses at most that, and redoes it next time)
FLUSH_DOCS = 64
FLUSH_SECONDS = 1.0

# failures worth another try on the next run (a bug fixed, a file made readable); every
# other document with the same path and bytes is skipped
RETRY_PREFIXES = ("internal error", "worker ", "cannot read file")
# failures by a limit: retried only with --retry-failed, or when this run's limit is higher
# than the one the document failed under (the number in the error)
LIMIT_ERRORS = {"timeout": re.compile(r"timed out after ([0-9.]+) s"),
                "memory_mb": re.compile(r"over memory limit \(([0-9]+) MB")}
# DuckDB's own buffers in the writing process (it spills beyond); the rest of the parent is
# Python, the libraries and one batch of small documents
WRITER_MEMORY = "512MB"


@dataclass
class _Done:
    """A worker's result: the document's rows, ready to insert, and what the summary needs."""
    rows: load.DocumentRows
    measures: int = 0
    scores: int = 0
    warnings: int = 0
    note: Optional[str] = None                  # why a document needs OCR


def _ocr_seconds(arg: tuple[SourceFile, bool]) -> float:
    """The time limit grows with the pages a document will OCR (a scan is slow, not stuck)."""
    from extractors.ocr_page import extra_seconds
    return extra_seconds(arg[0].path)


def _task(arg: tuple[SourceFile, bool]):
    """Runs in a worker: one file -> _Done, or TaskFailed for unreadable files. A large
    document's rows are written to files in the run directory (pipeline.spool)."""
    src, ocr = arg
    slow = os.environ.get("ITA_TEST_SLOW_GLOB")
    if slow and fnmatch.fnmatch(Path(src.path).name, slow):     # test-only, see module doc
        time.sleep(3600)
    try:
        seg = process_file(src.path, ocr=ocr)
    except ExtractionError as e:
        return TaskFailed(str(e))
    note = (seg.extracted.error or "scanned pages without a text layer") if seg.status == "needs_ocr" else None
    counts = len(seg.measures), len(seg.scores), len(seg.warnings)
    rows = load.document_rows(src, seg)
    del seg
    if rows.row_count() > spool.SPOOL_ROWS:
        tables = {t: r for t, r in rows.rows.items() if t != "documents"}
        rows.rows = {"documents": rows.rows["documents"]}
        rows.spooled = spool.write(tables, load.COLUMNS, run_dir(), f"{os.getpid()}-{src.doc_id}")
        del tables
    return _Done(rows, *counts, note)


_WARM_TEXT = ("มาตรการส่งเสริมคุณธรรมและความโปร่งใส ประจำปีงบประมาณ พ.ศ. ๒๕๖๕\n\n"
              "องค์การบริหารส่วนตำบลบ้านใหม่ อำเภอเมือง จังหวัดขอนแก่น ได้รับคะแนน ๘๕.๕๐ คะแนน\n\n"
              "มาตรการ\tวิธีการดำเนินการ\tผู้รับผิดชอบ\tระยะเวลาดำเนินการ\tผลการดำเนินการ\n"
              "เผยแพร่ข้อมูล\tประชาสัมพันธ์\tสำนักปลัด\tตุลาคม ๒๕๖๔ - กันยายน ๒๕๖๕\tดำเนินการแล้ว\n")


def warm_up() -> None:
    """Load what the pipeline loads lazily (word dictionaries, vocabularies) in the parent,
    so that forked workers start warm and share those pages."""
    p = run_dir() / "warm.txt"
    p.write_text(_WARM_TEXT, encoding="utf-8")
    try:
        process_file(str(p), ocr=False)
    except Exception:  # noqa: BLE001 - warming is best effort
        pass
    finally:
        p.unlink(missing_ok=True)
    try:
        import extractors.pdf  # noqa: F401 - pdf libraries imported once, before forking
    except Exception:  # noqa: BLE001
        pass


def limit_failure(error: Optional[str]) -> Optional[tuple[str, float]]:
    """('timeout' | 'memory_mb', the limit it failed under) for a failure by a limit."""
    for name, pattern in LIMIT_ERRORS.items():
        m = pattern.match(error or "")
        if m:
            return name, float(m.group(1))
    return None


def _retry(status: Optional[str], error: Optional[str], warnings, ocr: bool, limits: dict,
           retry_failed: bool) -> bool:
    """Whether an unchanged file that is already in the database deserves another try: a
    failure that may not recur (a bug since fixed), a failure by a limit this run raised
    (or any failure with --retry-failed), or a scan left unread by an earlier run with
    --no-ocr when this run has OCR on."""
    if status == "failed":
        if retry_failed or (error or "").startswith(RETRY_PREFIXES):
            return True
        hit = limit_failure(error)
        return hit is not None and (not limits[hit[0]] or limits[hit[0]] > hit[1])
    return status == "needs_ocr" and ocr and any("OCR disabled" in w for w in (warnings or ()))


def _runs_table(con) -> None:
    con.execute("create table if not exists ingest_runs (started_at TIMESTAMP, finished_at TIMESTAMP, "
                "findings_done BOOLEAN)")


def _stale_findings_docs(con) -> list[str]:
    """Documents written by earlier runs that stopped before recomputing findings."""
    since = con.execute("select min(started_at) from ingest_runs where not coalesce(findings_done, false)").fetchone()[0]
    if since is None:
        return []
    return [r[0] for r in con.execute("select doc_id from documents where ingested_at >= ?", [since]).fetchall()]


def check_limits(workers: Optional[int], timeout: Optional[float], memory_mb: Optional[int]
                 ) -> tuple[int, float, int]:
    """The run's (workers, timeout, memory_mb) with defaults; ValueError for bad ones."""
    workers = (os.cpu_count() or 1) if workers is None else workers
    if workers < 1:
        raise ValueError("--workers must be at least 1")
    timeout = DEFAULT_TIMEOUT if timeout is None else timeout
    if timeout < 0:
        raise ValueError("--timeout must be 0 (no limit) or more seconds")
    memory_mb = DEFAULT_MEMORY_MB if memory_mb is None else memory_mb
    if memory_mb and memory_mb < MIN_MEMORY_MB:
        raise ValueError(f"--memory-mb must be 0 (no limit) or at least {MIN_MEMORY_MB}")
    return workers, timeout, memory_mb


def ingest(paths: Iterable[str], db: str, *, prune: bool = False, progress: bool = True,
           dupes: bool = True, ocr: bool = True, workers: Optional[int] = None,
           timeout: Optional[float] = None, memory_mb: Optional[int] = None,
           retry_failed: bool = False) -> Summary:
    """Raises FileNotFoundError for a missing input, ValueError for bad limits,
    load.DatabaseBusy when another process holds the database, KeyboardInterrupt on Ctrl-C
    (after stopping the workers; everything written so far is kept)."""
    started = time.time()
    summary = Summary(ocr=ocr)
    workers, timeout, memory_mb = check_limits(workers, timeout, memory_mb)
    found = discover(paths)
    summary.notes += found.notes
    with temp_files_in(run_dir()):              # made (and old runs swept) before forking workers
        _ingest(found, db, summary, prune=prune, progress=progress, dupes=dupes, ocr=ocr, workers=workers,
                timeout=timeout, memory_mb=memory_mb, retry_failed=retry_failed)
    summary.seconds = time.time() - started
    return summary


def _plan(con, found, summary: Summary, *, ocr: bool, limits: dict, retry_failed: bool, prune: bool):
    """Which files to read: (to read, unreadable with their error, stored paths now gone:
    looked for only with ``prune``, a stat per stored path).
    Unchanged files, duplicates and failures not worth retrying go into the summary; every
    readable file goes into the files table."""
    known = load.known_files(con)               # keyed by the stored (display) path
    by_doc = {d: (p, b) for d, p, b in con.execute(
        "select doc_id, source_path, source_path_bytes from documents").fetchall()}
    errors = {p: (e, w) for p, e, w in con.execute(
        "select source_path, error, warnings from documents where status in ('failed', 'needs_ocr')").fetchall()}
    present = {display_path(f) for f in found.files}
    todo: list[SourceFile] = []
    unread: list[tuple[SourceFile, str]] = []
    claimed: dict[str, str] = {}               # doc_id -> path that will hold it (OS path)
    hashed: list[SourceFile] = []               # every readable file, for the files table
    for path in found.files:
        try:
            src = source_file(path)
        except OSError as e:
            unread.append((unreadable(path), f"cannot read file: {e.strerror or e}"))
            continue
        hashed.append(src)
        key = display_path(src.path)
        sha, status, _ = known.get(key, (None, None, None))
        error, warnings = errors.get(key, (None, None))
        if sha == src.sha256 and not _retry(status, error, warnings, ocr, limits, retry_failed):
            summary.unchanged += 1
            if status == "failed":
                summary.failed_before.append((src.path, error or "failed"))
                summary.skipped_limits += limit_failure(error) is not None
            elif status == "needs_ocr":
                summary.needs_ocr.append((src.path, (error or "scanned pages without a "
                                                     "text layer") + " (unchanged since an earlier run)"))
            claimed.setdefault(src.doc_id, src.path)
            continue
        other = claimed.get(src.doc_id)
        if other is None and src.doc_id in by_doc:
            held, raw = by_doc[src.doc_id]
            if held != key and (held in present or os.path.exists(os_path(held, raw))):
                other = os_path(held, raw)
        if other is not None and other != src.path:
            summary.duplicates.append((src.path, other))
            continue
        claimed[src.doc_id] = src.path
        todo.append(src)
    record_files(con, hashed)
    gone = [p for p, (_, _, raw) in known.items()
            if prune and p not in present and not os.path.exists(os_path(p, raw))]
    return todo, unread, gone


def _prune(con, gone: list[str], summary: Summary) -> None:
    """Remove every row of the documents whose files are gone (and those files' rows in the
    files table), in one transaction."""
    con.execute("begin transaction")
    try:
        for path in gone:
            row = con.execute("select doc_id from documents where source_path = ?", [path]).fetchone()
            if row:
                load.delete_document(con, row[0], path)
                summary.pruned += 1
        con.execute("delete from files where path in (select unnest(?))", [gone])
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise


def _ingest(found, db: str, summary: Summary, *, prune, progress, dupes, ocr, workers, timeout, memory_mb,
            retry_failed) -> None:
    con = load.connect(db, memory_limit=WRITER_MEMORY)
    pool = None
    bar = None
    try:
        _runs_table(con)
        todo, unread, gone = _plan(con, found, summary, ocr=ocr, retry_failed=retry_failed, prune=prune,
                                   limits={"timeout": timeout, "memory_mb": memory_mb})
        if gone:
            _prune(con, gone, summary)
        changed = _stale_findings_docs(con) if dupes else []
        if todo or unread:
            con.execute("insert into ingest_runs values (?, null, false)", [datetime.now()])
        for src, err in unread:
            _record_failure(con, summary, src, err)
            changed.append(src.doc_id)
        if todo:
            todo.sort(key=lambda s: -s.size)                       # largest first: no long tail
            warm_up()
            pool = Pool(_task, min(workers, len(todo)), timeout=timeout, memory_mb=memory_mb,
                        extra_time=_ocr_seconds if ocr else None)
            summary.workers = pool.n
            by_key = {i: src for i, src in enumerate(todo)}
            bar = _progress(len(todo), progress)
            batch: list[tuple[SourceFile, _Done]] = []
            first = 0.0
            try:
                for item in pool.imap(((i, (src, ocr)) for i, src in by_key.items()), tick=FLUSH_SECONDS):
                    if item is not None:
                        key, result = item
                        src = by_key.pop(key)
                        if isinstance(result, TaskFailed):
                            result = _Done(load.document_rows(src, status="failed", error=result.error))
                        if not batch:
                            first = time.monotonic()
                        batch.append((src, result))
                    if batch and (item is None or len(batch) >= FLUSH_DOCS
                                  or time.monotonic() - first >= FLUSH_SECONDS):
                        _flush(con, summary, batch, changed, bar)
                        batch = []
            except KeyboardInterrupt:           # Ctrl-C: stop the workers, keep what is finished
                pool.close()
                _flush(con, summary, batch, changed, bar)
                raise
            _flush(con, summary, batch, changed, bar)
            bar.close()
            bar = None
        if dupes and (changed or summary.pruned):
            summary.findings = _recompute_findings(con, changed)
        con.execute("update ingest_runs set finished_at = coalesce(finished_at, ?), findings_done = ? "
                    "where finished_at is null or not findings_done", [datetime.now(), bool(dupes)])
        summary.db_documents, summary.db_measures = con.execute(
            "select (select count(*) from documents), (select count(*) from measures)").fetchone()
    finally:
        if bar is not None:
            bar.close()
        if pool is not None:
            pool.close()
            summary.worker_peak_mb = pool.peak_rss >> 20
        con.close()


def _record_failure(con, summary: Summary, src: SourceFile, err: str) -> None:
    load.write_document(con, src, status="failed", error=err)
    summary.failed.append((src.path, err))
    summary.statuses["failed"] += 1


def _count(summary: Summary, src: SourceFile, done: _Done) -> None:
    status = done.rows.status
    summary.statuses[status] += 1
    if status == "failed":
        summary.failed.append((src.path, done.rows.rows["documents"][0][6]))
    summary.measures += done.measures
    summary.scores += done.scores
    summary.warnings += done.warnings
    if done.note:
        summary.needs_ocr.append((src.path, done.note))


def _flush(con, summary: Summary, batch: list, changed: list, bar) -> None:
    """Write a batch of results in one transaction; if that fails (a bug in one document's
    rows), write them one by one so only the culprit becomes a failed document."""
    if not batch:
        return
    try:
        load.write_documents(con, [d.rows for _, d in batch])
        for src, done in batch:
            _count(summary, src, done)
    except Exception:  # noqa: BLE001
        for src, done in batch:
            try:
                load.write_documents(con, [done.rows])
                _count(summary, src, done)
            except Exception as e:  # noqa: BLE001 - a bug on one document must not stop the folder
                _record_failure(con, summary, src,
                                f"internal error while saving ({type(e).__name__}: {str(e)[:300]}); please report it")
    finally:
        for _, done in batch:
            spool.remove(done.rows.spooled)
    changed.extend(src.doc_id for src, _ in batch)
    bar.update(len(batch), failed=summary.statuses["failed"])


def _recompute_findings(con, changed: list[str]) -> dict:
    try:
        from pipeline import dupes
    except ImportError:
        return {}
    dupes.ensure_schema(con)
    return dupes.recompute(con, sorted(set(changed)))


class _progress:
    """A tqdm bar on stderr (files done, failed, rate), or nothing when not wanted."""

    def __init__(self, total: int, enabled: bool):
        self.bar = None
        if enabled and total:
            from tqdm import tqdm
            self.bar = tqdm(total=total, unit="doc", file=sys.stderr, dynamic_ncols=True, desc="ingest")

    def update(self, n: int, failed: int = 0) -> None:
        if self.bar:
            self.bar.set_postfix(failed=failed, refresh=False)
            self.bar.update(n)

    def close(self) -> None:
        if self.bar:
            self.bar.close()
            self.bar = None
