"""TXT reports: decode the bytes, then split into paragraphs and tables.

The TXT reports are PDFs converted by some earlier tool: paragraphs separated by blank lines,
and tables as runs of lines with tab-separated cells (cells may hold <p>/<ul>/<li> markup).

Decoding is per file when the whole file is one encoding (UTF-8, UTF-16, TIS-620/cp874),
else per line: a paragraph pasted from a cp874 file into a UTF-8 one is read as cp874, and a
few stray bytes are replaced (U+FFFD) with a warning naming their lines, instead of losing
the document. Control characters (NULs, ESC sequences) are removed as the text enters
(pipeline.normalize.remove_control_characters), with a warning, a louder one when they
touched a table's header rows.
"""
from __future__ import annotations

import bisect
import codecs
import re
from dataclasses import dataclass, field
from typing import Iterator

from pipeline.normalize import C1_UTF8, CONTROL_BYTES, CONTROL_CHARACTERS, has_control_characters, remove_control_characters
from pipeline.records import Cell, ExtractedDocument, ExtractionError, Paragraph, Table

UNDECODABLE = "undecodable text (tried UTF-8, UTF-16, TIS-620)"
MAX_REPLACED_SHARE = 0.05   # more undecodable bytes than this share of the file: not text
HEADER_ROWS = 2             # rows at the top of a table chunk that may be its header

# C0/C1 controls other than tab, newlines, form feed and NUL (removed later), DEL, lone
# surrogates, U+FFFD
_NOT_TEXT = re.compile("[\x01-\x08\x0b\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffd]")
# the same, fast, on the UTF-8 bytes: C0 (but NUL) and DEL bytes map to 0, and the lead bytes
# of C1 controls (\xc2), surrogates (\xed) and U+FFFD (\xef\xbf\xbd) are looked for (Thai
# has none of them)
_NOT_TEXT_BYTES = bytes(0 if 0x01 <= b <= 0x08 or b == 0x0B or 0x0E <= b <= 0x1F or b == 0x7F else 1
                        for b in range(256))
_NOT_TEXT_LEADS = ((b"\xc2", re.compile(rb"\xc2[\x80-\x9f]")), (b"\xed", re.compile(rb"\xed[\xa0-\xbf]")),
                   (b"\xef\xbf\xbd", re.compile(b"\xef\xbf\xbd")))
LARGE_TEXT = 8 << 20        # characters: above this, lines are split as they are read
# str.splitlines()'s line boundaries, so line numbers agree with split_blocks
_LINE_BREAK = re.compile("\r\n|[\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")


def _looks_like_text(s: str, utf8: bytes | None = None) -> bool:
    """Random bytes decode as cp874 more often than not; real text has almost no
    control characters (NULs aside: they pad cells in some conversions). The regex count
    runs only when a fast check (on `utf8`, the text's UTF-8 bytes when known) finds a
    character it counts."""
    if not s:
        return True
    if s.count("\x00") / len(s) >= 0.2:
        return False
    b = s.encode("utf-8", "surrogatepass") if utf8 is None else utf8
    if 0 not in b.translate(_NOT_TEXT_BYTES) and not any(lead in b and p.search(b) for lead, p in _NOT_TEXT_LEADS):
        return True
    return len(_NOT_TEXT.findall(s)) / len(s) < 0.01


@dataclass
class Decoded:
    text: str
    encoding: str                                       # utf-8, utf-8-sig, utf-16*, cp874, utf-8+cp874
    replaced_at: list[int] = field(default_factory=list)   # offsets in text of U+FFFD put for bad bytes
    cp874_at: list[int] = field(default_factory=list)      # offsets of lines read as cp874 in a UTF-8 file


def _whole(data: bytes) -> Iterator[str]:
    """Encodings to try for the whole file, most likely first (lazily: the UTF-16 test
    costs as much as decoding, and most files are UTF-8)."""
    if data.startswith(codecs.BOM_UTF8):
        yield "utf-8-sig"
        return
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        yield "utf-16"
        return
    yield "utf-8"
    # UTF-16 without BOM: the high byte of Thai (U+0Exx) and ASCII code units is 0x0E or 0x00
    odd, even = data[1::2], data[0::2]
    high = lambda b: (b.count(0) + b.count(0x0E)) / max(1, len(b))  # noqa: E731
    if high(odd) > 0.4:
        yield "utf-16-le"
    elif high(even) > 0.4:
        yield "utf-16-be"
    yield "cp874"  # superset of TIS-620


