"""A consistent copy of a database that another process (a running ingest) holds open.

DuckDB lets one process open a database file while another writes it only if neither
writes, and keeps recently committed data in the write-ahead log (`FILE.wal`) until a
checkpoint. So a plain copy of the database file misses what the ingest wrote since its last
checkpoint, and a copy taken while a checkpoint runs may mix two states. Here the file is
copied, then the WAL; the database file's headers (which a checkpoint rewrites last, before
it empties the WAL) are compared before and after, and the copy is redone if they changed.
Opening the copy replays its WAL: it holds every transaction committed before the copy.
"""
from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import duckdb

from pipeline.load import DatabaseBusy

HEADER_BYTES = 3 * 4096           # DuckDB's main header and its two alternating database headers
TRIES = 5


class SnapshotFailed(DatabaseBusy):
    """Reported like a busy database: one line, exit 2."""


def _headers(path: str) -> bytes:
    with open(path, "rb") as f:
        return f.read(HEADER_BYTES)


def snapshot(db: str, folder: Path) -> str:
    """Copy `db` (and its WAL) into `folder`; returns the copy's path, ready to open
    read-only. Raises FileNotFoundError for a missing database, SnapshotFailed when no
    consistent copy could be made (the database changed during every try)."""
    if not os.path.exists(db):
        raise FileNotFoundError(db)
    copy = folder / f"snapshot-{os.getpid()}-{Path(db).name}"
    wal, copy_wal = f"{db}.wal", Path(f"{copy}.wal")
    last = ""
    for attempt in range(TRIES):
        before = _headers(db)
        shutil.copyfile(db, copy)
        copy_wal.unlink(missing_ok=True)
        try:
            shutil.copyfile(wal, copy_wal)
        except FileNotFoundError:              # no WAL: everything is checkpointed
            pass
        if _headers(db) == before:
            try:
                duckdb.connect(str(copy), read_only=True).close()    # replays the WAL
                return str(copy)
            except duckdb.Error as e:              # a WAL entry caught mid-write
                last = str(e)
        time.sleep(0.2 * (attempt + 1))
    raise SnapshotFailed(f"could not take a consistent snapshot of {db} (it kept changing"
                         + (f"; last error: {last}" if last else "") + "); try again")
