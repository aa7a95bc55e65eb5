"""DOCX input (extractors/docx.py) and file-type sniffing (extractors/__init__.py).

Unit tests build small Word files with python-docx (merges, lists, nested tables, shading);
the golden tests read Word files that LibreOffice wrote from the seeds and the unseen
reports (scripts/render_docx.sh), with the merged cells a Word author makes, and score them
with the shared scorer against the same gold as the TXT originals."""
import json
import shutil
import zipfile
from copy import deepcopy
from pathlib import Path

import docx
import duckdb
import pytest
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from hypothesis import given, settings, strategies as st

from extractors import extract, sniff
from extractors.docx import extract_docx, format_number
from pipeline.records import ExtractionError, Paragraph, Table
from tests.conftest import CORPUS, GOLD, run_ita, score_db

FIXTURES = Path(__file__).parent / "fixtures"
SEED_DOCX = FIXTURES / "seed_docx"
UNSEEN_DOCX = FIXTURES / "unseen_docx"


def _tables(doc):
    return [b for b in doc.blocks if isinstance(b, Table)]


def _save(d, tmp_path, name="t.docx"):
    path = tmp_path / name
    d.save(path)
    return str(path)


# ------------------------------------------------------------------ merged cells
def test_gridspan_and_vmerge_become_a_span_aware_grid(tmp_path):
    d = docx.Document()
    t = d.add_table(rows=4, cols=4)
    t.cell(0, 0).merge(t.cell(1, 0)).text = "เครื่องมือ"           # header cell over two rows
    t.cell(0, 1).merge(t.cell(0, 2)).text = "ผลการวิเคราะห์"        # parent header over two columns
    t.cell(0, 3).merge(t.cell(1, 3)).text = "ผู้รับผิดชอบ"
    t.cell(1, 1).text, t.cell(1, 2).text = "ประเด็น", "แนวทาง"
    t.cell(2, 0).text, t.cell(2, 1).text, t.cell(2, 2).text = "IIT", "a", "b"
    t.cell(2, 3).merge(t.cell(3, 3)).text = "กองคลัง"               # owner of two rows
    t.cell(3, 1).text, t.cell(3, 2).text = "c", "d"
    (table,) = _tables(extract(_save(d, tmp_path)))
    assert [len(r) for r in table.rows] == [4, 4, 4, 4]
    grid = [[("~" if c.covered else c.text, c.row_span, c.col_span) for c in r] for r in table.rows]
    assert grid[0] == [("เครื่องมือ", 2, 1), ("ผลการวิเคราะห์", 1, 2), ("~", 1, 1), ("ผู้รับผิดชอบ", 2, 1)]
    assert grid[1] == [("~", 1, 1), ("ประเด็น", 1, 1), ("แนวทาง", 1, 1), ("~", 1, 1)]
    assert grid[2][3] == ("กองคลัง", 2, 1) and grid[3][3] == ("~", 1, 1)
    assert all(c.text == "" for r in table.rows for c in r if c.covered)
    assert table.source == "docx" and table.page is None


@st.composite
def merge_plans(draw):
    rows, cols = draw(st.integers(1, 5)), draw(st.integers(1, 5))
    merges, used = [], set()
    for _ in range(draw(st.integers(0, 4))):
        r0, c0 = draw(st.integers(0, rows - 1)), draw(st.integers(0, cols - 1))
        r1, c1 = draw(st.integers(r0, rows - 1)), draw(st.integers(c0, cols - 1))
        block = {(r, c) for r in range(r0, r1 + 1) for c in range(c0, c1 + 1)}
        if block & used:
            continue
        used |= block
        merges.append((r0, c0, r1, c1))
    return rows, cols, merges


@settings(max_examples=40, deadline=None)
@given(plan=merge_plans())
def test_any_merge_pattern_gives_a_rectangular_grid_whose_spans_cover_it(plan, tmp_path_factory):
    rows, cols, merges = plan
    d = docx.Document()
    t = d.add_table(rows=rows, cols=cols)
    for r in range(rows):
        for c in range(cols):
            t.cell(r, c).text = f"{r}.{c}"
    for r0, c0, r1, c1 in merges:
        t.cell(r0, c0).merge(t.cell(r1, c1))
    (table,) = _tables(extract(_save(d, tmp_path_factory.mktemp("h"))))
    assert len(table.rows) == rows and all(len(r) == cols for r in table.rows)
    covered = {(r, c) for r, row in enumerate(table.rows) for c, cell in enumerate(row) if cell.covered}
    spanned = set()
    for r, row in enumerate(table.rows):
        for c, cell in enumerate(row):
            if not cell.covered:
                spanned |= {(r + i, c + j) for i in range(cell.row_span) for j in range(cell.col_span)} - {(r, c)}
    assert covered == spanned
    for r0, c0, r1, c1 in merges:
        top = table.rows[r0][c0]
        assert (top.row_span, top.col_span) == (r1 - r0 + 1, c1 - c0 + 1)
        assert top.text.split("\n")[0] == f"{r0}.{c0}"      # Word keeps the merged texts, top-left first


