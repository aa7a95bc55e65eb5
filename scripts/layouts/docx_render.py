"""spec.Doc -> .docx with python-docx, as a Word user's file: real merged cells (gridSpan /
vMerge), cell fills (w:shd), per-cell borders, repeated header rows (w:tblHeader), one section
per orientation, running header and a PAGE field in the footer.

Thai is a complex script: Word and LibreOffice draw it with the w:cs font at w:szCs size (and
w:bCs for bold), so every run sets those beside the Latin ones; w:lang bidi="th-TH" gives
LibreOffice Thai line breaking.
"""
from docx import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from .spec import Doc, NewPage, Para, Table, cell_borders

ALIGN = {"left": WD_ALIGN_PARAGRAPH.LEFT, "center": WD_ALIGN_PARAGRAPH.CENTER, "right": WD_ALIGN_PARAGRAPH.RIGHT,
         "justify": WD_ALIGN_PARAGRAPH.JUSTIFY, "distribute": WD_ALIGN_PARAGRAPH.THAI_JUSTIFY}
A4 = (Cm(21.0), Cm(29.7))


def _el(tag: str, **attrs) -> OxmlElement:
    e = OxmlElement(tag)
    for k, v in attrs.items():
        e.set(qn(k), str(v))
    return e


def _run_fonts(rpr, font: str, size: float | None, bold: bool = False) -> None:
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.insert(0, fonts)
    for k in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(k), font)
    if bold:
        rpr.append(_el("w:b"))
        rpr.append(_el("w:bCs"))
    if size:
        rpr.append(_el("w:sz", **{"w:val": int(size * 2)}))
        rpr.append(_el("w:szCs", **{"w:val": int(size * 2)}))


def _add_run(par, text: str, font: str, size: float | None, bold: bool = False):
    run = par.add_run(text)
    _run_fonts(run._r.get_or_add_rPr(), font, size, bold)
    return run


def _setup_styles(d, doc: Doc) -> None:
    normal = d.styles["Normal"]
    rpr = normal.element.get_or_add_rPr()
    _run_fonts(rpr, doc.font, doc.size)
    rpr.append(_el("w:lang", **{"w:val": "en-US", "w:bidi": "th-TH"}))
    fmt = normal.paragraph_format
    fmt.space_before, fmt.space_after, fmt.line_spacing = Pt(0), Pt(0), 1.0
    fmt.widow_control = False


def _page_setup(section, landscape: bool, margin_cm: float) -> None:
    w, h = A4
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = (h, w) if landscape else (w, h)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(margin_cm))


def _page_field(par, doc: Doc) -> None:
    pre, _, post = doc.page_number.partition("{page}")
    small = max(10, doc.size - 4)
    _add_run(par, pre, doc.font, small)
    for kind, text in (("begin", None), ("instr", " PAGE "), ("separate", None), ("text", "1"), ("end", None)):
        run = _add_run(par, "", doc.font, small)
        if kind == "instr":
            instr = _el("w:instrText")
            instr.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
            instr.text = text
            run._r.append(instr)
        elif kind == "text":
            run.text = text
        else:
            run._r.append(_el("w:fldChar", **{"w:fldCharType": kind}))
    _add_run(par, post, doc.font, small)


def _running(section, doc: Doc) -> None:
    if doc.running_header:
        par = section.header.paragraphs[0]
        par.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _add_run(par, doc.running_header, doc.font, max(10, doc.size - 4))
    if doc.page_number:
        par = section.footer.paragraphs[0]
        par.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        _page_field(par, doc)


def _cell_props(tc, fill: str | None, borders: dict[str, float]) -> None:
    tcpr = tc._tc.get_or_add_tcPr()
    edges = _el("w:tcBorders")
    for side in ("top", "left", "bottom", "right"):
        w = borders[side]
        attrs = {"w:val": "single", "w:sz": int(w * 8), "w:space": 0, "w:color": "000000"} if w else {"w:val": "nil"}
        edges.append(_el(f"w:{side}", **attrs))
    tcpr.append(edges)
    if fill:
        tcpr.append(_el("w:shd", **{"w:val": "clear", "w:color": "auto", "w:fill": fill}))


def _table(d, t: Table, doc: Doc, text_width) -> None:
    nrow, ncol = len(t.rows), len(t.widths)
    table = d.add_table(rows=nrow, cols=ncol)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    tblpr = table._tbl.tblPr
    total = tblpr.find(qn("w:tblW"))
    total.set(qn("w:type"), "dxa")
    total.set(qn("w:w"), str(int(text_width // 635)))
    pad = int(t.cell_padding_pt * 20)
    margins = _el("w:tblCellMar")
    for side in ("top", "left", "bottom", "right"):
        margins.append(_el(f"w:{side}", **{"w:w": pad if side in ("top", "bottom") else int(pad * 1.5), "w:type": "dxa"}))
    tblpr.append(margins)
    widths = [int(text_width * w / sum(t.widths)) for w in t.widths]
    for c, col in enumerate(table.columns):
        col.width = widths[c]
    for r in range(min(t.header_rows, nrow) if t.repeat_header else 0):
        table.rows[r]._tr.get_or_add_trPr().append(_el("w:tblHeader"))
    for row in table.rows:                            # Word and LibreOffice read widths per cell
        for c, tc in enumerate(row.cells):
            tc.width = widths[c]
    size = t.font_size or doc.size
    for r, row in enumerate(t.rows):
        for c, cell in enumerate(row.cells):
            if cell is None:
                continue
            tc = table.cell(r, c)
            if cell.row_span > 1 or cell.col_span > 1:
                tc = tc.merge(table.cell(r + cell.row_span - 1, c + cell.col_span - 1))
                tc.width = sum(widths[c:c + cell.col_span])
            _cell_props(tc, cell.shade or row.shade, cell_borders(t, r, c))
            bold = cell.bold or row.kind in ("header", "title")
            lines = cell.text.split("\n") if cell.text else [""]
            for k, line in enumerate(lines):
                par = tc.paragraphs[0] if k == 0 else tc.add_paragraph()
                if cell.bullets:
                    par.style = d.styles["List Bullet"]
                par.alignment = ALIGN[cell.align or "left"]
                _add_run(par, line, doc.font, size, bold)


def render_docx(doc: Doc, path) -> None:
    d = Document()
    _setup_styles(d, doc)
    section = d.sections[0]
    _page_setup(section, doc.landscape, doc.margin_cm)
    _running(section, doc)
    landscape = doc.landscape
    for b in doc.blocks:
        if isinstance(b, NewPage):
            section = d.add_section(WD_SECTION.NEW_PAGE)
            _page_setup(section, b.landscape, doc.margin_cm)
            landscape = b.landscape
        elif isinstance(b, Para):
            par = d.add_paragraph()
            par.alignment = ALIGN[b.align]
            _add_run(par, b.text, doc.font, None, b.bold)
            par.paragraph_format.space_after = Pt(4)
        elif isinstance(b, Table):
            width = (A4[1] if landscape else A4[0]) - 2 * Cm(doc.margin_cm)
            _table(d, b, doc, width)
            d.add_paragraph()        # Word keeps a paragraph after every table
    d.save(path)
