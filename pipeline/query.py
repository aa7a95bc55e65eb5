"""Opening the database for the read-only commands, and `ita query`'s sandbox.

`ita query` runs users' SQL on a connection that is read-only (so DROP and INSERT fail
even through a hard link to the database file) and has DuckDB's external access switched
off and locked: read_text, read_csv, glob, COPY … TO, ATTACH and INSTALL/LOAD are refused,
and so is changing the settings back. `--allow-files` turns file access on for COPY … TO
exports; ATTACH and INSTALL/LOAD stay refused (checked on the parsed statements)."""
from __future__ import annotations

from pathlib import Path

import duckdb

from pipeline import load
from pipeline.termout import Result

DUCKDB_MAGIC = b"DUCK"                   # bytes 8-11 of every DuckDB database file
SANDBOX = {"enable_external_access": False, "lock_configuration": True,
           "autoinstall_known_extensions": False, "autoload_known_extensions": False}
WITH_FILES = {**SANDBOX, "enable_external_access": True}
REFUSED_ALWAYS = {"LOAD": "installing or loading extensions", "ATTACH": "attaching other databases",
                  "DETACH": "detaching databases"}


class DbError(Exception):
    """The --db argument cannot be used; the message says why and what to do."""


class QueryRefused(Exception):
    """The query does what `ita query` does not allow, or failed; one line for the user."""


def check_db_path(db: str, *, must_exist: bool) -> None:
    p = Path(db)
    if p.is_dir():
        raise DbError(f"--db {db} is a folder: give the database file, e.g. --db {p / 'ita.duckdb'}")
    if not p.exists():
        if must_exist:
            raise DbError(f"no database at {db}: run `ita ingest FOLDER --db {db}` first")
        return
    try:
        with open(p, "rb") as f:
            head = f.read(12)
    except OSError as e:
        raise DbError(f"cannot read --db {db}: {e.strerror or e}") from None
    if not head:
        raise DbError(f"--db {db} is an empty file, not a DuckDB database: remove it (ita ingest then makes "
                      "the database) or give another --db path")
    if head[8:12] != DUCKDB_MAGIC:
        raise DbError(f"--db {db} is not a DuckDB database (another kind of file): give the .duckdb file "
                      "that `ita ingest` made, or a new name to make one")


def open_read_only(db: str, config: dict | None = None):
    check_db_path(db, must_exist=True)
    try:
        return load.connect(db, read_only=True, config=config)
    except duckdb.Error as e:
        raise DbError(f"cannot open --db {db}: {_first_line(e)}") from None


def _first_line(e: Exception) -> str:
    return (str(e).strip().splitlines() or [type(e).__name__])[0]


def run_query(db: str, sql: str, *, allow_files: bool = False) -> Result:
    if not sql.strip().strip(";").strip():
        raise QueryRefused('empty query: give an SQL statement, e.g. ita query "select count(*) from documents"')
    con = open_read_only(db, WITH_FILES if allow_files else SANDBOX)
    try:
        try:
            statements = duckdb.extract_statements(sql)
        except duckdb.Error as e:
            raise QueryRefused(f"query failed: {_first_line(e)}") from None
        for st in statements:
            what = REFUSED_ALWAYS.get(st.type.name)
            if what:
                raise QueryRefused(f"query refused: {what} is not allowed in ita query")
        try:
            cur = con.execute(sql)
            return Result.from_cursor(cur) if cur is not None and cur.description else Result([], [], [])
        except duckdb.PermissionException as e:
            raise QueryRefused("query refused: ita query does not read or write files (read_text, read_csv, glob, "
                               "COPY, ATTACH, INSTALL); use `ita export`, or `ita query --allow-files` for "
                               f"COPY … TO ({_first_line(e)})") from None
        except duckdb.Error as e:
            msg = _first_line(e)
            if "read-only mode" in msg:
                raise QueryRefused("query refused: ita query opens the database read-only (no CREATE, INSERT, "
                                   "UPDATE, DELETE, DROP); the data changes only through ita ingest") from None
            if "configuration has been locked" in msg:
                raise QueryRefused("query refused: settings cannot be changed in ita query") from None
            raise QueryRefused(f"query failed: {msg}") from None
    finally:
        con.close()
