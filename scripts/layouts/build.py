"""Turn a report and a layout design into a producer-neutral document (spec.Doc) and the gold its
rendering must be read as.

The gold is the source gold adjusted exactly as the layout requires: a field with no column is
null; a period shown only as ticks has period_text null and the dates of the ticked columns; a
status shown only as ticks is the result; tool and indicator stated by section rows are kept on
every measure under them; merged cells give their value to every row they cover (the source
values are equal there, so nothing changes); columns with no field change nothing.
"""
from dataclasses import dataclass

from .columns import Col, cell_text, has_values, measure_status, ticks
from .periods import fy_months, month_end, span_dates
from .source import FILLERS, Report
from .spec import Cell, Doc, NewPage, Para, Row, Table

TICK_SHADE = "808080"
TEXT_FIELDS = ("measure", "method", "owner", "issue", "result", "outcome")


@dataclass
class Design:
    columns: list[Col]
    title: str | None = None        # title row spanning the table; {agency}, {fy} filled in
    sections: str | None = None     # tool | tool_short | indicator | tool+indicator | strategy
    strategy_size: int = 2          # measures per strategy section
    merge: tuple = ()               # fields whose equal consecutive cells are merged vertically
    round12: bool = False           # one period cell ("รอบ 12 เดือน ...") merged over the whole table
    mark: str = "✓"                 # tick text, or "shade" for filled tick cells
    rules: str = "grid"             # grid | booktabs | hrules | frame | none
    header_shade: str | None = "D9D9D9"
    section_shade: str | None = "F2F2F2"
    zebra: str | None = None        # fill of every other measure row
    repeat_header: bool = True      # header block repeated on each page the table runs onto
    bullets: bool = False           # multi-line cells drawn as list items
    empty: str = ""                 # text of an empty field cell ("-" in many reports)
    align: str | None = None        # default cell alignment
    split_every: int | None = None  # cut the table into parts of N measures, each on a new page
    repeat_copy: bool = True        # each part after the first starts with a copy of the header
    table_font: float | None = None
    landscape: str = "no"           # no | all | table (prose portrait, the tables on landscape pages)
    running: bool = False           # running page header and page numbers
    scores: bool = True             # draw the report's indicator scores as a table
    padding: float = 3.0            # cell padding, pt
    describe: str = ""


def header_block(cols: list[Col], shade: str | None, num=str) -> list[Row]:
    """Header rows from the columns' paths: a parent cell spans its sub-columns, a column
    without a parent spans all header rows; num writes digits in the report's style."""
    n, depth = len(cols), max(len(c.path) for c in cols)
    grid = [[None] * n for _ in range(depth)]
    c = 0
    while c < n:
        if len(cols[c].path) == 1:
            grid[0][c] = Cell(num(cols[c].path[0]), row_span=depth, bold=True, align="center", shade=shade)
            c += 1
            continue
        k = c
        while k < n and len(cols[k].path) == 2 and cols[k].path[0] == cols[c].path[0]:
            k += 1
        grid[0][c] = Cell(num(cols[c].path[0]), col_span=k - c, bold=True, align="center", shade=shade)
        for j in range(c, k):
            grid[1][j] = Cell(num(cols[j].path[1]), bold=True, align="center", shade=shade)
        c = k
    return [Row(r, "header") for r in grid]


def spanning_row(text: str, n: int, kind: str, shade: str | None, align: str = "left") -> Row:
    return Row([Cell(text, col_span=n, bold=True, shade=shade, align=align)] + [None] * (n - 1), kind, shade)


def section_keys(report: Report, design: Design, m: dict, i: int) -> list[tuple]:
    """(key, text) of the section rows a measure sits under, outermost first."""
    kinds = {"tool+indicator": ["tool", "indicator"]}.get(design.sections, [design.sections])
    out = []
    for kind in kinds:
        if kind in ("tool", "tool_short"):
            table = FILLERS["tool_sections" if kind == "tool" else "tool_sections_short"]
            out.append((m["tool"], table[m["tool"]]))
        elif kind == "indicator":
            text = FILLERS["indicator_section"].format(no=m["indicator_no"], name=m["indicator"])
            out.append((m["indicator_no"], report.num(text)))
        elif kind == "strategy":
            k = i // design.strategy_size
            out.append((k, report.num(FILLERS["strategies"][k % len(FILLERS["strategies"])])))
    return out


