"""TXT reports: decode the bytes, then split into paragraphs and tables.

The TXT reports are PDFs converted by some earlier tool: paragraphs separated by blank lines,
and tables as runs of lines with tab-separated cells (cells may hold <p>/<ul>/<li> markup).
"""
from __future__ import annotations

import codecs
import re

from pipeline.records import Cell, ExtractedDocument, ExtractionError, Paragraph, Table

UNDECODABLE = "undecodable text (tried UTF-8, UTF-16, TIS-620)"


# C0/C1 controls other than tab, newlines and form feed, DEL, lone surrogates, U+FFFD
_NOT_TEXT = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffd]")


def _looks_like_text(s: str) -> bool:
    """Random bytes decode as cp874 more often than not; real text has almost no
    control characters."""
    return not s or len(_NOT_TEXT.findall(s)) / len(s) < 0.01


def decode_text(data: bytes) -> tuple[str, str]:
    """Decode report bytes; returns (text, encoding). Order: BOMs, UTF-8, UTF-16 without
    BOM (many NULs), TIS-620/cp874. Raises ExtractionError when nothing reads as text."""
    if data.startswith(codecs.BOM_UTF8):
        candidates = ["utf-8-sig"]
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        candidates = ["utf-16"]
    else:
        candidates = ["utf-8"]
        # UTF-16 without BOM: the high byte of Thai (U+0Exx) and ASCII code units is 0x0E or 0x00
        odd, even = data[1::2], data[0::2]
        high = lambda b: (b.count(0) + b.count(0x0E)) / max(1, len(b))  # noqa: E731
        if high(odd) > 0.4:
            candidates.append("utf-16-le")
        elif high(even) > 0.4:
            candidates.append("utf-16-be")
        candidates.append("cp874")  # superset of TIS-620
    for enc in candidates:
        try:
            text = data.decode(enc)
        except UnicodeDecodeError:
            continue
        if _looks_like_text(text):
            return text, enc
    raise ExtractionError(UNDECODABLE)


def split_blocks(text: str) -> list:
    """Lines with a tab are table rows (consecutive rows form one table chunk, so row i of
    a chunk is at line chunk.line + i); other non-blank lines are grouped into paragraphs
    separated by blank lines."""
    blocks: list = []
    para: list[str] = []
    para_line = 0
    table: Table | None = None
    for no, line in enumerate(text.splitlines(), start=1):
        line = line.rstrip("\r")
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


def extract_txt(path: str) -> ExtractedDocument:
    with open(path, "rb") as f:
        data = f.read()
    if not data.strip():
        raise ExtractionError("empty file")
    text, encoding = decode_text(data)
    doc = ExtractedDocument(source_path=path, format="txt", blocks=split_blocks(text), pages=None)
    if encoding not in ("utf-8", "utf-8-sig"):
        doc.warnings.append(f"decoded as {encoding}")
    return doc
