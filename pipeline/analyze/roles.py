"""What a passage is: body text, or a title / heading / running page header.

Only body passages make cross_agency, within_report and same_agency_other_year findings;
the others stay in `passages` with their role (two reports that share the title
"รายงานผลการดำเนินการตามมาตรการส่งเสริมคุณธรรมและความโปร่งใสภายในหน่วยงาน" copied nothing).

Two sources, the layout first:
- layout_roles() (at load time, from the extractor's Paragraph fields): the role the
  extractor set; else, where it gave boxes and font sizes, a short paragraph that is bold,
  larger than the body font or centred is a heading, and one repeated at the same height on
  several pages is a running header. Tolerances are in em (the paragraph's font size).
- text_role() (at analysis time, from text alone, for TXT and for PDFs without hints): the
  report-title patterns of schemas/report_titles.txt, section headings ("ส่วนที่ 1 …",
  "1.2 การ…"), signature blocks ("(นางสาว…)" and a position), single short lines, short lines repeated on several pages of one report
  or in several reports, and a measure row's own name.
"""
from __future__ import annotations

import re
import statistics
from collections import Counter, defaultdict
from functools import lru_cache
from typing import Optional, Sequence

from pipeline.records import PageInfo, Paragraph
from pipeline.vocab import load_lines

ROLES = ("body", "title", "heading", "running", "signature")
HEADING_CHARS = 60          # a single line up to this many comparison characters is a heading
REPEATED_CHARS = 120        # a line repeated on pages / across reports up to this long is not body
MEASURE_NAME_CHARS = 80     # a measure cell up to this long is the row's name
LAYOUT_LINES = 3            # a heading by layout has at most this many lines
BIGGER = 1.15               # a heading's font is this much larger than the body's
CENTRE_EM = 2.0             # centred: left and right gaps differ by at most this many em
INDENT_EM = 3.0             # ... and it starts this many em right of the body's left edge
SAME_HEIGHT_EM = 1.0        # running header: same top (within this many em) on other pages
RUNNING_PAGES = 2           # ... on at least this many pages
REPORTS = 3                 # a short line found in this many reports is a heading

_SECTION = re.compile(r"^(?:ส่วนที่|บทที่|ตอนที่|ภาคผนวก|หมวด(?:ที่)?|ข้อ)?\s*\(?[0-9๐-๙]+(?:[.)][0-9๐-๙]*)*\)?\.?\s")
# a signature block: "(นางสาวพีพรรณ ศรีทับทิม)" then the signer's position
_SIGNATURE = re.compile(r"^\s*\(\s*(?:นาย|นาง|นางสาว|ดร\.|ว่าที่|ร\.ต\.|พ\.ต\.|จ\.ส\.)[^()\n]{2,60}\)")
SIGNATURE_LINES = 4
_PAGE_NO = re.compile(r"^\s*(?:-\s*)?(?:หน้า|page)?\s*[0-9๐-๙]+(?:\s*/\s*[0-9๐-๙]+)?\s*(?:-)?\s*$", re.I)


@lru_cache(maxsize=1)
def _title_patterns() -> tuple[re.Pattern, ...]:
    return tuple(re.compile(p) for p in load_lines("report_titles.txt"))


def is_report_title(key: str) -> bool:
    """The comparison text (pipeline.analyze.textkey) starts as a report title does."""
    return any(p.match(key) for p in _title_patterns())


def text_role(text: str, key: str, field: str, repeats_in_report: int = 1,
              reports_with_it: int = 1) -> str:
    """Role of a passage from its text alone. key: its comparison text; field: measure,
    result, … or paragraph; repeats_in_report: on how many pages (or paragraphs) of its
    report the same key stands; reports_with_it: in how many reports."""
    lines = [ln for ln in (text or "").splitlines() if ln.strip()]
    if field == "measure":
        return "heading" if len(key) <= MEASURE_NAME_CHARS else "body"
    if field != "paragraph":
        return "body"
    if _PAGE_NO.match(text or ""):
        return "running"
    if len(lines) <= SIGNATURE_LINES and _SIGNATURE.match(text or ""):
        return "signature"
    if len(key) <= REPEATED_CHARS and repeats_in_report >= RUNNING_PAGES:
        return "running"
    if len(key) <= REPEATED_CHARS and len(lines) <= LAYOUT_LINES and is_report_title(key):
        return "title"
    if len(lines) <= 1 and len(key) <= REPEATED_CHARS and reports_with_it >= REPORTS:
        return "heading"
    if len(lines) <= 1 and len(key) <= HEADING_CHARS:
        return "heading"
    if len(lines) <= 2 and len(key) <= HEADING_CHARS and _SECTION.match(text):
        return "heading"
    return "body"


def passage_roles(rows: Sequence[tuple], keys: Sequence[str], layout: Sequence[Optional[str]]) -> list[str]:
    """Role of every passage. rows: (passage_id, doc_id, measure_id, field, text, page);
    layout: the role the layout gave (None where it gave none) — it wins when it says the
    passage is not body; text decides otherwise."""
    pages_by_key: dict = defaultdict(set)
    docs_by_key: dict = defaultdict(set)
    for r, k in zip(rows, keys):
        if r[3] == "paragraph" and k and len(k) <= REPEATED_CHARS:
            pages_by_key[(r[1], k)].add(r[5] if r[5] is not None else ("p", r[0]))
            docs_by_key[k].add(r[1])
    out = []
    for r, k, lay in zip(rows, keys, layout):
        if lay and lay != "body":
            out.append(lay if lay in ROLES else "heading")
            continue
        out.append(text_role(r[4], k, r[3], len(pages_by_key.get((r[1], k), ())),
                             len(docs_by_key.get(k, ()))))
    return out


# ---- layout ------------------------------------------------------------------------------
def _lines(p: Paragraph) -> int:
    return len([ln for ln in p.text.splitlines() if ln.strip()]) or 1


def layout_roles(paragraphs: Sequence[Paragraph], pages: Sequence[PageInfo] = ()) -> list[Optional[str]]:
    """Role of each paragraph from the extractor: its own role, else from boxes and font
    sizes (None where the extractor gave neither: TXT)."""
    width = {p.page: p.width for p in pages if p.width}
    sized = [p for p in paragraphs if p.font_size and p.bbox and _lines(p) >= 3]
    body_font = statistics.median(p.font_size for p in sized) if sized else None
    body_x0 = statistics.median(p.bbox[0] for p in sized) if sized else None
    tops = Counter()
    for p in paragraphs:
        if p.bbox and p.font_size and len(p.text) <= 200:
            tops[(p.text.strip(), round(p.bbox[1] / (SAME_HEIGHT_EM * p.font_size)))] += 1
    out: list[Optional[str]] = []
    for p in paragraphs:
        if p.role:
            out.append(p.role)
            continue
        if not (p.bbox and p.font_size):
            out.append(None)
            continue
        em = p.font_size
        short = _lines(p) <= LAYOUT_LINES and len(p.text) <= 200
        if short and tops[(p.text.strip(), round(p.bbox[1] / (SAME_HEIGHT_EM * em)))] >= RUNNING_PAGES:
            out.append("running")
            continue
        w = width.get(p.page)
        centred = (w is not None and body_x0 is not None and p.bbox[0] >= body_x0 + INDENT_EM * em
                   and abs(p.bbox[0] - (w - p.bbox[2])) <= CENTRE_EM * em)
        bigger = body_font is not None and em >= BIGGER * body_font
        out.append("heading" if short and (p.bold or bigger or centred) else "body")
    return out