# ------------------------------------------------------------- text in cells
def test_cell_text_keeps_lines_numbers_and_bullets(tmp_path):
    d = docx.Document()
    cell = d.add_table(rows=1, cols=1).cell(0, 0)
    cell.paragraphs[0].text = "วิธีการ"
    cell.add_paragraph("ประชุมชี้แจง", style="List Number")
    cell.add_paragraph("แจ้งเวียน", style="List Number")
    cell.add_paragraph("ติดบอร์ด", style="List Bullet")
    run = cell.add_paragraph().add_run("บรรทัดหนึ่ง")
    run.add_break()
    run.add_text("บรรทัดสอง")
    (table,) = _tables(extract(_save(d, tmp_path)))
    assert table.rows[0][0].text == "วิธีการ\n1. ประชุมชี้แจง\n2. แจ้งเวียน\n- ติดบอร์ด\nบรรทัดหนึ่ง\nบรรทัดสอง"


def _thai_numbering(d) -> str:
    """Add a list definition numbered in Thai digits ("๑.") to the document; its numId."""
    numbering = d.part.numbering_part.element
    numbering.insert(0, parse_xml(
        f'<w:abstractNum {nsdecls("w")} w:abstractNumId="90"><w:lvl w:ilvl="0"><w:start w:val="1"/>'
        '<w:numFmt w:val="thaiNumbers"/><w:lvlText w:val="%1."/></w:lvl>'
        '<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="thaiLetters"/><w:lvlText w:val="%2)"/></w:lvl>'
        '</w:abstractNum>'))
    numbering.append(parse_xml(f'<w:num {nsdecls("w")} w:numId="90"><w:abstractNumId w:val="90"/></w:num>'))
    return "90"


def _numbered(d, text, num_id, level=0):
    p = d.add_paragraph(text)
    p._p.get_or_add_pPr().append(parse_xml(
        f'<w:numPr {nsdecls("w")}><w:ilvl w:val="{level}"/><w:numId w:val="{num_id}"/></w:numPr>'))
    return p


def test_thai_numbering_with_sub_levels(tmp_path):
    d = docx.Document()
    num = _thai_numbering(d)
    for text, level in (("มาตรการแรก", 0), ("ย่อยหนึ่ง", 1), ("ย่อยสอง", 1), ("มาตรการที่สอง", 0), ("ย่อยใหม่", 1)):
        _numbered(d, text, num, level)
    texts = [b.text for b in extract(_save(d, tmp_path)).blocks]
    assert texts == ["๑. มาตรการแรก", "ก) ย่อยหนึ่ง", "ข) ย่อยสอง", "๒. มาตรการที่สอง", "ก) ย่อยใหม่"]


@pytest.mark.parametrize("n, fmt, expected", [
    (1, "decimal", "1"), (12, "decimal", "12"), (3, "thaiNumbers", "๓"), (10, "thaiNumbers", "๑๐"),
    (1, "thaiLetters", "ก"), (3, "thaiLetters", "ค"), (4, "lowerLetter", "d"), (27, "upperLetter", "AA"),
    (4, "lowerRoman", "iv"), (9, "upperRoman", "IX"), (14, "lowerRoman", "xiv"), (5, "decimalZero", "05"),
    (2, "none", ""), (3, "someFutureFormat", "3"),
])
def test_format_number(n, fmt, expected):
    assert format_number(n, fmt) == expected


def test_nested_table_is_flattened_into_its_cell(tmp_path):
    d = docx.Document()
    outer = d.add_table(rows=1, cols=2)
    outer.cell(0, 0).text = "มาตรการ"
    inner_cell = outer.cell(0, 1)
    inner_cell.paragraphs[0].text = "ระยะเวลา"
    inner = inner_cell.add_table(rows=2, cols=2)
    for (r, c), text in {(0, 0): "ไตรมาส 1", (0, 1): "ไตรมาส 2", (1, 0): "ต.ค.", (1, 1): "ม.ค."}.items():
        inner.cell(r, c).text = text
    inner_cell.add_paragraph("ตามแผน")
    (table,) = _tables(extract(_save(d, tmp_path)))
    assert len(table.rows) == 1 and len(table.rows[0]) == 2
    assert table.rows[0][1].text == "ระยะเวลา\nไตรมาส 1 | ไตรมาส 2\nต.ค. | ม.ค.\nตามแผน"


