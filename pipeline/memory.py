"""Resident memory of a process and everything it started (Linux /proc; None elsewhere).

Used by pipeline.workers to stop a worker whose resident memory (with its children, e.g.
tesseract) grows past its limit, and by the stress benchmark to report peaks.
"""
from __future__ import annotations

import os
from typing import Optional

MB = 1 << 20
_PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


def rss(pid: int) -> Optional[int]:
    """Resident bytes of one process, None if it is gone or /proc is missing."""
    try:
        with open(f"/proc/{pid}/statm", "rb") as f:
            return int(f.read().split()[1]) * _PAGE
    except (OSError, IndexError, ValueError):
        return None


def children(pid: int) -> list[int]:
    """Direct children of a process (every thread's list)."""
    out: list[int] = []
    try:
        tids = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return out
    for tid in tids:
        try:
            with open(f"/proc/{pid}/task/{tid}/children", "rb") as f:
                out += [int(c) for c in f.read().split()]
        except (OSError, ValueError):
            pass
    return out


def tree_rss(pid: int) -> Optional[int]:
    """Resident bytes of a process and all its descendants (None if the process is gone).
    Pages shared between them (a forked child's inherited pages) count once per process,
    as the kernel's own accounting of each process does."""
    total = rss(pid)
    if total is None:
        return None
    todo = children(pid)
    seen = {pid}
    while todo:
        c = todo.pop()
        if c in seen:
            continue
        seen.add(c)
        r = rss(c)
        if r is not None:
            total += r
            todo += children(c)
    return total
