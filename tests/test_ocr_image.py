"""The scan image path without Tesseract: skew, ruling lines, span-aware grids, the
per-page OCR decision, the pixel cap, Thai digits read from a real report's rendering."""
import os
from pathlib import Path

import numpy as np
import pypdfium2 as pdfium
import pytest

os.environ.setdefault("PYTHAINLP_OFFLINE", "1")

from extractors import ocr_digits, ocr_grid, ocr_image, ocr_page  # noqa: E402
from extractors.ocr import Glyph  # noqa: E402
from extractors.ocr import _drop_stray_marks  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
ETHICS = ROOT / "corpus" / "ita_measures_namyuen_hosp_ethics_plan_report_fy2567_landscape.pdf"
SCANS = ROOT / "tests" / "fixtures" / "scans"
LETTER = ROOT / "corpus" / "scanned_official_letter_phitsanulok_2568_imageonly.pdf"
EM = 30.0            # px: body text at 200 dpi


def _table_image(angle: float = 0.0, light: bool = False) -> np.ndarray:
    """A 4-column, 4-row ruled table: the header's last two columns merged (one cell
    spanning 2 columns), the first column's last two rows merged; text-like blobs inside."""
    import cv2

    img = np.full((900, 1200), 255, np.uint8)
    xs, ys = [100, 400, 600, 800, 1100], [100, 200, 400, 600, 800]
    ink = 200 if light else 0
    for y in ys:
        cv2.line(img, (xs[0], y), (xs[-1], y), ink, 2)
    cv2.line(img, (xs[3], ys[0]), (xs[3], ys[1]), 255, 6)        # header: columns 3-4 merged
    cv2.line(img, (xs[0], ys[3]), (xs[1], ys[3]), 255, 6)        # column 1: rows 3-4 merged
    for x in xs:
        cv2.line(img, (x, ys[0]), (x, ys[-1]), ink, 2)
    cv2.line(img, (xs[3], ys[0] + 3), (xs[3], ys[1] - 3), 255, 6)
    rng = np.random.default_rng(7)
    for r in range(4):
        for c in range(4):
            for k in range(3):                                    # "words": short strokes
                x = xs[c] + 20 + int(rng.integers(0, 100))
                y = ys[r] + 30 + 25 * k
                cv2.rectangle(img, (x, y), (x + 40, y + 12), 0, -1)
    if angle:
        img = ocr_image.rotate(img, angle, 255)
    return img


@pytest.mark.parametrize("angle", [-1.8, -0.6, 0.0, 0.7, 1.5])
def test_skew_is_found_from_rules_and_text(angle):
    flat = ocr_image.flatten(_table_image(angle), EM)
    found = ocr_image.skew_angle(ocr_image.ink(flat))
    assert abs(found + angle) <= 0.15, (angle, found)


@pytest.mark.parametrize("light", [False, True])
def test_grid_with_spans(light):
    flat = ocr_image.flatten(_table_image(), EM)
    mask = ocr_image.faint_ink(flat) if light else ocr_image.ink(flat)
    h, v = ocr_image.rules(mask, EM)
    grids = ocr_grid.find_grids(h, v, EM)
    assert len(grids) == 1
    g = grids[0]
    assert [round(x / 10) * 10 for x in g.xs] == [100, 400, 600, 800, 1100]
    assert [round(y / 10) * 10 for y in g.ys] == [100, 200, 400, 600, 800]
    cells = {(r, c): (rs, cs) for r, c, rs, cs in g.cells}
    assert cells[(0, 2)] == (1, 2) and (0, 3) not in cells          # header span
    assert cells[(2, 0)] == (2, 1) and (3, 0) not in cells          # vertical span
    assert len(g.cells) == 16 - 2


def test_rules_of_a_scan_match_the_original_vector_rules():
    """The committed scan of a real report (made by scripts/make_scans.py): the column
    edges found in its image are the original PDF's ruling lines (pdfplumber, vector)."""
    import pdfplumber

    with pdfplumber.open(str(ETHICS)) as pl:
        vector = sorted({round(x) for t in pl.pages[0].find_tables() if len(t.rows) > 3
                         for c in t.cells for x in (c[0], c[2])})
    scan = pdfium.PdfDocument(str(SCANS / ETHICS.name))
    img = ocr_image.render(scan[0], 200)
    img.gray = ocr_image.rotate(img.gray, ocr_image.skew_angle(ocr_image.ink(ocr_image.flatten(img.gray, img.em))), 255)
    h, v = ocr_image.rules(ocr_image.faint_ink(ocr_image.flatten(img.gray, img.em)), img.em)
    grids = [g for g in ocr_grid.find_grids(h, v, img.em) if len(g.ys) > 4]
    assert len(grids) == 1
    found = [x / img.scale for x in grids[0].xs]
    assert len(found) == len(vector)
    assert all(abs(a - b) <= 4.0 for a, b in zip(found, vector)), (found, vector)


@pytest.mark.parametrize("chars, quality, image_share, expected", [
    (0, None, 0.0, True),           # no text layer
    (0, None, 1.0, True),           # a scan
    (1200, 0.2, 0.0, True),         # a text layer that does not read as Thai
    (1200, 0.95, 0.0, False),       # a typed page
    (1200, 0.95, 0.1, False),       # a typed page with a logo and a signature
    (500, 0.95, 0.45, True),        # typed headings over a table pasted as an image
    (1500, 0.95, 0.6, True),        # most of the page is an image without text on it
])
def test_wants_ocr(chars, quality, image_share, expected):
    assert ocr_page.wants_ocr(chars, quality, image_share) is expected


