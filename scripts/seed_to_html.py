"""Turn a TXT seed report into HTML for LibreOffice (used by render_seed_pdfs.sh).

Lines with a tab are table rows; consecutive ones form one bordered table. A header row
followed by a row whose first cell is empty is rendered with colspan/rowspan (the TXT
keeps the text in the first cell of a span and leaves the others empty). Other lines are
<p> paragraphs. Cell markup (<p>, <ul>, <li>) is kept; other '<', '&' are escaped.

Style options (scripts/render_variants.sh uses them to make PDFs unlike the seed
renderings; the defaults give the seed renderings' HTML byte for byte):
  --font NAME --size PT   body and table font (default Laksaman 14)
  --landscape             A4 landscape (tables as wide as the text area)
  --borders grid|hrules|outer
                          grid: every cell bordered (border="1"); hrules: horizontal rules
                          only, no vertical borders (Word "horizontal borders"); outer: only
                          the table's frame. hrules/outer use inline CSS per cell, which
                          LibreOffice's HTML import honours (class selectors and
                          frame/rules attributes it does not, or only in part).
  --padding PX            cell padding (default 4 as in the seeds; Word's default cell
                          margins of 0.19 cm are ~7 px)
  --join                  a table that repeats the header of the table right before it is
                          appended to it (one long table that LibreOffice breaks across
                          pages, rows cut by the page break)
  --word-merges           merge cells as a Word author would (scripts/render_docx.sh): a
                          section row (one text in the first cell) spans the whole row; a
                          blank tool/indicator cell is merged down from the cell above; equal
                          owner/period texts in consecutive rows become one merged cell;
                          header cells are shaded; "<p>1. …</p><p>2. …</p>" runs become
                          numbered lists (<ol>)
"""
import argparse
import html
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

TAG = re.compile(r"</?(?:p|ul|ol|li|br|b|strong|i|em|u|span|div)\b[^<>]*>", re.I)


def cell_html(text: str) -> str:
    out, pos = [], 0
    for m in TAG.finditer(text):
        out.append(html.escape(text[pos:m.start()], quote=False))
        out.append(m.group(0))
        pos = m.end()
    out.append(html.escape(text[pos:], quote=False))
    return "".join(out)


def col_widths(tables: list[list[list[str]]]) -> dict[int, list[int]]:
    """Column widths (percent) per column count, shared by all tables of the document
    with that many columns (as in a real report, where continued tables line up):
    ~ sqrt of the column's longest text (LibreOffice's auto layout makes short-header
    columns a few characters wide)."""
    out = {}
    for ncol in {max(len(r) for r in t) for t in tables}:
        rows = [r + [""] * (ncol - len(r)) for t in tables if max(len(r) for r in t) == ncol for r in t]
        w = [max(3.0, max(len(re.sub(r"<[^>]+>", "", r[c])) for r in rows) ** 0.5) for c in range(ncol)]
        out[ncol] = [round(100 * x / sum(w)) for x in w]
    return out


def _border_css(style: str, r: int, c: int, sp: tuple, nrow: int, ncol: int) -> str:
    """Inline CSS borders of the cell at (r, c) spanning sp=(rowspan, colspan)."""
    line = "1px solid #000000"
    sides = []
    if style == "hrules":
        sides = ["bottom"] + (["top"] if r == 0 else [])
    elif style == "outer":
        if r == 0:
            sides.append("top")
        if r + sp[0] >= nrow:
            sides.append("bottom")
        if c == 0:
            sides.append("left")
        if c + sp[1] >= ncol:
            sides.append("right")
    return "; ".join(f"border-{s}: {line}" for s in sides)


# fields whose blank cells a Word author leaves merged with the cell above ("same as above"),
# and fields whose equal texts in consecutive rows are typed once in a merged cell
MERGE_BLANK_FIELDS = {"tool", "indicator"}
MERGE_EQUAL_FIELDS = {"owner", "period"}
_NUMBERED = re.compile(r"^(?:<p>\s*(\d{1,2})\.\s*(.*?)</p>\s*)+$", re.S)


def numbered_lists(text: str) -> str:
    """'<p>1. a</p> <p>2. b</p>' -> '<ol><li>a</li><li>b</li></ol>' (only a run 1, 2, 3 …)."""
    items = re.findall(r"<p>\s*(\d{1,2})\.\s*(.*?)</p>", text, flags=re.S)
    if len(items) < 2 or not _NUMBERED.match(text.strip()) or [int(n) for n, _ in items] != list(
            range(1, len(items) + 1)):
        return text
    return "<ol>" + "".join(f"<li>{t}</li>" for _, t in items) + "</ol>"


def word_merges(rows: list[list[str]], spans: dict) -> bool:
    """Add the spans of --word-merges to `spans` (see the module doc); True when the first
    row is a header row (to be shaded)."""
    from pipeline.headers import header_field
    ncol = len(rows[0])
    head = 2 if (0, 0) in spans or any(k[0] == 1 for k in spans) else 1
    fields = [header_field(rows[0][c]) or (header_field(rows[1][c]) if head > 1 else None) for c in range(ncol)]
    section = [r >= head and ncol >= 3 and rows[r][0].strip() and not any(x.strip() for x in rows[r][1:])
               for r in range(len(rows))]
    for r in range(head, len(rows)):
        if section[r]:
            spans[(r, 0)] = (1, ncol)
            spans.update({(r, c): None for c in range(1, ncol)})
    for c, f in enumerate(fields):
        if f not in MERGE_BLANK_FIELDS | MERGE_EQUAL_FIELDS:
            continue
        top = None
        for r in range(head, len(rows)):
            text = rows[r][c].strip()
            if section[r] or not any(x.strip() for x in rows[r]):
                top = None
                continue
            same = top is not None and ((f in MERGE_BLANK_FIELDS and not text)
                                        or (f in MERGE_EQUAL_FIELDS and text and text == rows[top][c].strip()))
            if same:
                spans[(top, c)] = (spans.get((top, c), (1, 1))[0] + 1, 1)
                spans[(r, c)] = None
            elif text:
                top = r
    return sum(1 for f in fields if f) >= 2


