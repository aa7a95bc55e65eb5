"""spec.Doc -> HTML + CSS for Chromium's print-to-PDF.

Rules and fills are inline per cell (from spec.cell_borders), so what is drawn does not depend
on CSS selectors; header rows go in <thead> (repeated by Chromium on every page the table runs
onto) only when the table repeats its header; landscape pages are CSS named pages; running
headers and page numbers are @page margin boxes.
"""
import html

from .spec import Doc, NewPage, Para, Table, cell_borders

ALIGN = {"distribute": "justify"}


def _css_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _page_css(doc: Doc) -> str:
    boxes = ""
    small = f"font-family: '{doc.font}'; font-size: {max(10, doc.size - 4):g}pt"
    if doc.running_header:
        boxes += f"@top-center {{ content: {_css_string(doc.running_header)}; {small} }} "
    if doc.page_number:
        pre, _, post = doc.page_number.partition("{page}")
        boxes += f"@bottom-right {{ content: {_css_string(pre)} counter(page) {_css_string(post)}; {small} }} "
    size = "A4 landscape" if doc.landscape else "A4"
    return (f"@page {{ size: {size}; margin: {doc.margin_cm:g}cm; {boxes}}}\n"
            "@page wide { size: A4 landscape; }\n@page tall { size: A4 portrait; }\n")


def _cell_html(text: str, bullets: bool) -> str:
    lines = [html.escape(t) for t in text.split("\n")] if text else []
    if bullets:
        return "<ul>" + "".join(f"<li>{t}</li>" for t in lines) + "</ul>"
    return "".join(f"<div>{t or '&nbsp;'}</div>" for t in lines)


def _table_html(t: Table) -> str:
    total = sum(t.widths)
    out = ['<table>', "<colgroup>" + "".join(f'<col style="width:{100 * w / total:.2f}%">' for w in t.widths) + "</colgroup>"]
    head_open = t.repeat_header and t.header_rows
    out.append("<thead>" if head_open else "<tbody>")
    pad = t.cell_padding_pt
    for r, row in enumerate(t.rows):
        if head_open and r == t.header_rows:
            out.append("</thead><tbody>")
        out.append("<tr>")
        for c, cell in enumerate(row.cells):
            if cell is None:
                continue
            tag = "th" if row.kind in ("header", "title") else "td"
            style = [f"padding: {pad:g}pt {pad * 1.5:g}pt"]
            style += [f"border-{side}: {w:g}pt solid #000" for side, w in cell_borders(t, r, c).items() if w]
            fill = cell.shade or row.shade
            if fill:
                style.append(f"background-color: #{fill}")
            style.append(f"text-align: {ALIGN.get(cell.align, cell.align or 'left')}")
            if cell.bold or tag == "th":
                style.append("font-weight: bold")
            if t.font_size:
                style.append(f"font-size: {t.font_size:g}pt")
            span = (f' rowspan="{cell.row_span}"' if cell.row_span > 1 else "") + \
                   (f' colspan="{cell.col_span}"' if cell.col_span > 1 else "")
            out.append(f'<{tag}{span} style="{"; ".join(style)}">{_cell_html(cell.text, cell.bullets)}</{tag}>')
        out.append("</tr>")
    out.append("</tbody></table>")
    return "\n".join(out)


def render_html(doc: Doc) -> str:
    body, open_section = [], False
    for b in doc.blocks:
        if isinstance(b, NewPage):
            if open_section:
                body.append("</section>")
            open_section, page = True, "wide" if b.landscape else "tall"
            body.append(f'<section style="page: {page}; break-before: page">')
        elif isinstance(b, Para):
            weight = "; font-weight: bold" if b.bold else ""
            body.append(f'<p style="text-align: {b.align}{weight}">{html.escape(b.text)}</p>')
        elif isinstance(b, Table):
            body.append(_table_html(b))
    if open_section:
        body.append("</section>")
    css = (_page_css(doc) +
           "html { -webkit-print-color-adjust: exact; print-color-adjust: exact }\n"
           f"body {{ font-family: '{doc.font}'; font-size: {doc.size:g}pt; line-height: 1.3; margin: 0 }}\n"
           "p { margin: 0 0 0.35em }\n"
           "table { border-collapse: collapse; width: 100%; table-layout: fixed; margin: 0.3em 0 0.8em }\n"
           "td, th { vertical-align: top; font-weight: normal; overflow-wrap: anywhere }\n"
           "ul { margin: 0; padding-left: 1.1em }\n")
    return ('<!DOCTYPE html>\n<html lang="th"><head><meta charset="utf-8">\n<style>\n' + css +
            "</style></head><body>\n" + "\n".join(body) + "\n</body></html>\n")
