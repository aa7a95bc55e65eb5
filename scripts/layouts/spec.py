"""A rendered report as the two producers (Chromium, Word/LibreOffice) both draw it.

A table is a grid: every row has one entry per grid column; a cell spanning rows or columns
sits at its top-left position and the positions it covers are None, so an HTML renderer skips
them and a DOCX renderer merges them (gridSpan / vMerge).
"""
from dataclasses import dataclass, field


@dataclass
class Cell:
    text: str = ""                 # one item per line
    row_span: int = 1
    col_span: int = 1
    shade: str | None = None       # fill, hex RRGGBB
    bold: bool = False
    align: str | None = None       # left | center | justify | distribute; None: the table's default
    bullets: bool = False          # lines drawn as list items


@dataclass
class Row:
    cells: list                    # list[Cell | None], one per grid column
    kind: str                      # title | header | section | measure | score | body
    shade: str | None = None       # fill of the whole row (zebra, section rows)


@dataclass
class Table:
    rows: list[Row]
    widths: list[float]            # relative column widths
    rules: str = "grid"            # grid | booktabs | hrules | frame | none
    header_rows: int = 0           # leading rows (title and header block) that repeat when repeat_header
    repeat_header: bool = False
    font_size: float | None = None  # pt; None: the document's size
    cell_padding_pt: float = 3.0


@dataclass
class Para:
    text: str
    align: str = "left"            # left | center | justify | right
    bold: bool = False


@dataclass
class NewPage:
    landscape: bool = False        # orientation of the page(s) that start here


@dataclass
class Doc:
    blocks: list                   # Para | Table | NewPage
    font: str
    size: float                    # pt
    landscape: bool = False        # orientation of the first page
    running_header: str | None = None
    page_number: str | None = None  # footer text, "{page}" replaced by the page number
    margin_cm: float = 2.0
    notes: list[str] = field(default_factory=list)


THIN, THICK = 0.5, 1.5     # rule weights, pt


def cell_borders(table: Table, r: int, c: int) -> dict[str, float]:
    """Rule weight (pt, 0 = none) on each side of the cell at (r, c), from the table's rule style:
    grid: every side; booktabs: a thick rule above the table, a thin one under the header block
    and a thick one at the end, nothing else; hrules: a rule under every row and above the
    first; frame: only the table's outer frame; none: no rules at all."""
    cell, nrow, ncol = table.rows[r].cells[c], len(table.rows), len(table.widths)
    bottom, right = r + cell.row_span, c + cell.col_span
    top_edge, bottom_edge = r == 0, bottom == nrow
    style = table.rules
    sides = dict.fromkeys(("top", "bottom", "left", "right"), 0.0)
    if style == "grid":
        return dict.fromkeys(sides, THIN)
    if style == "booktabs":
        sides["top"] = THICK if top_edge else 0.0
        sides["bottom"] = THICK if bottom_edge else THIN if bottom == table.header_rows else 0.0
    elif style == "hrules":
        sides["top"] = THIN if top_edge else 0.0
        sides["bottom"] = THIN
    elif style == "frame":
        sides.update(top=THIN * top_edge, bottom=THIN * bottom_edge, left=THIN * (c == 0), right=THIN * (right == ncol))
    return sides
