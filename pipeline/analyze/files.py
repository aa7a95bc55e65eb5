"""Every report file seen (the `files` table) and byte-identical files under several paths.

documents holds one row per content, so a file published twice (by two agencies, under two
names) would otherwise leave no trace: the same file on two agencies' websites is the
strongest copy evidence there is. Agencies' websites are usually downloaded into a folder
each, so identical files in different folders, or under names that differ by more than a
copy number, rank first; copies in one folder under near-identical names rank low.
"""
from __future__ import annotations

import os
import re
from datetime import datetime
from pathlib import Path
from typing import Sequence

import pandas as pd

from pipeline.analyze.store import PRIORITY, Finding, finding_id
from pipeline.paths import display_path

_COPY_MARK = re.compile(r"(?:\(\d+\)|copy|สำเนา|final|new|[-_ .\d]+)", re.I)


FILE_COLUMNS = ("path", "sha256", "doc_id", "size", "mtime", "first_seen")


def file_rows(sources: Sequence) -> list[tuple]:
    """A files row (FILE_COLUMNS) for each SourceFile, with its modification time now."""
    now = datetime.now()
    rows = []
    for s in sources:
        try:
            mtime = datetime.fromtimestamp(os.stat(s.path).st_mtime)
        except OSError:
            mtime = None
        rows.append((display_path(s.path), s.sha256, s.doc_id, s.size, mtime, now))   # as documents stores it
    return rows


def record_files(con, sources: Sequence) -> None:
    """Upsert one row per path (SourceFile: path, sha256, size, doc_id). first_seen is kept
    while a path keeps its bytes. Rows of paths that are gone and whose content is no longer
    stored are dropped."""
    upsert_files(con, file_rows(sources))


def upsert_files(con, rows: Sequence[tuple]) -> None:
    """record_files() for rows made elsewhere (file_rows(); a dataset's files shards)."""
    if rows:
        df = pd.DataFrame(list(rows), columns=list(FILE_COLUMNS)).astype(object)
        con.register("_files_new", df)
        try:
            con.execute("""INSERT INTO files SELECT path, sha256, doc_id, size, mtime, first_seen FROM _files_new
                           ON CONFLICT (path) DO UPDATE SET
                               first_seen = CASE WHEN files.sha256 = excluded.sha256 THEN files.first_seen
                                                 ELSE excluded.first_seen END,
                               sha256 = excluded.sha256, doc_id = excluded.doc_id, size = excluded.size,
                               mtime = excluded.mtime""")
        finally:
            con.unregister("_files_new")
    gone = [p for (p,) in con.execute("SELECT path FROM files WHERE doc_id NOT IN (SELECT doc_id FROM documents)"
                                      ).fetchall() if not Path(p).exists()]
    if gone:
        con.execute("DELETE FROM files WHERE path IN (SELECT unnest(?))", [gone])


def _stem(path: str) -> str:
    return _COPY_MARK.sub("", Path(path).stem).lower()


def suggests_other_agency(paths: Sequence[str]) -> bool:
    """Different folders, or names that differ by more than a copy number ("x (1).pdf")."""
    return len({str(Path(p).parent) for p in paths}) > 1 or len({_stem(p) for p in paths}) > 1


def identical_file_findings(con) -> list[Finding]:
    out = []
    for doc_id, paths in con.execute("""
            SELECT doc_id, list(path ORDER BY path) FROM files
            WHERE doc_id IN (SELECT doc_id FROM documents)
            GROUP BY doc_id HAVING count(*) >= 2 ORDER BY doc_id""").fetchall():
        apart = suggests_other_agency(paths)
        folders = len({str(Path(p).parent) for p in paths})
        out.append(Finding(finding_id("identical_file", doc_id), "identical_file", doc_id, similarity=1.0,
                           shared_text=f"{len(paths)} files with the same bytes in {folders} folder(s)",
                           priority=PRIORITY["identical_file" if apart else "identical_file_same_folder"],
                           occurrences=len(paths), paths=list(paths)))
    return out