def _mostly_utf8(line: bytes) -> bool:
    """For a line neither UTF-8 nor cp874 can read whole: a UTF-8 line with a few bad bytes
    has more valid multi-byte characters than bad bytes."""
    s = line.decode("utf-8", "surrogateescape")
    bad = sum(1 for ch in s if "\udc80" <= ch <= "\udcff")
    return sum(1 for ch in s if ord(ch) > 0x7F) - bad >= bad


_ESCAPED = re.compile("[\udc80-\udcff]")      # bytes surrogateescape could not decode


def _decode_line(line: bytes) -> tuple[str, str]:
    """(text, how): how is 'utf-8', 'cp874' or 'replaced' (bad bytes as lone surrogates,
    one per byte, turned into U+FFFD by the caller). cp874 comes second: UTF-8 Thai almost
    always holds bytes cp874 leaves undefined (0x81-0x9F), so a line cp874 reads whole is
    cp874."""
    if line.isascii():
        return line.decode("ascii"), "ascii"
    for enc in ("utf-8", "cp874"):
        try:
            return line.decode(enc), enc
        except UnicodeDecodeError:
            pass
    return line.decode("utf-8" if _mostly_utf8(line) else "cp874", "surrogateescape"), "replaced"


def _per_line(data: bytes) -> Decoded:
    """Decode line by line: UTF-8 where it is valid, cp874 where the line is cp874, and
    the bytes neither can read replaced (U+FFFD, one per byte)."""
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8):]
    pieces: list[str] = []
    out = Decoded("", "utf-8")
    utf8_lines = 0
    pos = 0
    for line in data.split(b"\n"):
        s, how = _decode_line(line)
        if how == "replaced":
            out.replaced_at += [pos + m.start() for m in _ESCAPED.finditer(s)]
            s = _ESCAPED.sub("\ufffd", s)
        elif how == "cp874":
            out.cp874_at.append(pos)
        utf8_lines += how == "utf-8"
        pieces.append(s)
        pos += len(s) + 1
    out.text = "\n".join(pieces)
    if out.cp874_at:
        out.encoding = "utf-8+cp874" if utf8_lines else "cp874"
        if not utf8_lines:
            out.cp874_at = []                   # a cp874 file with a few bad bytes: not mixed
    return out


def decode_report(data: bytes) -> Decoded:
    """Decode report bytes (see the module doc). Raises ExtractionError when the bytes do
    not read as text (too many undecodable bytes or control characters)."""
    for enc in _whole(data):
        try:
            text = data.decode(enc)
        except UnicodeDecodeError:
            continue
        if _looks_like_text(text, data if enc == "utf-8" else None):
            return Decoded(text, enc)
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        text = data.decode("utf-16", "replace")
        got = Decoded(text, "utf-16", [m.start() for m in re.finditer("\ufffd", text)])
    else:
        got = _per_line(data)
    if len(got.replaced_at) > MAX_REPLACED_SHARE * len(data) or not _looks_like_text(got.text.replace("\ufffd", "")):
        raise ExtractionError(UNDECODABLE)
    return got


def decode_text(data: bytes) -> tuple[str, str]:
    """(text, encoding) of report bytes; see decode_report."""
    got = decode_report(data)
    return got.text, got.encoding


def _line_numbers(text: str, offsets) -> list[int]:
    """1-based line (as str.splitlines counts) of each offset."""
    starts = [0] + [m.end() for m in _LINE_BREAK.finditer(text)]
    return [bisect.bisect_right(starts, o) for o in offsets]


def line_ranges(lines: list[int], most: int = 8) -> str:
    """[3, 120, 121, 122] -> 'lines 3, 120–122'."""
    nums = sorted(set(lines))
    ranges: list[list[int]] = []
    for n in nums:
        if ranges and n == ranges[-1][1] + 1:
            ranges[-1][1] = n
        else:
            ranges.append([n, n])
    parts = [f"{a}" if a == b else f"{a}–{b}" for a, b in ranges[:most]]
    more = f" and {len(ranges) - most} more places" if len(ranges) > most else ""
    return ("line " if len(nums) == 1 else "lines ") + ", ".join(parts) + more


