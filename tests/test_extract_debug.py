"""`ita extract FILE [--json] [--pages N-M]` and `ita debug FILE --page N --out page.png`,
in-process, on every PDF in corpus/ (real agencies' files), layout fixtures, and bad input."""
import json
import shutil
from pathlib import Path

import pikepdf
import pytest
from hypothesis import given, strategies as st
from PIL import Image, ImageChops

from extractors import extract
from extractors.pdf_debug import read_page_view
from extractors.pdf_debug_draw import COLOURS, draw_page, render_page
from pipeline.extract_view import parse_pages
from pipeline.records import Table, document_from_dict, document_to_dict
from tests.conftest import CORPUS, ROOT

CORPUS_PDFS = sorted(CORPUS.glob("*.pdf"))
LAYOUTS = ROOT / "tests" / "fixtures" / "layouts"
RISK = CORPUS / "ita_measures_namyuen_hosp_corruption_risk_status_fy2567.pdf"   # one table over 2 pages
PARENT5 = LAYOUTS / "000_eec639967c242c08__parent5_docx.pdf"                     # a parent header over 5 columns
_docs = {}                      # path -> the document `ita extract --no-ocr` read (one extraction a file)


def extracted(path: Path):
    if path not in _docs:
        _docs[path] = extract(str(path), ocr=False)
    return _docs[path]


@pytest.fixture
def kept(monkeypatch):
    """`ita extract` keeps the document it extracted (so a test compares its output with
    the very records it printed); a document extracted before is served again."""
    import extractors

    def keep(path, *, ocr=True):
        assert not ocr
        return extracted(Path(path))
    monkeypatch.setattr(extractors, "extract", keep)


def tables(doc):
    return [b for b in doc.blocks if isinstance(b, Table)]


def _one_line_exit_2(result, says):
    code, out, err = result
    assert code == 2, (out, err)
    assert len(err.strip().splitlines()) == 1 and err.startswith("ita: "), err
    assert "Traceback" not in err and says in err, err


# ---------------------------------------------------------------- ita extract
@pytest.mark.parametrize("pdf", CORPUS_PDFS, ids=lambda p: p.stem)
def test_extract_json_loads_back_as_the_same_records(ita, kept, pdf):
    code, out, err = ita("extract", pdf, "--json", "--no-ocr")
    assert code == 0, err
    loaded = document_from_dict(json.loads(out))
    assert loaded == extracted(pdf)
    assert loaded.pages == len(loaded.page_info) and loaded.format == "pdf"


def test_extract_json_has_spans_boxes_and_roles():
    dumps = [json.loads(json.dumps(document_to_dict(extracted(p)))) for p in CORPUS_PDFS]
    cells = [c for d in dumps for b in d["blocks"] if "rows" in b for r in b["rows"] for c in r]
    paras = [b for d in dumps for b in d["blocks"] if "rows" not in b]
    assert any(c["col_span"] > 1 for c in cells) and any(c["row_span"] > 1 for c in cells)
    assert any(c["covered"] for c in cells)
    assert all(len(c["bbox"]) == 4 for c in cells if not c["covered"])
    assert all(p["font_size"] and len(p["bbox"]) == 4 for p in paras)
    assert any(p["role"] == "running" for p in paras)


@pytest.mark.parametrize("pdf", CORPUS_PDFS, ids=lambda p: p.stem)
def test_extract_text_view_shows_every_block(ita, kept, pdf):
    code, out, err = ita("extract", pdf, "--no-ocr")
    assert code == 0, err
    doc = extracted(pdf)
    lines = out.splitlines()
    assert lines[0].endswith(f"pdf, {doc.pages} page{'s' * (doc.pages != 1)}, status {doc.status}")
    assert sum(ln.startswith("page ") for ln in lines) == doc.pages
    ts = tables(doc)
    heads = [ln for ln in lines if " table " in ln and " columns x " in ln]
    assert len(heads) == len(ts)
    for k, (t, head) in enumerate(zip(ts, heads), 1):
        assert f"table {k}: {len(t.rows[0])} columns x {len(t.rows)} rows" in head
    for t in ts:
        for r in t.rows:
            for c in r:
                assert c.text.replace("\n", " ⏎ ") in out
    for b in doc.blocks:
        if not isinstance(b, Table):
            assert all(ln in out for ln in b.text.splitlines())


def test_extract_pages_keeps_the_assembled_table_and_its_number(ita):
    doc = extracted(RISK)
    (t,) = [t for t in tables(doc) if len(t.pages) > 1]
    code, out, _ = ita("extract", RISK, "--json", "--no-ocr", "--pages", "2")
    part = document_from_dict(json.loads(out))
    assert [p.page for p in part.page_info] == [2]
    assert all(2 in (b.pages if isinstance(b, Table) else [b.page]) for b in part.blocks)
    assert t in part.blocks and len(part.blocks) < len(doc.blocks)
    code, out, _ = ita("extract", RISK, "--no-ocr", "--pages", "2-")
    k = tables(doc).index(t) + 1
    assert f"table {k}: " in out and "pages 1-2" in out
    assert not any(ln.startswith("page 1:") for ln in out.splitlines())


