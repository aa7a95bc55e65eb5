"""One module per input format. `extract(path)` sniffs the bytes (not just the name) and
hands the file to the right extractor; a file that is not what its name says, or of a
type we do not read, gets an error a person can act on."""
from __future__ import annotations

import zipfile
from pathlib import Path

from pipeline.records import ExtractedDocument, ExtractionError

SUPPORTED_SUFFIXES = (".pdf", ".txt", ".docx")
# Types a report may come in that we do not read: a folder's files of these types get a
# documents row with status failed and the message below (not silently skipped); other
# files in a folder (.json, .md, …) are not reports and are left alone.
UNSUPPORTED_SUFFIXES = (".doc", ".docm", ".dot", ".dotx", ".rtf", ".odt", ".xls", ".xlsx", ".xlsm", ".ods",
                        ".ppt", ".pptx", ".odp", ".hwp", ".pages", ".zip", ".rar", ".7z",
                        ".jpg", ".jpeg", ".png", ".gif", ".tif", ".tiff", ".bmp", ".webp", ".heic")
REPORT_SUFFIXES = SUPPORTED_SUFFIXES + UNSUPPORTED_SUFFIXES

_IMAGES = ((b"\x89PNG", ".png"), (b"\xff\xd8\xff", ".jpg"), (b"GIF8", ".gif"), (b"II*\x00", ".tif"),
           (b"MM\x00*", ".tif"), (b"BM", ".bmp"))
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"          # Office 97-2003 files (and encrypted OOXML)
_ZIP_KINDS = (("word/", ".docx"), ("xl/", ".xlsx"), ("ppt/", ".pptx"))


def unsupported(kind: str) -> ExtractionError:
    if kind in (".zip", ".rar", ".7z"):
        return ExtractionError(f"unsupported file type ({kind}): unpack the archive and ingest its folder")
    return ExtractionError(f"unsupported file type ({kind}): save it as PDF or DOCX")


def _zip_kind(path: str, suffix: str) -> str:
    try:
        with zipfile.ZipFile(path) as z:
            names = z.namelist()
            mimetype = z.read("mimetype").decode("ascii", "replace") if "mimetype" in names else ""
    except (zipfile.BadZipFile, OSError, KeyError):
        if suffix == ".docx":
            raise ExtractionError("damaged DOCX (not a readable zip): open and save it again in Word") from None
        raise unsupported(suffix or ".zip") from None
    if "word/document.xml" in names:
        return "docx"
    for prefix, kind in _ZIP_KINDS:
        if any(n.startswith(prefix) for n in names):
            raise unsupported(kind)
    if "opendocument" in mimetype:
        raise unsupported({"text": ".odt", "spreadsheet": ".ods"}.get(mimetype.rsplit(".", 1)[-1], ".odp"))
    raise unsupported(suffix if suffix in UNSUPPORTED_SUFFIXES else ".zip")


def sniff(path: str) -> str:
    """'pdf', 'docx' or 'txt'; raises ExtractionError for empty files, impostors and
    types we do not read."""
    with open(path, "rb") as f:
        head = f.read(2048)
    if not head.strip():
        raise ExtractionError("empty file")
    if b"%PDF-" in head[:1024]:
        return "pdf"
    suffix = Path(path).suffix.lower()
    if head.startswith(b"PK\x03\x04"):
        return _zip_kind(path, suffix)
    if head.startswith(_OLE):
        if suffix in (".docx", ".xlsx", ".pptx"):
            raise ExtractionError(f"password-protected {suffix[1:].upper()} (encrypted): open it, remove the "
                                  "password, save, and ingest again")
        raise unsupported(suffix if suffix in (".doc", ".xls", ".ppt", ".dot") else ".doc")
    for magic, kind in _IMAGES:
        if head.startswith(magic):
            raise unsupported(kind)
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        raise unsupported(".webp")
    if head[4:12] in (b"ftypheic", b"ftypheix", b"ftypmif1"):
        raise unsupported(".heic")
    if head.lstrip().startswith(b"{\\rtf"):
        raise unsupported(".rtf")
    if suffix == ".pdf":
        start = head.lstrip()[:200].lower()
        if start.startswith((b"<!doctype", b"<html", b"<?xml", b"<head", b"<body")) or b"<html" in start:
            raise ExtractionError("not a PDF (looks like HTML): probably an error page saved under a .pdf name")
        raise ExtractionError("not a PDF (no PDF header): the file is damaged or of another kind")
    if suffix == ".docx":
        raise ExtractionError("not a DOCX (no zip header): the file is damaged or of another kind")
    if suffix in UNSUPPORTED_SUFFIXES:
        raise unsupported(suffix)
    return "txt"


def extract(path: str, *, ocr: bool = True) -> ExtractedDocument:
    """Read one report file (PDF, DOCX or TXT) into paragraphs and tables."""
    kind = sniff(path)
    if kind == "pdf":
        from extractors.pdf import extract_pdf
        return extract_pdf(path, ocr=ocr)
    if kind == "docx":
        from extractors.docx import extract_docx
        return extract_docx(path)
    from extractors.txt import extract_txt
    return extract_txt(path)
