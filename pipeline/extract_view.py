"""`ita extract FILE`: what the extractor read from one file, before segmentation.

``read_document`` runs the same extraction as `ita ingest` (``extractors.extract``);
``select_pages`` keeps the blocks on some pages (the whole file is read, so a table that
continues from an earlier page is the assembled table). ``text_view`` is the readable
form; ``--json`` prints ``document_to_dict`` (``document_from_dict`` reads it back).
"""
from __future__ import annotations

import json
import re
from dataclasses import replace
from typing import Optional

from pipeline.records import Block, ExtractedDocument, Paragraph, Table, document_to_dict

_RANGE = re.compile(r"\s*(\d+)\s*(?:-\s*(\d*)\s*)?")
# escaped in the JSON text (valid JSON either way): C1 controls and bidi overrides, which
# a terminal acts on, and lone surrogates, which UTF-8 cannot write
_JSON_UNSAFE = re.compile("[\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


class ViewError(Exception):
    """A request the document cannot answer (pages out of range, --pages on a TXT):
    shown as one line."""


def parse_pages(spec: str) -> tuple[int, Optional[int]]:
    """"3" -> (3, 3); "2-5" -> (2, 5); "4-" -> (4, None, to the end)."""
    m = _RANGE.fullmatch(spec or "")
    if not m:
        raise ValueError(f"--pages {spec!r}: give a page or a range, e.g. 3 or 2-5")
    first = int(m.group(1))
    last = first if m.group(2) is None else (int(m.group(2)) if m.group(2) else None)
    if first < 1 or (last is not None and last < first):
        raise ValueError(f"--pages {spec!r}: pages count from 1 and the range must not run backwards")
    return first, last


def block_pages(b: Block) -> list[int]:
    if isinstance(b, Table):
        return b.pages or ([b.page] if b.page is not None else [])
    return [b.page] if b.page is not None else []


def select_pages(doc: ExtractedDocument, first: int, last: Optional[int]) -> ExtractedDocument:
    """The document with only the blocks (and page infos) on pages first..last."""
    if doc.format != "pdf":
        raise ViewError(f"--pages applies to PDF files; this is a {doc.format.upper()} file without pages")
    n = doc.pages or 0
    last = n if last is None else last
    if first > n:
        raise ViewError(f"page {first} is out of range: the document has {n} page{'s' * (n != 1)}")
    last = min(last, n)
    on = set(range(first, last + 1))
    return replace(doc, blocks=[b for b in doc.blocks if on & set(block_pages(b))],
                   page_info=[p for p in doc.page_info if p.page in on])


def read_document(path: str, *, ocr: bool = True) -> ExtractedDocument:
    """Raises ExtractionError when the file cannot be read."""
    from extractors import extract
    return extract(path, ocr=ocr)


def json_text(doc: ExtractedDocument) -> str:
    text = json.dumps(document_to_dict(doc), ensure_ascii=False, indent=1)
    return _JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


# ---------------------------------------------------------------- the readable view
def _box(b) -> str:
    return "(" + ", ".join(f"{v:.1f}" for v in b) + ")" if b else "-"


def _one_line(text: str) -> str:
    return text.replace("\r", "").replace("\n", " ⏎ ")


def _cell(c) -> str:
    if c.covered:
        return "~"
    flags = [f"{c.row_span}x{c.col_span}"] if c.row_span > 1 or c.col_span > 1 else []
    flags += [f for f, on in (("shaded", c.shaded), ("bold", c.bold)) if on]
    return _one_line(c.text) + (f" [{' '.join(flags)}]" if flags else "")


def _pages_text(ps: list[int]) -> str:
    if not ps:
        return "-"
    return f"page {ps[0]}" if len(ps) == 1 else f"pages {ps[0]}-{ps[-1]}"


def _where(b: Block) -> str:
    if b.page is not None:
        return f"p{b.page}"
    return f"line {b.line}" if b.line is not None else "-"


def _paragraph_lines(p: Paragraph) -> list[str]:
    attrs = [a for a in (p.role, f"{p.font_size:g} pt" if p.font_size else None, "bold" if p.bold else None) if a]
    return [f"{_where(p)} paragraph {_box(p.bbox)}" + (f" {', '.join(attrs)}" if attrs else ""),
            *(f"    {ln}" for ln in p.text.splitlines() or [""])]


def _table_lines(t: Table, number: int) -> list[str]:
    n_cols = max((len(r) for r in t.rows), default=0)
    merged = sum(1 for r in t.rows for c in r if not c.covered and (c.row_span > 1 or c.col_span > 1))
    head = (f"{_where(t)} table {number}: {n_cols} columns x {len(t.rows)} rows, {_pages_text(block_pages(t))}, "
            f"source {t.source or '-'}, {merged} merged cell{'s' * (merged != 1)} {_box(t.bbox)}")
    out = [head]
    if t.cols:
        out.append("    column edges: " + " ".join(f"{x:.1f}" for x in t.cols))
    for i, r in enumerate(t.rows, 1):
        page = next((c.page for c in r if c.page is not None), None)
        at = f" p{page}" if page is not None and page != t.page else ""
        out.append(f"    r{i}{at}: " + " | ".join(_cell(c) for c in r))
    return out


def text_view(doc: ExtractedDocument, pages: Optional[tuple[int, Optional[int]]] = None) -> list[str]:
    """Lines to print: the document, its pages, then its blocks in reading order (only
    those on ``pages``, tables numbered as in the whole document); cells are separated by
    " | ", a merged cell says its span as [rows x columns], a covered grid position (under
    another cell's span) is "~"."""
    tables = [b for b in doc.blocks if isinstance(b, Table)]
    numbers = {id(t): k for k, t in enumerate(tables, 1)}
    if pages is not None:
        doc = select_pages(doc, *pages)
    out = [f"{doc.source_path}: {doc.format}"
           + (f", {doc.pages} page{'s' * (doc.pages != 1)}" if doc.pages is not None else "")
           + f", status {doc.status}"]
    if doc.error:
        out.append(f"error: {doc.error}")
    out += [f"warning: {w}" for w in doc.warnings]
    for p in doc.page_info:
        q = f"quality {p.quality:.2f}" if p.quality is not None else "no text"
        size = f"{p.width:.1f} x {p.height:.1f} pt, " if p.width else ""
        out.append(f"page {p.page}: {size}{p.method}, {p.chars} characters, {q}"
                   + (f", OCR confidence {p.ocr_confidence:.0f}" if p.ocr_confidence is not None else ""))
    for b in doc.blocks:
        out.append("")
        out += _table_lines(b, numbers[id(b)]) if isinstance(b, Table) else _paragraph_lines(b)
    return out