@pytest.mark.parametrize("path", [CORPUS / "003_348cd1245a6f7d44.txt",
                                  ROOT / "tests" / "fixtures" / "seed_docx" / "001_7085b3674d17acd7.docx"],
                         ids=["txt", "docx"])
def test_extract_reads_txt_and_docx(ita, path):
    code, out, err = ita("extract", path, "--json")
    assert code == 0, err
    assert document_from_dict(json.loads(out)) == extract(str(path))
    code, out, err = ita("extract", path)
    assert code == 0 and " table 1: " in out, err
    _one_line_exit_2(ita("extract", path, "--pages", "1"), "--pages applies to PDF files")


@given(st.integers(1, 5000), st.integers(0, 5000), st.sampled_from(["{a}", "{a}-{b}", " {a} - {b} ", "{a}-"]))
def test_parse_pages(a, k, form):
    b = a + k
    got = parse_pages(form.format(a=a, b=b))
    assert got == {"{a}": (a, a), "{a}-": (a, None)}.get(form, (a, b))


@given(st.text(max_size=12))
def test_parse_pages_refuses_with_value_error_only(spec):
    try:
        first, last = parse_pages(spec)
    except ValueError:
        return
    assert first >= 1 and (last is None or last >= first)


# ---------------------------------------------------------------- ita debug
def _debug_page(doc) -> int:
    """A page where a table continues from the page before, else the first page with a
    table, else page 1."""
    ts = tables(doc)
    return next((t.pages[1] for t in ts if len(t.pages) > 1), next((t.page for t in ts), 1))


@pytest.mark.parametrize("pdf", CORPUS_PDFS, ids=lambda p: p.stem)
def test_debug_draws_every_corpus_pdf(ita, tmp_path, pdf):
    doc = extracted(pdf)
    page = _debug_page(doc)
    png = tmp_path / "page.png"
    code, out, err = ita("debug", pdf, "--page", page, "--out", png, "--scale", "1")
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0].startswith(f"page {page} of {doc.pages}: ") and lines[-1].startswith(f"wrote {png} (")
    img = Image.open(png)
    info = doc.page_info[page - 1]
    assert abs(img.width / img.height - info.width / info.height) < 2 / img.height
    plain, px = render_page(str(pdf), page, 1.0)
    assert plain.size == img.size
    here = [t for t in tables(doc) if page in t.pages]
    assert sum(ln.startswith("table ") for ln in lines) == len(here)
    for t in here:
        k = tables(doc).index(t) + 1
        assert any(ln.startswith(f"table {k}: ") for ln in lines)
        if t.page == page:                     # the table's box on this page: drawn on
            (x0, y0), (x1, y1) = px(*t.bbox[:2]), px(*t.bbox[2:])
            diff = ImageChops.difference(img.convert("RGB"), plain).crop((int(x0), int(y0), int(x1), int(y1)))
            assert diff.getbbox() is not None
    if not doc.page_info[page - 1].chars:
        assert any("no text layer" in ln for ln in lines)


def test_debug_continuation_matches_the_assembled_table(ita, tmp_path):
    doc = extracted(RISK)
    (t,) = [t for t in tables(doc) if len(t.pages) > 1]
    first, second = read_page_view(str(RISK), 1), read_page_view(str(RISK), 2)
    assert (first.parts[0].from_page, first.parts[0].next_page) == (None, 2)
    assert (second.parts[0].from_page, second.parts[0].next_page) == (1, None)
    assert first.parts[0].table.pages == second.parts[0].table.pages == t.pages
    code, out, _ = ita("debug", RISK, "--page", 2, "--out", tmp_path / "p2.png")
    assert "continues from page 1" in out
    img = Image.open(tmp_path / "p2.png").convert("RGB")
    assert COLOURS["continued"] in {c for _, c in img.getcolors(1 << 20)}


def test_debug_spans_agree_with_the_extracted_cells():
    view = read_page_view(str(PARENT5), 1)
    (part,) = [p for p in view.parts if p.table.page == 1]
    spans = sorted((c.row_span, c.col_span) for c in part.grid.cells if c.row_span > 1 or c.col_span > 1)
    cells = sorted((c.row_span, c.col_span) for r in part.table.rows for c in r
                   if c.page == 1 and not c.covered and (c.row_span > 1 or c.col_span > 1))
    assert spans and spans == cells
    assert any(cs >= 5 for _, cs in spans)            # the parent header over five sub-columns
    img = draw_page(view, 1.0)
    plain, px = render_page(str(PARENT5), 1, 1.0)
    c = next(c for c in part.grid.cells if c.col_span >= 5)
    x0, y0 = px(part.grid.xs[c.c0 + 1], c.bbox[1])   # a covered slot: hatched
    x1, y1 = px(part.grid.xs[c.c0 + 2], c.bbox[3])
    assert ImageChops.difference(img, plain).crop((int(x0) + 3, int(y0) + 3, int(x1) - 3, int(y1) - 3)).getbbox()


