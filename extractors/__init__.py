"""One module per input format. `extract(path)` sniffs the bytes (not just the name) and
hands the file to the right extractor; a file that is not what its name says gets an
error a person can act on."""
from __future__ import annotations

from pathlib import Path

from pipeline.records import ExtractedDocument, ExtractionError

SUPPORTED_SUFFIXES = (".pdf", ".txt")


def sniff(path: str) -> str:
    """'pdf' or 'txt'; raises ExtractionError for empty files and impostors."""
    with open(path, "rb") as f:
        head = f.read(2048)
    if not head.strip():
        raise ExtractionError("empty file")
    if b"%PDF-" in head[:1024]:
        return "pdf"
    suffix = Path(path).suffix.lower()
    if suffix == ".pdf":
        start = head.lstrip()[:200].lower()
        if start.startswith((b"<!doctype", b"<html", b"<?xml", b"<head", b"<body")) or b"<html" in start:
            raise ExtractionError("not a PDF (looks like HTML): probably an error page saved under a .pdf name")
        raise ExtractionError("not a PDF (no PDF header): the file is damaged or of another kind")
    return "txt"


def extract(path: str, *, ocr: bool = True) -> ExtractedDocument:
    kind = sniff(path)
    if kind == "pdf":
        from extractors.pdf import extract_pdf
        return extract_pdf(path, ocr=ocr)
    from extractors.txt import extract_txt
    return extract_txt(path)
