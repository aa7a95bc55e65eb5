"""Turn a TXT seed report into HTML for LibreOffice (used by render_seed_pdfs.sh).

Lines with a tab are table rows; consecutive ones form one bordered table. A header row
followed by a row whose first cell is empty is rendered with colspan/rowspan (the TXT
keeps the text in the first cell of a span and leaves the others empty). Other lines are
<p> paragraphs. Cell markup (<p>, <ul>, <li>) is kept; other '<', '&' are escaped.
"""
import html
import re
import sys

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


def table_html(rows: list[list[str]], widths: dict[int, list[int]]) -> str:
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
    out = ['<table border="1" cellspacing="0" cellpadding="4" width="640">']
    pct = widths[ncol]
    out.append("<colgroup>" + "".join(f'<col width="{round(6.4 * x)}">' for x in pct) + "</colgroup>")
    for r, row in enumerate(rows):
        out.append("<tr>")
        for c, text in enumerate(row):
            sp = spans.get((r, c), (1, 1))
            if sp is None:
                continue
            attrs = (f' rowspan="{sp[0]}"' if sp[0] > 1 else "") + (f' colspan="{sp[1]}"' if sp[1] > 1 else "")
            attrs += f' width="{round(6.4 * sum(pct[c:c + sp[1]]))}"'
            tag = "th" if (r == 0 or (r, c) in spans or r == 1 and (0, c) in spans) and spans else "td"
            out.append(f'<{tag}{attrs} valign="top">{cell_html(text)}</{tag}>')
        out.append("</tr>")
    out.append("</table>")
    return "\n".join(out)


def convert(txt: str) -> str:
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
    widths = col_widths([t for t in items if isinstance(t, list)])
    body = []
    for k, t in enumerate(items):
        if isinstance(t, str):
            body.append(t)
            continue
        if k and isinstance(items[k - 1], list):   # two tables in a row: keep them apart
            body.append("<p>&nbsp;</p>")
        body.append(table_html(t, widths))
    return ("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\">"
            "<style>@page { size: A4; margin: 2cm } body, p, td, th, li "
            "{ font-family: 'Laksaman'; font-size: 14pt } th { font-weight: bold }</style>"
            "</head><body>\n" + "\n".join(body) + "\n</body></html>\n")


if __name__ == "__main__":
    src, dst = sys.argv[1], sys.argv[2]
    with open(src, encoding="utf-8") as f:
        text = f.read()
    with open(dst, "w", encoding="utf-8") as f:
        f.write(convert(text))
