"""One temporary directory per run of `ita`, for every temp file the run makes.

    from pipeline.tmp import run_dir
    spool = run_dir() / "rows.ndjson"          # or tempfile.mkstemp(dir=run_dir())

The directory is made on first use, shared by the run's worker processes (they inherit the
path when forked) and removed when the process that made it exits normally. Inside
`with temp_files_in(run_dir()):` the temp files of libraries and programs (tempfile's
default folder and $TMPDIR: pytesseract's tess_* images, the MinHash helper's arrays) land
there too, so a run killed mid-OCR leaves nothing behind once the next run has swept. A run killed
with `kill -9` cannot clean up, so each new run first sweeps the directories of runs whose
process is gone (identified by pid and process start time, so a recycled pid does not keep
a dead run's files alive).

Runs live under $ITA_TMPDIR, else <system temp>/ita-runs.
"""
from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator, Optional

_made: Optional[tuple[int, Path]] = None        # (pid of the maker, directory)


def runs_root() -> Path:
    return Path(os.environ.get("ITA_TMPDIR") or Path(tempfile.gettempdir()) / "ita-runs")


def _start_time(pid: int) -> Optional[str]:
    """The process's start time in clock ticks since boot (Linux), else None."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            stat = f.read()
    except OSError:
        return None
    # the command name (field 2) may hold spaces and parentheses: split after the last ')'
    fields = stat[stat.rfind(b")") + 2:].split()
    return fields[19].decode() if len(fields) > 19 else None


def _alive(pid: int, started: str) -> bool:
    if Path("/proc/self/stat").exists():
        return _start_time(pid) == started
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _own_name() -> str:
    return f"{os.getpid()}-{_start_time(os.getpid()) or 0}"


def sweep() -> list[Path]:
    """Remove the directories of runs whose process is gone; returns what was removed."""
    removed = []
    root = runs_root()
    try:
        entries = list(root.iterdir())
    except OSError:
        return removed
    for d in entries:
        pid, _, started = d.name.partition("-")
        if not pid.isdigit() or not started or _alive(int(pid), started):
            continue
        shutil.rmtree(d, ignore_errors=True)
        if not d.exists():
            removed.append(d)
    return removed


def run_dir() -> Path:
    """This run's temporary directory (created, after a sweep, on first call)."""
    global _made
    if _made is not None and _made[0] == os.getpid() and _made[1].is_dir():
        return _made[1]
    if _made is not None and _made[0] != os.getpid() and _made[1].is_dir():
        return _made[1]                         # a forked worker: the parent's directory
    sweep()
    d = runs_root() / _own_name()
    d.mkdir(parents=True, exist_ok=True)
    _made = (os.getpid(), d)
    atexit.register(remove_run_dir)
    return d


def remove_run_dir() -> None:
    """Remove this run's directory now (only the process that made it does)."""
    global _made
    if _made is not None and _made[0] == os.getpid():
        shutil.rmtree(_made[1], ignore_errors=True)
        _made = None


@contextmanager
def temp_files_in(folder: Path) -> Iterator[Path]:
    """Make `folder` the default temp folder of this process (tempfile) and of the programs
    it starts ($TMPDIR) for the duration; restored after."""
    saved_dir, saved_env = tempfile.tempdir, os.environ.get("TMPDIR")
    tempfile.tempdir = str(folder)
    os.environ["TMPDIR"] = str(folder)
    try:
        yield folder
    finally:
        tempfile.tempdir = saved_dir
        if saved_env is None:
            os.environ.pop("TMPDIR", None)
        else:
            os.environ["TMPDIR"] = saved_env
