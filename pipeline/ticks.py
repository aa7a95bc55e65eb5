"""Ticked cells: periods from ticked quarter/month/year sub-columns, a status from a ticked
status sub-column or from a ticked option of a tick-box list in one cell."""
from __future__ import annotations

import calendar
import re
from datetime import date
from typing import Optional

from pipeline.dates import fiscal_year_range
from pipeline.normalize import normalize_cell
from pipeline.records import Cell

NOT_TICKED = {"-", "–", "—", "0", "ไม่มี", "ไม่"}
_OPTION = re.compile(r"[☑☒✓✔√]\s*([^☐☑☒✓✔√\n]+)")


def is_ticked(cell: Cell, row: list[Cell]) -> bool:
    """A tick column's cell is ticked when it holds a mark (or any text but a dash: a date
    or a note written into the box), or is shaded while its row is not shaded across (a
    Gantt bar; a row shaded across is zebra striping, not ticks)."""
    text = normalize_cell(cell.text).strip()
    if text:
        return text not in NOT_TICKED
    return cell.shaded and not all(c.shaded for c in row)


def _month_start(year_ce: int, month: int) -> date:
    return date(year_ce, month, 1)


def _month_end(year_ce: int, month: int) -> date:
    return date(year_ce, month, calendar.monthrange(year_ce, month)[1])


def _fiscal_month_year(fiscal_year: int, month: int) -> int:
    """Calendar year (CE) of a month of fiscal year ``fiscal_year`` (BE): October-December
    fall in the year before."""
    return fiscal_year - 544 if month >= 10 else fiscal_year - 543


def tick_range(tick: tuple, fiscal_year: Optional[int]) -> Optional[tuple[date, date]]:
    """First and last day of one tick column: a quarter or month of the fiscal year
    (BE; October to September), a month with its own year, or a whole fiscal year."""
    kind = tick[0]
    if kind == "y":
        return fiscal_year_range(tick[1] if tick[1] > 2400 else tick[1] + 543)
    if kind == "q":
        if not fiscal_year:
            return None
        first = (10, 1, 4, 7)[tick[1] - 1]
        year = _fiscal_month_year(fiscal_year, first)
        return _month_start(year, first), _month_end(year, first + 2)
    if kind == "mr":                             # a span of months of the fiscal year
        if not fiscal_year:
            return None
        first, last = tick[1], tick[2]
        return (_month_start(_fiscal_month_year(fiscal_year, first), first),
                _month_end(_fiscal_month_year(fiscal_year, last), last))
    if kind == "m":
        month, year_be = tick[1], tick[2]
        if year_be:
            year = year_be - 543
        elif fiscal_year:
            year = _fiscal_month_year(fiscal_year, month)
        else:
            return None
        return _month_start(year, month), _month_end(year, month)
    return None


def ticked_period(ticks: list[tuple], fiscal_year: Optional[int]) -> tuple[Optional[date], Optional[date]]:
    """Period of a row from its ticked columns: first day of the first, last of the last."""
    ranges = [r for t in ticks if (r := tick_range(t, fiscal_year))]
    if not ranges:
        return None, None
    return min(r[0] for r in ranges), max(r[1] for r in ranges)


def ticked_option(text: str) -> Optional[str]:
    """The ticked wording of a tick-box list in one cell ("☐ ยังไม่ได้ดำเนินการ ☑ เฝ้าระวัง…")."""
    if not text or "☐" not in text and "☑" not in text:
        return None
    m = _OPTION.search(text)
    return m.group(1).strip() if m else None