def round12_text(report: Report) -> str:
    y1 = report.fiscal_year
    return report.num(FILLERS["round12"].format(y0=y1 - 1, y1=y1))


def measure_row(cols: list[Col], m: dict, i: int, report: Report, design: Design) -> Row:
    cells = []
    for col in cols:
        text, shaded = cell_text(col, m, i, report, design.mark, design.empty)
        cells.append(Cell(text, align=col.align or design.align, shade=TICK_SHADE if shaded else None,
                          bullets=design.bullets and col.kind == "field" and "\n" in text))
    return Row(cells, "measure", design.zebra if i % 2 else None)


def merge_down(rows: list[Row], j: int, text: str | None = None) -> None:
    """Merge column j's cells vertically over runs of consecutive measure rows with equal text
    (or, with text, over all measure rows, showing that text)."""
    runs, run = [], []
    for r, row in enumerate(rows):
        if row.kind != "measure":
            runs.append(run)
            run = []
        elif text is None and run and rows[run[-1]].cells[j].text != row.cells[j].text:
            runs.append(run)
            run = [r]
        else:
            run.append(r)
    runs.append(run)
    for run in runs:
        if not run or (text is None and (len(run) < 2 or not rows[run[0]].cells[j].text.strip("- "))):
            continue
        top = rows[run[0]].cells[j]
        top.row_span = len(run)
        top.text = top.text if text is None else text
        for r in run[1:]:
            rows[r].cells[j] = None


def body_parts(report: Report, design: Design, cols: list[Col]) -> list[list[Row]]:
    """Section and measure rows, cut into the parts that go on separate pages."""
    n, parts, rows, prev, count = len(cols), [], [], [], 0
    for i, m in enumerate(report.measures):
        if design.split_every and count == design.split_every:
            parts.append(rows)
            rows, count = [], 0
        keys = section_keys(report, design, m, i) if design.sections else []
        for level, (key, text) in enumerate(keys):
            if prev[:level + 1] != [k for k, _ in keys[:level + 1]]:
                rows.append(spanning_row(text, n, "section", design.section_shade))
        prev = [k for k, _ in keys]
        rows.append(measure_row(cols, m, i, report, design))
        count += 1
    parts.append(rows)
    keys = [c.key for c in cols]
    for rows in parts:
        if design.round12:
            merge_down(rows, keys.index("period"), round12_text(report))
        for f in design.merge:
            if f in keys:
                merge_down(rows, keys.index(f))
    return parts


def shown_fields(cols: list[Col], design: Design) -> set[str]:
    shown = {c.key for c in cols if c.kind == "field"}
    if design.sections in ("tool", "tool_short", "tool+indicator"):
        shown.add("tool")
    if design.sections in ("indicator", "tool+indicator"):
        shown.add("indicator")
    return shown


def gold_measure(m: dict, report: Report, design: Design, cols: list[Col]) -> dict:
    shown, fy = shown_fields(cols, design), report.fiscal_year
    g = dict.fromkeys(m)
    for f in TEXT_FIELDS:
        if f in shown:
            g[f] = m[f]
    if "tool" in shown or report.tool_from == "text":
        g["tool"] = m["tool"]
    if "indicator" in shown:
        g["indicator"], g["indicator_no"] = m["indicator"], m["indicator_no"]
    units = {c.unit for c in cols if c.kind == "tick"}
    if design.round12:
        g["period_text"] = round12_text(report)
        g["period_start"], g["period_end"] = fy_months(fy)[0].isoformat(), month_end(fy_months(fy)[-1]).isoformat()
    elif units:
        unit = units.pop()
        g["period_start"], g["period_end"] = span_dates(ticks(m, unit, fy), unit, fy)
    elif "period" in shown:
        for f in ("period_text", "period_start", "period_end"):
            g[f] = m[f]
    if any(c.kind == "status" for c in cols) and "result" not in shown:
        g["result"] = FILLERS["statuses"][measure_status(m)]
    return g


