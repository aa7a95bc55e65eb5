"""Which of two reports is the earlier one: the fiscal year, then the date written in the
report, then the file's date. "B (2567) repeats A (2566)" needs to know who was first."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Optional

from pipeline.dates import parse_period

# a date the report is written on: "วันที่ 12 กุมภาพันธ์ 2564", "ณ วันที่ 30 ก.ย. 67"
_WRITTEN = re.compile(r"(?:ณ\s*|ลง)?วันที่\s*([0-9๐-๙]{1,2}\s*[\u0e01-\u0e4e.]{2,12}\s*(?:พ\.\s*ศ\.\s*)?[0-9๐-๙]{2,4})")
HEAD_PARAGRAPHS = 40        # the date is looked for in the report's first paragraphs


@dataclass
class DocTime:
    fiscal_year: Optional[int]
    written: Optional[date]
    file_time: Optional[datetime]


def written_dates(con) -> dict[str, date]:
    """doc_id -> the first date written in the report's first paragraphs."""
    out: dict[str, date] = {}
    for doc_id, text in con.execute(f"""
            SELECT doc_id, text FROM paragraphs
            WHERE para_no <= {HEAD_PARAGRAPHS} AND text LIKE '%วันที่%' ORDER BY doc_id, para_no""").fetchall():
        if doc_id in out:
            continue
        for m in _WRITTEN.finditer(text or ""):
            p = parse_period(m.group(1))
            if p.start is not None and p.start == p.end:
                out[doc_id] = p.start
                break
    return out


def doc_times(con) -> dict[str, DocTime]:
    written = written_dates(con)
    files = dict(con.execute("SELECT doc_id, min(mtime) FROM files GROUP BY doc_id").fetchall())
    return {d: DocTime(fy, written.get(d), files.get(d))
            for d, fy in con.execute("SELECT doc_id, fiscal_year FROM documents").fetchall()}


def earlier_first(a: str, b: str, times: dict[str, DocTime]) -> tuple[str, str, Optional[str]]:
    """(earlier, later, basis): basis is fiscal_year, report_date or file_date, or None
    when nothing tells them apart (then the order is by document id)."""
    ta, tb = times.get(a), times.get(b)
    for basis, attr in (("fiscal_year", "fiscal_year"), ("report_date", "written"), ("file_date", "file_time")):
        va, vb = getattr(ta, attr, None), getattr(tb, attr, None)
        if va is not None and vb is not None and va != vb:
            return (a, b, basis) if va < vb else (b, a, basis)
    return (a, b, None) if a <= b else (b, a, None)