def _lines(text: str) -> Iterator[str]:
    """text.splitlines() without holding every line at once (large files)."""
    start = 0
    for m in _LINE_BREAK.finditer(text):
        yield text[start:m.start()]
        start = m.end()
    if start < len(text):
        yield text[start:]


def split_blocks(text: str) -> list:
    """Lines with a tab are table rows (consecutive rows form one table chunk, so row i of
    a chunk is at line chunk.line + i); other non-blank lines are grouped into paragraphs
    separated by blank lines."""
    blocks: list = []
    para: list[str] = []
    para_line = 0
    table: Table | None = None
    lines = text.splitlines() if len(text) < LARGE_TEXT else _lines(text)
    for no, line in enumerate(lines, start=1):
        if "\t" in line:
            if para:
                blocks.append(Paragraph("\n".join(para), line=para_line))
                para = []
            if table is None:
                table = Table(source="txt", rows=[], line=no)
                blocks.append(table)
            table.rows.append([Cell(c) for c in line.split("\t")])
            continue
        table = None
        if line.strip():
            if not para:
                para_line = no
            para.append(line.strip())
        elif para:
            blocks.append(Paragraph("\n".join(para), line=para_line))
            para = []
    if para:
        blocks.append(Paragraph("\n".join(para), line=para_line))
    return blocks


def _has_controls(data: bytes, got: Decoded) -> bool:
    """Whether the decoded text holds control characters, checked on the file's bytes where
    they are UTF-8 or cp874 (control bytes are the same in both; C1 controls exist only as
    UTF-8's \xc2\x80-\x9f)."""
    if got.encoding.startswith("utf-16"):
        return has_control_characters(got.text)
    return 0 in data.translate(CONTROL_BYTES) or (got.encoding != "cp874" and b"\xc2" in data
                                                   and C1_UTF8.search(data) is not None)


def _decode_warnings(got: Decoded) -> list[str]:
    out = []
    if got.encoding not in ("utf-8", "utf-8-sig", "utf-8+cp874"):
        out.append(f"decoded as {got.encoding}")
    if got.cp874_at:
        out.append(f"mixed encodings: {line_ranges(_line_numbers(got.text, got.cp874_at))} "
                   "read as TIS-620/cp874, the rest as UTF-8")
    if got.replaced_at:
        n = len(got.replaced_at)
        out.append(f"{n} undecodable byte{'s' if n > 1 else ''} replaced on "
                   f"{line_ranges(_line_numbers(got.text, got.replaced_at))}")
    return out


def _control_warnings(text: str, blocks: list) -> list[str]:
    """Where control characters were (before removal); split_blocks ran on the clean text,
    whose line numbers are the same (no removed character is a line break)."""
    found = list(CONTROL_CHARACTERS.finditer(text))
    if not found:
        return []
    lines = _line_numbers(text, [m.start() for m in found])
    names = sorted({"NUL" if m.group() == "\x00" else "ESC" if m.group()[0] == "\x1b" else f"U+{ord(m.group()):04X}"
                    for m in found})
    out = [f"{len(found)} control character{'s' if len(found) > 1 else ''} ({', '.join(names[:5])}) "
           f"removed on {line_ranges(lines)}"]
    hit = set(lines)
    headers = [b.line for b in blocks if isinstance(b, Table) and b.line is not None
               and hit & set(range(b.line, b.line + HEADER_ROWS))]
    if headers:
        out.append(f"control characters removed from the header rows of the table(s) at "
                   f"{line_ranges(headers)}: check that their columns were recognised")
    return out


def extract_txt(path: str) -> ExtractedDocument:
    with open(path, "rb") as f:
        data = f.read()
    if not data.strip():
        raise ExtractionError("empty file")
    got = decode_report(data)
    dirty = _has_controls(data, got)
    del data                                    # a large file: do not hold bytes and text at once
    warnings = _decode_warnings(got)
    text = remove_control_characters(got.text) if dirty else got.text
    blocks = split_blocks(text)
    if text is not got.text:
        warnings += _control_warnings(got.text, blocks)
    doc = ExtractedDocument(source_path=path, format="txt", blocks=blocks, pages=None)
    doc.warnings += warnings
    return doc