def test_image_coverage_of_a_scan_and_a_typed_page():
    scan = pdfium.PdfDocument(str(LETTER))
    typed = pdfium.PdfDocument(str(ETHICS))
    assert ocr_page.image_coverage(scan[0]) > 0.95
    assert ocr_page.image_coverage(typed[0]) < 0.05      # the logo only
    assert ocr_page.estimate_ocr_pages(str(LETTER)) == 4
    assert ocr_page.estimate_ocr_pages(str(ETHICS)) == 0


def test_huge_page_is_rendered_within_the_pixel_cap():
    doc = pdfium.PdfDocument.new()
    doc.new_page(20000, 20000)
    img = ocr_image.render(doc[0], 200)
    assert img.gray.size <= ocr_image.MAX_PIXELS
    assert img.warnings and "20000 x 20000 pt" in img.warnings[0]
    assert img.scale < 200 / 72


def _ink_of_text(doc, page_no: int, text: str, dpi: int = 200):
    """The ink of ``text`` on a real PDF's page, found through its text layer."""
    page = doc[page_no]
    tp = page.get_textpage()
    full = tp.get_text_range()
    i = full.index(text)
    boxes = [tp.get_charbox(k) for k in range(i, i + len(text))]
    tp.close()
    l, b = min(x[0] for x in boxes), min(x[1] for x in boxes)
    r, t = max(x[2] for x in boxes), max(x[3] for x in boxes)
    scale = dpi / 72
    h = page.get_height()
    img = ocr_image.render(page, dpi)
    flat = ocr_image.flatten(img.gray, img.em)
    crop = ocr_image.ink(flat)[int((h - t) * scale) - 2:int((h - b) * scale) + 3,
                               int(l * scale) - 2:int(r * scale) + 3] > 0
    return ocr_digits._band(crop)


@pytest.mark.parametrize("text, digits", [
    ("๒๕๖6", "๒๕๖๖"), ("๒๕๖7", "๒๕๖๗"), ("๓๑", "๓๑"), ("๓๐", "๓๐"), ("150", "๑๕๐"),
])
def test_thai_digits_of_a_real_report_are_read(text, digits):
    """Digits of the real report (TH Sarabun, not among the template fonts; its text layer
    mixes Arabic and Thai code points, all drawn as Thai glyphs): Tesseract reads "๒๕๖๖"
    as "๒๕๒๒"; the templates must not."""
    doc = pdfium.PdfDocument(str(ETHICS))
    pieces = ocr_digits.segment_digits(_ink_of_text(doc, 0, text), ocr_digits.MIN_SIMILARITY)
    assert pieces is not None
    assert "".join(p[2] for p in pieces) == digits


def test_stray_punctuation_words_are_dropped():
    def g(c, space=False):
        return Glyph(c, (0, 0, 1, 1), space)
    line = [g("ก"), g("."), g("'", True), g("ข", True), g("|", True), g(".", True), g("-", True)]
    assert "".join(x.c for x in _drop_stray_marks(line)) == "ก.ข-"


def _line(text: str, x: int, y: int, w: int = 12) -> "object":
    from extractors.ocr import Line
    glyphs = [Glyph(c, (x + w * k, y, x + w * k + w - 2, y + 20), c == " ") for k, c in enumerate(text)]
    glyphs = [g for g in glyphs if g.c != " "]
    return Line(glyphs, (x, y, x + w * len(text), y + 20))


def test_characters_go_to_the_cell_holding_their_centre():
    from extractors.ocr import Recognized
    from extractors.ocr_cells import page_blocks
    from pipeline.records import Paragraph, Table

    grid = ocr_grid.Grid([100, 400, 600, 800], [200, 300, 400, 500],
                         [(0, 0, 1, 1), (0, 1, 1, 2), (1, 0, 2, 1), (1, 1, 1, 1), (1, 2, 1, 1),
                          (2, 1, 1, 1), (2, 2, 1, 1)])
    rec = Recognized([_line("หัวข้อ", 100, 100),                  # above the table: a paragraph
                      _line("มาตรการ", 110, 230), _line("ผล", 420, 230),
                      _line("ผล", 110, 320), _line("งาน", 110, 420),  # both in the merged cell: one word
                      _line("ค", 620, 420)], 90.0, 6)
    blocks = page_blocks(rec, [grid], 2.0, 3)
    assert [type(b).__name__ for _, b in blocks] == ["Paragraph", "Table"]
    para, table = blocks[0][1], blocks[1][1]
    assert isinstance(para, Paragraph) and para.text == "หัวข้อ" and para.page == 3
    assert isinstance(table, Table) and table.source == "ocr" and table.cols == [50, 200, 300, 400]
    rows = [[("~" if c.covered else c.text) for c in r] for r in table.rows]
    assert rows == [["มาตรการ", "ผล", "~"], ["ผลงาน", "", ""], ["~", "", "ค"]]
    head = table.rows[0][1]
    assert head.col_span == 2 and head.bbox == (200.0, 100.0, 400.0, 150.0)
    assert table.rows[1][0].row_span == 2 and all(len(r) == 3 for r in table.rows)


def test_an_ocr_table_is_read_again_in_more_columns():
    from extractors.ocr_cells import page_table
    from pipeline.records import Cell, Table

    t = Table(rows=[[Cell("ก", 2, (10, 0, 50, 10)), Cell("ข", 2, (50, 0, 100, 10))]], page=2,
              cols=[10, 50, 100], pages=[2], source="ocr")
    pt = page_table(t)
    pt.reslot([10, 30, 50, 100])
    assert [[c.text for c in r] for r in pt.table.rows] == [["ก", "", "ข"]]
    assert pt.table.cols == [10, 30, 50, 100] and pt.table.source == "ocr"
