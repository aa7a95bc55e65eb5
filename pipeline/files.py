"""Finding the report files to ingest, and their identity (sha256 of the bytes).

Folders are searched recursively, following symbolic links to folders (a folder of
reports is often a link to a share), with loop detection: a link back to a folder that is
already being searched is skipped with a note, and a folder reached twice is read once.
Names need not be valid UTF-8 (see pipeline.paths). Unreadable folders and broken links
become notes, never an exception: the rest of the tree is still ingested.
"""
from __future__ import annotations

import hashlib
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from extractors import REPORT_SUFFIXES, SUPPORTED_SUFFIXES
from pipeline.paths import display_path, quote_name
from pipeline.records import SourceFile


@dataclass
class Found:
    files: list[Path] = field(default_factory=list)    # resolved, sorted, unique
    notes: list[str] = field(default_factory=list)     # for the summary: loops, unreadable folders


def _is_report(name: str) -> bool:
    """Read, or of a type reports come in that gets a row saying it is not supported."""
    return name.lower().endswith(REPORT_SUFFIXES)


def _walk(top: Path, found: Found, seen_dirs: set) -> None:
    """Depth-first, following links; `seen_dirs` holds (dev, inode) of folders read."""
    st = os.stat(top)
    stack = [(top, ((st.st_dev, st.st_ino),))]
    seen_dirs.add((st.st_dev, st.st_ino))
    while stack:
        folder, ancestors = stack.pop()
        try:
            with os.scandir(folder) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError as e:
            found.notes.append(f"cannot read folder {quote_name(folder)}: {e.strerror or e}")
            continue
        subdirs = []
        for entry in entries:
            path = Path(entry.path)
            try:
                st = entry.stat()              # follows links
            except OSError:
                if entry.is_symlink() and _is_report(entry.name):
                    found.notes.append(f"broken link {quote_name(path)} skipped")
                continue
            if stat.S_ISDIR(st.st_mode):
                key = (st.st_dev, st.st_ino)
                if key in ancestors:
                    found.notes.append(f"link loop {quote_name(path)} -> {quote_name(os.path.realpath(path))} "
                                       "skipped (it leads back to a folder being searched)")
                elif key not in seen_dirs:
                    seen_dirs.add(key)
                    subdirs.append((path, ancestors + (key,)))
            elif stat.S_ISREG(st.st_mode) and _is_report(entry.name):
                found.files.append(path)
        stack.extend(reversed(subdirs))


def discover(paths: Iterable[str]) -> Found:
    """Report files under the given folders (recursively) or named directly. A path that
    does not exist, or no report at all, raises FileNotFoundError (a usage error: the whole
    command is wrong)."""
    paths = list(paths)
    found = Found()
    seen_dirs: set = set()
    for p in map(Path, paths):
        if p.is_dir():
            _walk(p, found, seen_dirs)
        elif p.is_file():
            found.files.append(p)
        else:
            raise FileNotFoundError(f"no such file or folder: {display_path(p)}")
    if not found.files:
        raise FileNotFoundError(f"no {'/'.join(SUPPORTED_SUFFIXES)} files under "
                                f"{', '.join(display_path(p) for p in paths)}")
    found.files = sorted({f.resolve() for f in found.files})
    return found


def source_file(path: Path) -> SourceFile:
    """Hash the file in 1 MB chunks (a large file is never read whole here)."""
    h = hashlib.sha256()
    size = 0
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
            size += len(chunk)
    return SourceFile(str(path), h.hexdigest(), size)


def unreadable(path: Path) -> SourceFile:
    """A stand-in identity for a file whose bytes cannot be read (so it still gets a row)."""
    return SourceFile(str(path), hashlib.sha256(b"unreadable\0" + os.fsencode(path)).hexdigest(), 0)
