"""OCR of the scanned letter (no text layer). Tesseract with the Thai model is required
(CI installs tesseract-ocr + tesseract-ocr-tha): its absence FAILS, it does not skip."""
import os
import re
from pathlib import Path

os.environ.setdefault("PYTHAINLP_OFFLINE", "1")

from extractors import ocr, ocr_page  # noqa: E402
from extractors.pdf import NEEDS_OCR_MESSAGE, extract_pdf  # noqa: E402
from pipeline.records import Paragraph  # noqa: E402

SCAN = str(Path(__file__).resolve().parent.parent / "corpus" / "scanned_official_letter_phitsanulok_2568_imageonly.pdf")


def test_tesseract_with_thai_is_installed():
    ok, msg = ocr.tesseract_available()
    assert ok, f"OCR unavailable: {msg}"


def test_scanned_pdf_is_read_by_ocr():
    doc = extract_pdf(SCAN, max_ocr_pages=1)          # one page keeps the suite fast
    assert doc.status == "ok" and doc.pages == 4
    first = doc.page_info[0]
    assert first.method == "ocr" and first.chars > 300
    assert first.quality is not None and first.quality > 0.6
    assert [p.method for p in doc.page_info[1:]] == ["none"] * 3
    assert any("OCR limited to 1 of 4" in w for w in doc.warnings)
    text = "\n".join(b.text for b in doc.blocks if isinstance(b, Paragraph) and b.page == 1)
    thai = len(re.findall(r"[\u0e01-\u0e4e]", text))
    print(f"OCR page 1: {len(text)} chars, {thai} Thai, quality {first.quality}")
    assert thai > 300
    assert "พิษณุโลก" in text and "จังหวัด" in text


def test_without_tesseract_document_needs_ocr(monkeypatch):
    ocr._probe.cache_clear()
    monkeypatch.setattr(ocr, "tesseract_available", lambda: (False, "Tesseract is not installed"))
    doc = extract_pdf(SCAN)
    assert doc.status == "needs_ocr"
    assert doc.error == NEEDS_OCR_MESSAGE
    assert "apt-get install tesseract-ocr tesseract-ocr-tha" in doc.error
    assert all(p.method == "none" and p.chars == 0 for p in doc.page_info)
    assert doc.blocks == []


def test_ocr_disabled_gives_needs_ocr():
    doc = extract_pdf(SCAN, ocr=False)
    assert doc.status == "needs_ocr" and doc.error.startswith("scanned PDF: no text layer")


def test_text_pdf_never_calls_ocr(monkeypatch):
    def boom(*a, **k):
        raise AssertionError("OCR called on a page with a good text layer")
    monkeypatch.setattr(ocr_page, "read_page", boom)
    doc = extract_pdf(str(Path(__file__).resolve().parent / "fixtures" / "seed_pdf" / "003_348cd1245a6f7d44.pdf"))
    assert {p.method for p in doc.page_info} == {"text"}


def test_a_blank_scan_is_empty_not_waiting_for_tesseract(tmp_path):
    """Tesseract installed and nothing on the page: no "install Tesseract" advice."""
    import io

    import pypdfium2 as pdfium
    from PIL import Image

    pdf = pdfium.PdfDocument.new()
    page = pdf.new_page(595, 842)
    buf = io.BytesIO()
    Image.new("L", (1240, 1754), 235).save(buf, format="JPEG")
    buf.seek(0)
    img = pdfium.PdfImage.new(pdf)
    img.load_jpeg(buf, inline=False)
    img.set_matrix(pdfium.PdfMatrix().scale(595, 842))
    page.insert_obj(img)
    page.gen_content()
    path = tmp_path / "blank_scan.pdf"
    pdf.save(str(path))
    doc = extract_pdf(str(path))
    assert doc.page_info[0].method == "ocr"
    assert doc.status == "ok" and doc.error is None
    assert not any("install" in w.lower() for w in doc.warnings)
    assert "page 1: OCR found no text" in doc.warnings
