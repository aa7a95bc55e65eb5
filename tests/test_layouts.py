"""The layout fixtures themselves (tests/fixtures/layouts, made by scripts/make_layouts.py): every
PDF opens and has a text layer, has a gold file or is a negative, and every gold file is valid and
says what its document shows. Accuracy on these files is measured elsewhere (score_gold.py)."""
import calendar
import json
import re
import sys
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from docx import Document

ROOT = Path(__file__).resolve().parent.parent
LAYOUTS = ROOT / "tests" / "fixtures" / "layouts"
SOURCES = json.loads((ROOT / "scripts" / "layouts" / "sources.json").read_text(encoding="utf-8"))
sys.path.insert(0, str(ROOT / "scripts"))
from make_layouts import PLAN, fixture_name  # noqa: E402

PDFS = sorted(LAYOUTS.glob("*.pdf"))
GOLDS = sorted(LAYOUTS.glob("*.gold.json"))
DATE_FIELDS = ("period_start", "period_end")


def stem(p: Path) -> str:
    return p.name.split(".gold.json")[0] if p.name.endswith(".gold.json") else p.stem


def source_gold(layout_stem: str) -> dict:
    src = SOURCES[layout_stem.split("__")[0]]
    return json.loads((ROOT / src["gold"]).read_text(encoding="utf-8"))


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


class _Text(HTMLParser):
    def __init__(self):
        super().__init__()
        self.parts = []

    def handle_data(self, data):
        self.parts.append(data)


def producer_text(layout_stem: str) -> str:
    """All text of the file the PDF was printed from (HTML for Chromium, DOCX for LibreOffice)."""
    html = LAYOUTS / "html" / f"{layout_stem}.html"
    if html.exists():
        p = _Text()
        p.feed(html.read_text(encoding="utf-8"))
        return "".join(p.parts)
    d = Document(str(LAYOUTS / f"{layout_stem}.docx"))
    cells = [c.text for t in d.tables for row in t.rows for c in row.cells]
    return "\n".join([p.text for p in d.paragraphs] + cells)


def test_fixture_set_is_complete():
    assert len(PDFS) >= 20
    names = {stem(p) for p in PDFS}
    planned = {fixture_name(j["report"], j["layout"], j["producer"]) for j in PLAN}
    assert planned <= names, f"not rendered: {sorted(planned - names)} (run scripts/make_layouts.py)"
    negatives = {n for n in names if n.startswith("neg_")}
    assert len(negatives) >= 2
    golds = {stem(g) for g in GOLDS}
    assert golds == names - negatives, "every PDF has a gold file, except the negatives, which have none"
    for key in (k for k in SOURCES if not k.startswith("_")):   # every source report in two layouts or more
        assert sum(n.startswith(key + "__") for n in names) >= 2, key


@pytest.mark.parametrize("pdf", PDFS, ids=lambda p: p.stem)
def test_pdf_opens_with_a_text_layer(pdf):
    doc = pdfium.PdfDocument(str(pdf))
    try:
        assert len(doc) >= 1
        for i, page in enumerate(doc):
            text = page.get_textpage().get_text_range()
            assert len(re.findall(r"[\u0e01-\u0e5b]", text)) > 20, f"page {i + 1} has no Thai text layer"
    finally:
        doc.close()


def test_producer_inputs_beside_the_pdfs():
    for pdf in PDFS:
        html, docx = LAYOUTS / "html" / f"{pdf.stem}.html", LAYOUTS / f"{pdf.stem}.docx"
        assert html.exists() != docx.exists(), f"{pdf.name}: exactly one of html/{pdf.stem}.html, {pdf.stem}.docx"
        if docx.exists():
            assert Document(str(docx)).tables, f"{docx.name} has no table"


@pytest.mark.parametrize("gold_path", GOLDS, ids=stem)
def test_gold_is_valid(gold_path):
    gold, name = json.loads(gold_path.read_text(encoding="utf-8")), stem(gold_path)
    src = source_gold(name)
    assert set(gold) - {"notes"} == set(src), "same document keys as the source gold"
    assert gold["source"] == f"{name}.pdf"
    assert isinstance(gold["notes"], list) and gold["notes"]
    for f in ("agency", "agency_type", "district", "province", "fiscal_year", "ita_score", "ita_score_year", "ita_grade"):
        assert gold[f] == src[f], f"{f}: the prose header keeps the document facts"
    assert gold["scores"] in (src["scores"], [])
    # rows in order: the i-th measure of the rendering is the source's i-th, with the same keys
    assert [m["measure"] for m in gold["measures"]] == [m["measure"] for m in src["measures"]]
    for m, s in zip(gold["measures"], src["measures"]):
        assert set(m) == set(s)
        for f in DATE_FIELDS:
            if m[f] is not None:
                date.fromisoformat(m[f])
                assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", m[f])
        assert (m["period_start"] is None) == (m["period_end"] is None)
        if m["period_start"]:
            assert m["period_start"] <= m["period_end"]


@pytest.mark.parametrize("gold_path", GOLDS, ids=stem)
def test_gold_periods_from_ticks_are_whole_months_of_the_fiscal_year(gold_path):
    gold = json.loads(gold_path.read_text(encoding="utf-8"))
    fy = gold["fiscal_year"]
    for m in gold["measures"]:
        if m["period_text"] is None and m["period_start"]:
            s, e = date.fromisoformat(m["period_start"]), date.fromisoformat(m["period_end"])
            assert s.day == 1 and e.day == calendar.monthrange(e.year, e.month)[1]
            assert date(fy - 544, 10, 1) <= s <= e <= date(fy - 543, 9, 30)


@pytest.mark.parametrize("gold_path", GOLDS, ids=stem)
def test_gold_text_is_in_the_document(gold_path):
    """Every text the gold expects is printed in the file the PDF was made from (each line of it)."""
    gold, name = json.loads(gold_path.read_text(encoding="utf-8")), stem(gold_path)
    text = squash(producer_text(name))
    for i, m in enumerate(gold["measures"]):
        for f in ("tool", "indicator", "measure", "issue", "method", "owner", "period_text", "result", "outcome"):
            for line in (m[f] or "").split("\n"):
                assert squash(line) in text, f"row {i + 1} {f}: {line[:40]!r} is not in {name}"


def test_layout_intents_show_in_the_pdfs():
    """Long tables run over pages; mixed files have both orientations."""
    for pdf in PDFS:
        doc = pdfium.PdfDocument(str(pdf))
        try:
            shapes = {w > h for w, h in (page.get_size() for page in doc)}
            pages = len(doc)
        finally:
            doc.close()
        if "__long_" in pdf.name or "__split_parts" in pdf.name:
            assert pages >= 3, pdf.name
        if "__mixed" in pdf.name:
            assert shapes == {True, False}, pdf.name


def test_readme_lists_the_negatives():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for pdf in PDFS:
        if pdf.name.startswith("neg_"):
            assert pdf.name in readme, f"README 'Layout fixtures' should list {pdf.name}"
