"""Fiscal-year arithmetic for tick columns: which quarters or months a measure's period covers,
and the dates a reader derives back from the ticked columns.

A Thai fiscal year (BE) runs from 1 October of the previous Gregorian year to 30 September:
FY 2567 = 2023-10-01 .. 2024-09-30. Quarter 1 = ต.ค.–ธ.ค., month column 0 = ต.ค.
"""
import calendar
from datetime import date

THAI_DIGITS = str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙")


def digits(text: str, style: str) -> str:
    """Arabic digits as the report writes them ('thai' or 'arabic')."""
    return text.translate(THAI_DIGITS) if style == "thai" else text


def fy_months(fy_be: int) -> list[date]:
    """First day of each month of the fiscal year, October first."""
    y = fy_be - 544
    return [date(y + (m < 10), m, 1) for m in (10, 11, 12, 1, 2, 3, 4, 5, 6, 7, 8, 9)]


def month_end(d: date) -> date:
    return date(d.year, d.month, calendar.monthrange(d.year, d.month)[1])


def ticked_months(start: str | None, end: str | None, fy_be: int) -> list[int]:
    """Month columns (0 = ต.ค.) the period touches, clamped to the fiscal year.
    A period with no dates ("ทุกเดือน", "ดำเนินการต่อเนื่อง") is ticked in every month."""
    months = fy_months(fy_be)
    if not start or not end:
        return list(range(12))
    s, e = date.fromisoformat(start), date.fromisoformat(end)
    return [i for i, m in enumerate(months) if m <= e and month_end(m) >= s]


def ticked_quarters(start: str | None, end: str | None, fy_be: int) -> list[int]:
    """Quarter columns (0 = ไตรมาส 1) the period touches."""
    return sorted({i // 3 for i in ticked_months(start, end, fy_be)})


def span_dates(cols: list[int], unit: str, fy_be: int) -> tuple[str | None, str | None]:
    """(period_start, period_end) a reader derives from ticked columns: the first day of the
    first ticked column and the last day of the last one; unit is 'month' or 'quarter'."""
    if not cols:
        return None, None
    months = fy_months(fy_be)
    per = 3 if unit == "quarter" else 1
    first, last = months[min(cols) * per], months[max(cols) * per + per - 1]
    return first.isoformat(), month_end(last).isoformat()
