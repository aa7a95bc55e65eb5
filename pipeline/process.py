"""One document through extract -> normalize/segment: the work a worker does."""
from __future__ import annotations

from extractors import extract
from pipeline.records import DocumentFacts, SegmentedDocument
from pipeline.segment import segment


def process_file(path: str, *, ocr: bool = True) -> SegmentedDocument:
    """Raises ExtractionError when the file cannot be read."""
    doc = extract(path, ocr=ocr)
    if doc.status != "ok":          # e.g. needs_ocr: nothing to segment
        return SegmentedDocument(extracted=doc, facts=DocumentFacts(), warnings=list(doc.warnings))
    return segment(doc)
