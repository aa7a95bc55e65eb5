"""Table columns of a layout: what each column's header says, what its cells show for a measure,
and which gold field (if any) the column carries.

Kinds: field (a gold field's text), filler (a column with no field: budget, target, KPI, remark),
number (ลำดับ/ที่), tick (one quarter or month of the fiscal year, ticked when the measure's
period touches it), status (one status word, ticked when it is the measure's status).
"""
from dataclasses import dataclass, replace

from .periods import ticked_months, ticked_quarters
from .source import FILLERS, Report, filler


@dataclass(frozen=True)
class Col:
    path: tuple            # header texts, parent first (1 or 2 levels)
    kind: str              # field | filler | number | tick | status
    key: object = None     # field name | filler kind | tick index | status key
    unit: str = ""         # tick columns: month | quarter
    width: float = 1.0
    align: str | None = None
    optional: bool = False  # dropped when no measure of the report has this field


def F(field: str, header: str, width: float = 2.0, align: str | None = None, optional: bool = False) -> Col:
    """A column showing a gold field (period: the period text)."""
    return Col((header,), "field", field, width=width, align=align, optional=optional)


def filler_col(kind: str, header: str, width: float = 1.2, align: str | None = None) -> Col:
    return Col((header,), "filler", kind, width=width, align=align)


def number_col(header: str = "ลำดับ") -> Col:
    return Col((header,), "number", width=0.7, align="center")


def group(parent: str, cols: list[Col]) -> list[Col]:
    """Sub-columns under one parent header cell spanning them."""
    return [replace(c, path=(parent,) + c.path) for c in cols]


def quarter_cols(parent: str, labels: str = "quarters", width: float = 0.8) -> list[Col]:
    return [Col((parent, q), "tick", i, "quarter", width, "center") for i, q in enumerate(FILLERS[labels])]


def month_cols(parent: str, width: float = 0.9) -> list[Col]:
    return [Col((parent, m), "tick", i, "month", width, "center") for i, m in enumerate(FILLERS["months"])]


def status_cols(parent: str, width: float = 0.8) -> list[Col]:
    st = FILLERS["statuses"]
    return [Col((parent, st[k]), "status", k, width=width, align="center") for k in ("done", "not_started", "doing")]


def measure_status(m: dict) -> str:
    """The status a report would tick for a measure, read from its result text."""
    result = (m.get("result") or "").strip()
    if not result:
        return "not_started"
    return "doing" if result.startswith("อยู่ระหว่าง") else "done"


def ticks(m: dict, unit: str, fy_be: int) -> list[int]:
    if unit == "quarter":
        return ticked_quarters(m.get("period_start"), m.get("period_end"), fy_be)
    return ticked_months(m.get("period_start"), m.get("period_end"), fy_be)


def field_text(m: dict, field: str) -> str | None:
    return m.get("period_text") if field == "period" else m.get(field)


def cell_text(col: Col, m: dict, i: int, report: Report, mark: str, empty: str) -> tuple[str, bool]:
    """(text, shaded) of measure m's (row i's) cell in column col; mark 'shade' fills ticked cells."""
    if col.kind == "field":
        return field_text(m, col.key) or empty, False
    if col.kind == "filler":
        return filler(col.key, i, report), False
    if col.kind == "number":
        return report.num(f"{i + 1}"), False
    hit = (col.key in ticks(m, col.unit, report.fiscal_year) if col.kind == "tick"
           else col.key == measure_status(m))
    if not hit:
        return "", False
    return ("", True) if mark == "shade" else (mark, False)


def has_values(col: Col, report: Report) -> bool:
    return col.kind != "field" or any(field_text(m, col.key) for m in report.measures)