def gold_notes(report: Report, design: Design, cols: list[Col]) -> list[str]:
    """How this rendering's gold differs from the source gold, and why."""
    shown, notes = shown_fields(cols, design), []
    units = {c.unit for c in cols if c.kind == "tick"}
    dropped = [f for f in TEXT_FIELDS + ("indicator", "period")
               if f not in shown and any(m.get("period_text" if f == "period" else f) for m in report.measures)
               and not (f == "period" and (units or design.round12))]
    if "tool" not in shown and report.tool_from == "column" and any(m["tool"] for m in report.measures):
        dropped.append("tool")
    if dropped:
        notes.append(f"null here, no column for them in this layout: {', '.join(dropped)}")
    if design.sections in ("tool", "tool_short", "tool+indicator", "indicator"):
        notes.append("tool/indicator come from the section rows above each measure (section rows are not measures)")
    if units:
        unit = units.pop()
        notes.append(f"period_text null; period_start/period_end = first day of the first and last day of the last "
                     f"ticked {unit} of fiscal year {report.fiscal_year} (a period without dates is ticked in every "
                     f"{unit}; one reaching outside the fiscal year is clipped to it)")
    if design.round12:
        notes.append("period = the one merged cell for the whole table: period_text its text, dates the fiscal year")
    if any(c.kind == "status" for c in cols):
        notes.append("result = the ticked status word" if "result" not in shown else
                     "result = the narrative result column; the ticked status is extra (no field)")
    merged = [f for f in design.merge if f in {c.key for c in cols}]
    if merged:
        notes.append(f"{'/'.join(merged)} cells merged vertically where consecutive measures have the same value; "
                     "every covered measure keeps it")
    if any(c.kind in ("filler", "number") for c in cols):
        notes.append("columns with no field (" + ", ".join(c.path[-1] for c in cols if c.kind in ("filler", "number"))
                     + ") change nothing")
    return notes


def score_table(report: Report, design: Design) -> Table:
    head = [Cell(h, bold=True, align="center", shade=design.header_shade) for h in FILLERS["score_header"]]
    rows = [Row(head, "header")]
    for s in report.gold["scores"]:
        name = FILLERS["indicator_names"][str(s["indicator_no"])]
        rows.append(Row([Cell(report.num(f"{s['indicator_no']}. {name}")),
                         Cell(report.num(f"{s['score']:.2f}"), align="center")], "score"))
    return Table(rows, [4, 1], design.rules, 1, False, design.table_font, design.padding)


def build_doc(report: Report, design: Design, font: str, size: float) -> tuple[Doc, list[dict]]:
    cols = [c for c in design.columns if not (c.optional and not has_values(c, report))]
    assert not (design.round12 and design.sections), "a period merged over the table cannot cross section rows"
    n, fy = len(cols), report.num(str(report.fiscal_year))
    head = header_block(cols, design.header_shade, report.num)
    title = []
    if design.title:
        text = design.title.format(agency=report.gold["agency"], fy=fy)
        title = [spanning_row(text, n, "title", design.header_shade, "center")]
    widths = [c.width for c in cols]
    tables = []
    for k, rows in enumerate(body_parts(report, design, cols)):
        top = title + head if k == 0 else (head if design.repeat_copy else [])
        tables.append(Table(top + rows, widths, design.rules, len(top), design.repeat_header,
                            design.table_font, design.padding))
    blocks = [Para(t, "center", True) for t in report.title] + [Para(t, "justify") for t in report.body]
    if design.scores and report.gold["scores"]:
        blocks.append(score_table(report, design))
    blocks += [Para(t, "justify") for t in report.before_table]
    wide = design.landscape == "table"
    if wide:
        blocks.append(NewPage(landscape=True))
    for k, t in enumerate(tables):
        if k:
            blocks.append(NewPage(landscape=wide or design.landscape == "all"))
        blocks.append(t)
    if wide:
        blocks.append(NewPage(landscape=False))
    blocks += [Para(t, "center") for t in report.closing]
    doc = Doc(blocks, font, size, landscape=design.landscape == "all")
    if design.running:
        doc.running_header = report.num(f"{report.gold['agency']} : มาตรการส่งเสริมคุณธรรมและความโปร่งใส ปีงบประมาณ {report.fiscal_year}")
        doc.page_number = report.num("หน้า {page}")
    doc.notes = gold_notes(report, design, cols)
    gold = [gold_measure(m, report, design, cols) for m in report.measures]
    return doc, gold