def test_shading_bold_and_heading_roles(tmp_path):
    d = docx.Document()
    d.add_heading("มาตรการส่งเสริมคุณธรรม", level=1)
    d.add_paragraph("เนื้อความ")
    t = d.add_table(rows=2, cols=2)
    for c in t.rows[0].cells:
        c.paragraphs[0].add_run("หัวตาราง").bold = True
        c._tc.get_or_add_tcPr().append(parse_xml(f'<w:shd {nsdecls("w")} w:val="clear" w:fill="D9D9D9"/>'))
    t.cell(1, 0).text = "ข้อมูล"
    t.cell(1, 1)._tc.get_or_add_tcPr().append(parse_xml(f'<w:shd {nsdecls("w")} w:val="clear" w:fill="auto"/>'))
    doc = extract(_save(d, tmp_path))
    heading, body = [b for b in doc.blocks if isinstance(b, Paragraph)]
    assert (heading.role, body.role) == ("heading", "body")
    (table,) = _tables(doc)
    assert [(c.shaded, c.bold) for c in table.rows[0]] == [(True, True), (True, True)]
    assert [(c.shaded, c.bold) for c in table.rows[1]] == [(False, False), (False, False)]


def test_line_is_the_body_position_counting_paragraphs_and_table_rows(tmp_path):
    d = docx.Document()
    d.add_paragraph("หนึ่ง")
    d.add_paragraph("")                   # empty paragraphs count but give no block
    t = d.add_table(rows=3, cols=1)
    for i in range(3):
        t.cell(i, 0).text = f"แถว {i}"
    d.add_paragraph("หลังตาราง")
    blocks = extract(_save(d, tmp_path)).blocks
    assert [(type(b).__name__, b.line) for b in blocks] == [("Paragraph", 1), ("Table", 3), ("Paragraph", 6)]


def test_hidden_and_deleted_text_is_not_read(tmp_path):
    d = docx.Document()
    p = d.add_paragraph("เห็น")
    p.add_run("ซ่อน").font.hidden = True
    p._p.append(parse_xml(f'<w:del {nsdecls("w")} w:id="1" w:author="x"><w:r><w:delText>ลบ</w:delText></w:r></w:del>'))
    p._p.append(parse_xml(f'<w:ins {nsdecls("w")} w:id="2" w:author="x"><w:r><w:t>เพิ่ม</w:t></w:r></w:ins>'))
    assert [b.text for b in extract(_save(d, tmp_path)).blocks] == ["เห็นเพิ่ม"]


# -------------------------------------------------------------------- sniffing
def _zip(path, names):
    with zipfile.ZipFile(path, "w") as z:
        for n in names:
            z.writestr(n, "<x/>" if n != "mimetype" else "application/vnd.oasis.opendocument.text")
    return path


