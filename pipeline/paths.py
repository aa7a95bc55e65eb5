"""File names as the OS has them (bytes) and as people and the database see them (text).

On Linux a file name is bytes. Python gives names that are not valid UTF-8 (TIS-620 Thai
names from old Windows zips) as str with lone surrogates ("surrogateescape"), which open()
accepts but DuckDB, JSON and terminals do not. So:

- the OS path (str, possibly with surrogates) is used to open, stat and hash the file;
- `display_path` is the stored and printed form: valid text, each undecodable byte written
  as \\xNN (a name that is valid UTF-8 is unchanged);
- `path_bytes` is the raw name, kept in documents.source_path_bytes when the name is not
  valid UTF-8, so the file can always be found again (`os_path`);
- `quote_name` quotes a name for a summary line, with control characters escaped, so a
  newline or an ESC sequence in a file name cannot forge or colour output lines.
"""
from __future__ import annotations

import os
import re
from typing import Optional


def path_bytes(path) -> Optional[bytes]:
    """The raw bytes of a path whose name is not valid UTF-8; None for a valid one."""
    raw = os.fsencode(path)
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw
    return None


def display_path(path) -> str:
    """Valid text for a path: undecodable bytes become \\xNN."""
    return os.fsencode(path).decode("utf-8", "backslashreplace")


def os_path(stored: str, raw: Optional[bytes]) -> str:
    """The path to give the OS for a stored (source_path, source_path_bytes) pair."""
    return os.fsdecode(raw) if raw else stored


# C0 and C1 controls, DEL, line/paragraph separators and bidirectional overrides: anything
# that moves the cursor, starts an escape sequence or reorders what a terminal shows
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_SHORT = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape(m: re.Match) -> str:
    ch = m.group()
    if ch in _SHORT:
        return _SHORT[ch]
    code = ord(ch)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def quote_name(path) -> str:
    """'path' for one line of output: valid text (as stored in the database), with control
    characters escaped like the undecodable bytes (\\n, \\x1b, \\u202e)."""
    return "'" + _UNSAFE.sub(_escape, display_path(path)) + "'"