def table_html(rows: list[list[str]], widths: dict[int, list[int]], borders: str = "grid",
               width: int = 640, padding: int = 4, merges: bool = False) -> str:
    ncol = max(len(r) for r in rows)
    rows = [r + [""] * (ncol - len(r)) for r in rows]
    spans = {}          # (r, c) -> (rowspan, colspan); None = covered
    if len(rows) >= 2 and rows[0][0].strip() and not rows[1][0].strip() and any(x.strip() for x in rows[1]):
        h, s = rows[0], rows[1]
        c = 0
        while c < ncol:
            if not h[c].strip():
                c += 1
                continue
            span = 1
            while c + span < ncol and not h[c + span].strip() and s[c + span].strip():
                span += 1
            if span > 1:
                spans[(0, c)] = (1, span)
                for k in range(c + 1, c + span):
                    spans[(0, k)] = None
            elif not s[c].strip():
                spans[(0, c)] = (2, 1)
                spans[(1, c)] = None
            c += span
    head_spans = set(spans)
    shade = merges and word_merges(rows, spans)
    border = ' border="1"' if borders == "grid" else ""
    out = [f'<table{border} cellspacing="0" cellpadding="{padding}" width="{width}">']
    pct = widths[ncol]
    unit = width / 100
    out.append("<colgroup>" + "".join(f'<col width="{round(unit * x)}">' for x in pct) + "</colgroup>")
    for r, row in enumerate(rows):
        out.append("<tr>")
        for c, text in enumerate(row):
            sp = spans.get((r, c), (1, 1))
            if sp is None:
                continue
            attrs = (f' rowspan="{sp[0]}"' if sp[0] > 1 else "") + (f' colspan="{sp[1]}"' if sp[1] > 1 else "")
            attrs += f' width="{round(unit * sum(pct[c:c + sp[1]]))}"'
            css = _border_css(borders, r, c, sp, len(rows), ncol)
            tag = "th" if (r == 0 or (r, c) in head_spans or r == 1 and (0, c) in head_spans) and head_spans else "td"
            if shade and (r == 0 or tag == "th"):
                css = "; ".join(x for x in (css, "background-color: #d9d9d9") if x)
                tag = "th"
            if css:
                attrs += f' style="{css}"'
            body = cell_html(numbered_lists(text) if merges else text)
            out.append(f'<{tag}{attrs} valign="top">{body}</{tag}>')
        out.append("</tr>")
    out.append("</table>")
    return "\n".join(out)


def _join_continued(items: list) -> list:
    """Append a table that repeats the header rows of the table right before it."""
    out: list = []
    for t in items:
        prev = out[-1] if out else None
        if isinstance(t, list) and isinstance(prev, list) and len(t[0]) == len(prev[0]):
            k = 0
            while k < min(len(t), len(prev)) - 1 and t[k] == prev[k]:
                k += 1
            if k:
                prev.extend(t[k:])
                continue
        out.append(t)
    return out


def convert(txt: str, font: str = "Laksaman", size: float = 14, landscape: bool = False,
            borders: str = "grid", join: bool = False, padding: int = 4, merges: bool = False) -> str:
    items, table = [], []          # str (paragraph html) | list of rows
    for line in txt.splitlines():
        if "\t" in line:
            table.append(line.split("\t"))
            continue
        if table:
            items.append(table)
            table = []
        if line.strip():
            items.append(f"<p>{cell_html(line.strip())}</p>")
    if table:
        items.append(table)
    if join:
        items = _join_continued(items)
    width = 960 if landscape else 640
    widths = col_widths([t for t in items if isinstance(t, list)])
    body = []
    for k, t in enumerate(items):
        if isinstance(t, str):
            body.append(t)
            continue
        if k and isinstance(items[k - 1], list):   # two tables in a row: keep them apart
            body.append("<p>&nbsp;</p>")
        body.append(table_html(t, widths, borders, width, padding, merges))
    page = "A4 landscape" if landscape else "A4"
    return ("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\">"
            f"<style>@page {{ size: {page}; margin: 2cm }} body, p, td, th, li "
            f"{{ font-family: '{font}'; font-size: {size:g}pt }} th {{ font-weight: bold }}</style>"
            "</head><body>\n" + "\n".join(body) + "\n</body></html>\n")


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description="TXT seed report -> HTML for LibreOffice")
    ap.add_argument("src")
    ap.add_argument("dst")
    ap.add_argument("--font", default="Laksaman")
    ap.add_argument("--size", type=float, default=14)
    ap.add_argument("--landscape", action="store_true")
    ap.add_argument("--borders", choices=["grid", "hrules", "outer"], default="grid")
    ap.add_argument("--padding", type=int, default=4)
    ap.add_argument("--join", action="store_true")
    ap.add_argument("--word-merges", action="store_true", dest="merges")
    a = ap.parse_args()
    with open(a.src, encoding="utf-8") as f:
        text = f.read()
    with open(a.dst, "w", encoding="utf-8") as f:
        f.write(convert(text, a.font, a.size, a.landscape, a.borders, a.join, a.padding, a.merges))