@pytest.mark.parametrize("name, content, message", [
    ("book.xlsx", lambda p: _zip(p, ["[Content_Types].xml", "xl/workbook.xml"]), "unsupported file type (.xlsx)"),
    ("slides.pptx", lambda p: _zip(p, ["ppt/presentation.xml"]), "unsupported file type (.pptx)"),
    ("report.odt", lambda p: _zip(p, ["mimetype", "content.xml"]), "unsupported file type (.odt)"),
    ("old.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "unsupported file type (.doc)"),
    ("old.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "unsupported file type (.xls)"),
    ("locked.docx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "password-protected DOCX"),
    ("scan.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 100, "unsupported file type (.png)"),
    ("scan.jpg", b"\xff\xd8\xff\xe0" + b"\0" * 100, "unsupported file type (.jpg)"),
    ("photo.tif", b"II*\x00" + b"\0" * 100, "unsupported file type (.tif)"),
    ("pic.gif", b"GIF89a" + b"\0" * 100, "unsupported file type (.gif)"),
    ("pic.webp", b"RIFF\0\0\0\0WEBPVP8 " + b"\0" * 100, "unsupported file type (.webp)"),
    ("letter.rtf", b"{\\rtf1\\ansi hello}", "unsupported file type (.rtf)"),
    ("bundle.zip", lambda p: _zip(p, ["a.pdf"]), "unpack the archive"),
    ("broken.docx", b"PK\x03\x04 not really a zip", "damaged DOCX"),
    ("nozip.docx", b"plain text, not a zip", "not a DOCX"),
    ("report.pdf", lambda p: _zip(p, ["word/document.xml"]), None),          # a DOCX named .pdf
])
def test_sniff_by_bytes(tmp_path, name, content, message):
    path = tmp_path / name
    if callable(content):
        content(path)
    else:
        path.write_bytes(content)
    if message is None:
        assert sniff(str(path)) == "docx"
        return
    with pytest.raises(ExtractionError) as e:
        sniff(str(path))
    assert message in str(e.value)
    if "unsupported file type" in message and "archive" not in message:
        assert str(e.value).endswith("save it as PDF or DOCX")


def test_damaged_docx_body_is_an_error_not_a_crash(tmp_path):
    path = _zip(tmp_path / "bad.docx", ["[Content_Types].xml", "word/document.xml"])
    with pytest.raises(ExtractionError, match="damaged DOCX"):
        extract_docx(str(path))


def test_unsupported_files_in_a_folder_fail_with_the_message_and_the_rest_loads(tmp_path):
    folder = tmp_path / "reports"
    folder.mkdir()
    shutil.copy(SEED_DOCX / "003_348cd1245a6f7d44.docx", folder / "รายงาน ๒๕๖๔.docx")
    shutil.copy(CORPUS / "000_eec639967c242c08.txt", folder)
    _zip(folder / "คะแนน.xlsx", ["xl/workbook.xml"])
    (folder / "scan.jpg").write_bytes(b"\xff\xd8\xff\xe0" + b"\0" * 100)
    (folder / "notes.json").write_text("{}")                     # not a report: left alone
    db = tmp_path / "x.duckdb"
    out = run_ita("ingest", folder, "--db", db, "--no-progress", "--no-dupes", check=False)
    assert out.returncode == 1 and "Traceback" not in out.stderr
    assert "FAILED" in out.stdout and "unsupported file type (.xlsx): save it as PDF or DOCX" in out.stdout
    con = duckdb.connect(str(db), read_only=True)
    rows = dict(con.execute("select regexp_extract(source_path, '[^/]+$'), status || ':' || coalesce(error, '') "
                            "from documents").fetchall())
    assert rows["คะแนน.xlsx"] == "failed:unsupported file type (.xlsx): save it as PDF or DOCX"
    assert rows["scan.jpg"] == "failed:unsupported file type (.jpg): save it as PDF or DOCX"
    assert rows["รายงาน ๒๕๖๔.docx"] == "ok:" and rows["000_eec639967c242c08.txt"] == "ok:"
    assert "notes.json" not in rows
    counts = dict(con.execute("select d.format, count(*) from measures join documents d using (doc_id) "
                              "group by all").fetchall())
    assert counts == {"docx": 7, "txt": 3}


# ------------------------------------------------------------------- golden
@pytest.fixture(scope="module")
def docx_dbs(tmp_path_factory):
    out = {}
    for name, folder in (("seeds", SEED_DOCX), ("unseen", UNSEEN_DOCX)):
        db = tmp_path_factory.mktemp(name) / "docx.duckdb"
        run_ita("ingest", folder, "--db", db, "--no-progress", "--no-dupes")
        out[name] = db
    return out


def test_docx_renderings_of_the_unseen_reports_score_at_least_098(docx_dbs):
    s = score_db(docx_dbs["unseen"], UNSEEN_DOCX)
    print(s["output"])
    assert s["score"] >= 0.98 and s["rows_f1"] == 1.0 and s["docmeta"] == 1.0 and s["scores"] == 1.0, s["output"]


def test_docx_renderings_of_the_seeds_score_at_least_098(docx_dbs):
    """With owner/period cells merged down over several rows: the grid keeps the span and
    segmentation reads the covered cells as "same as above"."""
    s = score_db(docx_dbs["seeds"])
    print(s["output"])
    assert s["score"] >= 0.98 and s["rows_f1"] == 1.0 and s["docmeta"] == 1.0 and s["scores"] == 1.0, s["output"]
    merged_down = sum(c.row_span - 1 for f in SEED_DOCX.glob("*.docx") for t in _tables(extract(str(f)))
                      for r in t.rows for c in r)
    assert merged_down >= 10                 # the renderings do exercise vertical merges


def test_docx_provenance_has_table_row_and_line(docx_dbs):
    con = duckdb.connect(str(docx_dbs["unseen"]), read_only=True)
    assert con.execute("select count(*) from measures where line is null or table_no is null or row_no is null "
                       "or page is not null").fetchone()[0] == 0
    assert con.execute("select distinct format from documents").fetchall() == [("docx",)]
    raw = json.loads(con.execute("select raw from measures limit 1").fetchone()[0])
    assert any(c["text"] for c in raw.values())