@pytest.mark.parametrize("rotate", [0, 90, 180, 270])
def test_debug_rules_land_on_the_rendered_rules(tmp_path, rotate):
    """Rotated pages with a crop box: every merged rule, mapped to pixels, lies on a dark
    pixel of pdfium's own rendering."""
    src = tmp_path / f"rot{rotate}.pdf"
    with pikepdf.open(RISK) as pdf:
        for page in pdf.pages:
            page.Rotate = rotate
            page.CropBox = [20, 30, 580, 800]
        pdf.save(src)
    view = read_page_view(str(src), 1)
    plain, px = render_page(str(src), 1, 2.0)
    grey = plain.convert("L")
    assert (plain.width > plain.height) == (rotate in (90, 270))
    rules = view.model.hrules + view.model.vrules
    assert len(rules) >= 8
    for r in rules:
        mid = (r.a + r.b) / 2
        x, y = px(*((mid, r.pos) if r.orient == "h" else (r.pos, mid)))
        near = [grey.getpixel((int(x) + dx, int(y) + dy)) for dx in (-1, 0, 1) for dy in (-1, 0, 1)]
        assert min(near) < 128, (r, x, y)


def test_debug_marks_running_headers(ita, tmp_path):
    pdf = LAYOUTS / "001_7085b3674d17acd7__long_repeat_docx.pdf"
    view = read_page_view(str(pdf), 2)
    assert any(p.role == "running" for p in view.paragraphs)
    code, out, _ = ita("debug", pdf, "--page", 2, "--out", tmp_path / "p.png", "--scale", "1")
    assert code == 0 and "running header/footer)" in out and "(0 running" not in out
    img = Image.open(tmp_path / "p.png").convert("RGB")
    assert COLOURS["running"] in {c for _, c in img.getcolors(1 << 20)}


# ---------------------------------------------------------------- bad input
def test_bad_input_is_one_line_and_exit_2(ita, tmp_path):
    png = tmp_path / "p.png"
    html = tmp_path / "report.pdf"
    html.write_text("<!DOCTYPE html><html><body>Not found</body></html>")
    cut = tmp_path / "cut.pdf"
    cut.write_bytes(RISK.read_bytes()[:5000])
    txt = CORPUS / "003_348cd1245a6f7d44.txt"
    _one_line_exit_2(ita("debug", html, "--page", 1, "--out", png), "not a PDF (looks like HTML)")
    _one_line_exit_2(ita("debug", cut, "--page", 1, "--out", png), "truncated or corrupt PDF")
    _one_line_exit_2(ita("debug", txt, "--page", 1, "--out", png), "ita debug draws PDF pages; this is a TXT file")
    _one_line_exit_2(ita("debug", RISK, "--page", 3, "--out", png), "page 3 is out of range: the document has 2 pages")
    _one_line_exit_2(ita("debug", RISK, "--page", 0, "--out", png), "page 0 is out of range")
    _one_line_exit_2(ita("debug", RISK, "--page", "x", "--out", png), "invalid int value")
    _one_line_exit_2(ita("debug", tmp_path / "gone.pdf", "--page", 1, "--out", png), "no such file")
    _one_line_exit_2(ita("debug", tmp_path, "--page", 1, "--out", png), "is a folder")
    _one_line_exit_2(ita("debug", RISK, "--page", 1, "--out", tmp_path / "no" / "p.png"), "does not exist")
    _one_line_exit_2(ita("debug", RISK, "--page", 1, "--out", tmp_path), "is a folder")
    _one_line_exit_2(ita("debug", RISK, "--page", 1, "--out", png, "--scale", "0"), "--scale 0")
    _one_line_exit_2(ita("debug", RISK, "--page", 1, "--out", png, "--scale", "9"), "use a smaller scale")
    assert not png.exists()
    _one_line_exit_2(ita("extract", html), "not a PDF (looks like HTML)")
    _one_line_exit_2(ita("extract", cut), "truncated or corrupt PDF")
    _one_line_exit_2(ita("extract", tmp_path / "gone.pdf"), "no such file")
    _one_line_exit_2(ita("extract", RISK, "--pages", "3"), "page 3 is out of range: the document has 2 pages")
    _one_line_exit_2(ita("extract", RISK, "--pages", "2-1"), "must not run backwards")
    _one_line_exit_2(ita("extract", RISK, "--pages", "one"), "give a page or a range")
    odd = tmp_path / "ราย งาน.docx"                  # a TXT under a .docx name
    shutil.copy(txt, odd)
    _one_line_exit_2(ita("extract", odd), "not a DOCX")
