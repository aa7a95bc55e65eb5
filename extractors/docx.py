"""DOCX reports (Word 2007+): paragraphs and tables read from the document's own XML.

Tables become the same span-aware grid as the PDF path: every row has one Cell per grid
column; a merged cell (w:gridSpan across, w:vMerge down) is its top-left Cell with
col_span/row_span, and the positions it covers are Cell("", covered=True). Cell text keeps
its paragraphs as lines; list paragraphs get their number as text ("1.", "๑.", "ก.") and
bullets "- ". A table nested inside a cell is flattened into that cell's text (one line per
nested row, its cells joined by " | ") so its words stay with the row they belong to.

There are no pages in a DOCX: provenance is Table.line / Paragraph.line = the position in
the body counting each body paragraph and each table row as one (1-based), so the line of
a measure row (table line + row index) points at that row. Table.source = "docx".
"""
from __future__ import annotations

import zipfile
from dataclasses import dataclass, field
from typing import Iterator, Optional

from pipeline.records import Cell, ExtractedDocument, ExtractionError, Paragraph, Table

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
MAX_UNPACKED_MB = 512            # a larger DOCX is a zip bomb, not a report
NESTED_CELL_SEP = " | "
BULLET = "- "
UNSHADED = {"", "auto", "FFFFFF", "ffffff"}
_OFF = {"0", "false", "off", "none"}
_THAI_DIGITS = str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙")
# Word's thaiLetters sequence (ฃ and ฅ are skipped, as in Word)
_THAI_LETTERS = "กขคงจฉชซฌญฎฏฐฑฒณดตถทธนบปผฝพฟภมยรลวศษสหฬอฮ"


def _on(el) -> bool:
    """A w:b / w:vanish style toggle: present and not switched off."""
    return el is not None and el.get(W + "val", "true").lower() not in _OFF


# --------------------------------------------------------------------- numbering
def _roman(n: int) -> str:
    out = ""
    for v, s in ((1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"),
                 (50, "l"), (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i")):
        while n >= v:
            out, n = out + s, n - v
    return out


def _letters(n: int, alphabet: str) -> str:
    k = len(alphabet)
    return alphabet[(n - 1) % k] * ((n - 1) // k + 1)


def format_number(n: int, fmt: str) -> str:
    """One list counter in Word's numFmt (decimal, thaiNumbers, thaiLetters, roman, …)."""
    if fmt in ("thaiNumbers", "thaiCounting"):
        return str(n).translate(_THAI_DIGITS)
    if fmt == "thaiLetters":
        return _letters(n, _THAI_LETTERS)
    if fmt == "lowerLetter":
        return _letters(n, "abcdefghijklmnopqrstuvwxyz")
    if fmt == "upperLetter":
        return _letters(n, "ABCDEFGHIJKLMNOPQRSTUVWXYZ")
    if fmt == "lowerRoman":
        return _roman(n)
    if fmt == "upperRoman":
        return _roman(n).upper()
    if fmt == "decimalZero":
        return f"{n:02d}"
    if fmt == "none":
        return ""
    return str(n)


@dataclass
class _Level:
    fmt: str = "decimal"
    text: str = "%1."
    start: int = 1


class Numbering:
    """List labels of numbered paragraphs, counted in document order."""

    def __init__(self, root):
        self.levels: dict[tuple[str, int], _Level] = {}
        self.counters: dict[str, dict[int, int]] = {}
        if root is None:
            return
        abstract = {}
        for a in root.iter(W + "abstractNum"):
            abstract[a.get(W + "abstractNumId")] = {int(lv.get(W + "ilvl", "0")): self._level(lv)
                                                    for lv in a.iter(W + "lvl")}
        for num in root.iter(W + "num"):
            num_id = num.get(W + "numId")
            ref = num.find(W + "abstractNumId")
            levels = dict(abstract.get(ref.get(W + "val") if ref is not None else None, {}))
            for ov in num.iter(W + "lvlOverride"):
                ilvl = int(ov.get(W + "ilvl", "0"))
                lv = ov.find(W + "lvl")
                base = self._level(lv) if lv is not None else _Level(**vars(levels.get(ilvl, _Level())))
                start = ov.find(W + "startOverride")
                if start is not None:
                    base.start = int(start.get(W + "val", "1"))
                levels[ilvl] = base
            for ilvl, lv in levels.items():
                self.levels[(num_id, ilvl)] = lv

    @staticmethod
    def _level(lv) -> _Level:
        get = lambda tag, d: (lv.find(W + tag).get(W + "val", d) if lv.find(W + tag) is not None else d)  # noqa: E731
        return _Level(get("numFmt", "decimal"), get("lvlText", ""), int(get("start", "1") or 1))

    def label(self, num_id: str, ilvl: int) -> str:
        """The label of the next paragraph of list num_id at level ilvl ("" for none)."""
        lv = self.levels.get((num_id, ilvl))
        if lv is None or num_id == "0":
            return ""
        if lv.fmt == "bullet":
            return BULLET
        counts = self.counters.setdefault(num_id, {})
        counts[ilvl] = counts.get(ilvl, lv.start - 1) + 1
        for deeper in [k for k in counts if k > ilvl]:
            del counts[deeper]                  # a new item restarts its sub-lists
        text = lv.text
        for k in range(ilvl, -1, -1):
            parent = self.levels.get((num_id, k), _Level())
            text = text.replace(f"%{k + 1}", format_number(counts.get(k, parent.start), parent.fmt))
        return (text + " ") if text.strip() else ""


# ------------------------------------------------------------------------ styles
@dataclass
class Styles:
    """What the pipeline needs from styles.xml: bold, list numbering, headings."""
    bold: dict[str, bool] = field(default_factory=dict)
    numpr: dict[str, tuple[str, int]] = field(default_factory=dict)
    heading: set[str] = field(default_factory=set)

    @classmethod
    def read(cls, root) -> "Styles":
        out = cls()
        if root is None:
            return out
        raw = {}
        for s in root.iter(W + "style"):
            sid = s.get(W + "styleId")
            based = s.find(W + "basedOn")
            b = s.find(f"{W}rPr/{W}b")
            num = s.find(f"{W}pPr/{W}numPr")
            name = s.find(W + "name")
            raw[sid] = (based.get(W + "val") if based is not None else None,
                        None if b is None else _on(b), _numpr(num),
                        (name.get(W + "val", "") if name is not None else "").lower())
        for sid in raw:
            seen, cur, bold, numpr = set(), sid, None, None
            while cur in raw and cur not in seen:      # basedOn chain, nearest wins
                seen.add(cur)
                parent, b, n, name = raw[cur]
                bold = b if bold is None else bold
                numpr = numpr or n
                if name.startswith(("heading", "title")):
                    out.heading.add(sid)
                cur = parent
            out.bold[sid] = bool(bold)
            if numpr:
                out.numpr[sid] = numpr
        return out


def _numpr(el) -> Optional[tuple[str, int]]:
    if el is None:
        return None
    num, lvl = el.find(W + "numId"), el.find(W + "ilvl")
    if num is None:
        return None
    return num.get(W + "val"), int(lvl.get(W + "val", "0")) if lvl is not None else 0


# --------------------------------------------------------------------- paragraphs
class Reader:
    def __init__(self, styles: Styles, numbering: Numbering):
        self.styles, self.numbering = styles, numbering

    def paragraph(self, p) -> tuple[str, int, int]:
        """(text with its list label, characters in bold, characters in all)."""
        ppr = p.find(W + "pPr")
        style = ppr.find(W + "pStyle").get(W + "val") if ppr is not None and ppr.find(W + "pStyle") is not None else None
        numpr = _numpr(ppr.find(W + "numPr")) if ppr is not None else None
        numpr = numpr or self.styles.numpr.get(style)
        parts, bold, total = [], 0, 0
        for run in _runs(p):
            rpr = run.find(W + "rPr")
            if rpr is not None and _on(rpr.find(W + "vanish")):
                continue                          # hidden text
            rstyle = rpr.find(W + "rStyle") if rpr is not None else None
            b = rpr.find(W + "b") if rpr is not None else None
            is_bold = _on(b) if b is not None else (self.styles.bold.get(rstyle.get(W + "val")) if rstyle is not None
                                                   else None)
            if is_bold is None:
                is_bold = self.styles.bold.get(style, False)
            text = _run_text(run)
            parts.append(text)
            n = len(text.strip())
            total += n
            bold += n if is_bold else 0
        text = "".join(parts)
        if numpr and text.strip():
            text = self.numbering.label(*numpr) + text.lstrip()
        return text, bold, total

    def cell_text(self, tc) -> tuple[str, bool]:
        """A cell's text, one line per non-empty paragraph (nested tables flattened), and
        whether most of it is bold."""
        lines, bold, total = [], 0, 0
        for child in tc:
            if child.tag == W + "p":
                text, b, n = self.paragraph(child)
                if text.strip():                  # empty paragraphs are spacing
                    lines.append(text)
                bold, total = bold + b, total + n
            elif child.tag == W + "tbl":
                for row in _grid(self, child):
                    texts = [c.text.replace("\n", " ").strip() for c in row if not c.covered]
                    if any(texts):
                        lines.append(NESTED_CELL_SEP.join(t for t in texts if t))
            elif child.tag == W + "sdt":
                content = child.find(W + "sdtContent")
                if content is not None:
                    text, b = self.cell_text(content)
                    lines.append(text)
                    bold, total = bold + (len(text) if b else 0), total + len(text)
        return "\n".join(lines).strip("\n"), total > 0 and bold * 2 > total


def _runs(p) -> Iterator:
    """The runs of a paragraph in order, through hyperlinks, fields, insertions and smart
    tags; not deleted text, not text boxes (their own paragraphs are elsewhere)."""
    for child in p:
        tag = child.tag
        if tag == W + "r":
            yield child
        elif tag in (W + "hyperlink", W + "ins", W + "smartTag", W + "fldSimple", W + "customXml", W + "sdt",
                     W + "sdtContent", W + "moveTo", W + "dir", W + "bdo"):
            yield from _runs(child)


def _run_text(run) -> str:
    out = []
    for el in run:
        tag = el.tag
        if tag == W + "t":
            out.append(el.text or "")
        elif tag in (W + "br", W + "cr"):
            out.append("\n")
        elif tag in (W + "tab", W + "ptab"):
            out.append(" ")
        elif tag == W + "noBreakHyphen":
            out.append("-")
    return "".join(out)


# ------------------------------------------------------------------------- tables
def _int(el, default: int = 0) -> int:
    try:
        return int(el.get(W + "val")) if el is not None else default
    except (TypeError, ValueError):
        return default


def _grid(reader: Reader, tbl) -> list[list[Cell]]:
    """A w:tbl as a rectangular grid of Cells with spans (see the module doc)."""
    rows: list[list[Cell]] = []
    origin: dict[int, Cell] = {}          # grid column -> the cell a vMerge continues
    for tr in tbl.iter(W + "tr"):
        if tr.getparent() is not tbl:
            continue                       # rows of a nested table
        trpr = tr.find(W + "trPr")
        row: list[Cell] = [Cell("") for _ in range(_int(trpr.find(W + "gridBefore")) if trpr is not None else 0)]
        for tc in tr.iter(W + "tc"):
            if tc.getparent() is not tr:
                continue
            tcpr = tc.find(W + "tcPr")
            span = max(1, _int(tcpr.find(W + "gridSpan"), 1)) if tcpr is not None else 1
            vmerge = tcpr.find(W + "vMerge") if tcpr is not None else None
            hmerge = tcpr.find(W + "hMerge") if tcpr is not None else None
            text, bold = reader.cell_text(tc)
            col = len(row)
            above = origin.get(col)
            if vmerge is not None and vmerge.get(W + "val", "continue") != "restart" and above is not None:
                above.row_span += 1
                if text.strip():           # Word shows both texts in the merged cell
                    above.text = f"{above.text}\n{text}" if above.text else text
                row += [Cell("", covered=True) for _ in range(span)]
                continue
            if hmerge is not None and hmerge.get(W + "val", "continue") != "restart" and row and not row[-1].covered:
                row[-1].col_span += span   # legacy horizontal merge
                row += [Cell("", covered=True) for _ in range(span)]
                continue
            shd = tcpr.find(W + "shd") if tcpr is not None else None
            cell = Cell(text, col_span=span, bold=bold,
                        shaded=shd is not None and shd.get(W + "fill", "auto") not in UNSHADED)
            row.append(cell)
            row += [Cell("", covered=True) for _ in range(span - 1)]
            for k in range(col, col + span):
                origin.pop(k, None)
            if vmerge is not None:         # restart: rows below may continue it
                origin[col] = cell
        for k in list(origin):             # a vMerge continues only in the next row
            if k >= len(row) or not (row[k] is origin[k] or row[k].covered):
                origin.pop(k)
        rows.append(row)
    width = max((len(r) for r in rows), default=0)
    for r in rows:
        r += [Cell("") for _ in range(width - len(r))]
    return rows


# ------------------------------------------------------------------------ document
def _body_blocks(reader: Reader, body) -> list:
    blocks: list = []
    line = 0
    for el in _body_elements(body):
        if el.tag == W + "p":
            line += 1
            text, bold, total = reader.paragraph(el)
            if not text.strip():
                continue
            ppr = el.find(W + "pPr")
            style = ppr.find(W + "pStyle") if ppr is not None else None
            role = "heading" if style is not None and style.get(W + "val") in reader.styles.heading else "body"
            blocks.append(Paragraph(text.strip(), line=line, bold=total > 0 and bold * 2 > total, role=role))
        else:
            rows = _grid(reader, el)
            if rows and any(c.text.strip() for r in rows for c in r):
                blocks.append(Table(rows=rows, line=line + 1, source="docx"))
            line += len(rows)
    return blocks


def _body_elements(parent) -> Iterator:
    """Body paragraphs and tables in order, through content controls (w:sdt)."""
    for el in parent:
        if el.tag in (W + "p", W + "tbl"):
            yield el
        elif el.tag in (W + "sdt", W + "sdtContent", W + "customXml"):
            yield from _body_elements(el)


def _check_zip(path: str) -> None:
    try:
        with zipfile.ZipFile(path) as z:
            names = set(z.namelist())
            unpacked = sum(i.file_size for i in z.infolist())
    except (zipfile.BadZipFile, OSError) as e:
        raise ExtractionError(f"damaged DOCX (not a readable zip: {e})") from None
    if "word/document.xml" not in names:
        raise ExtractionError("damaged DOCX (no word/document.xml): open and save it again in Word")
    if unpacked > MAX_UNPACKED_MB << 20:
        raise ExtractionError(f"DOCX unpacks to {unpacked >> 20} MB (over {MAX_UNPACKED_MB} MB): not read")


def extract_docx(path: str) -> ExtractedDocument:
    _check_zip(path)
    import docx  # python-docx: opens the package and its parts
    try:
        document = docx.Document(path)
    except Exception as e:  # noqa: BLE001 - any parse failure is a damaged file to the user
        raise ExtractionError(f"damaged DOCX ({type(e).__name__}: {str(e)[:120]})") from None
    part = document.part
    try:
        numbering_root = part.numbering_part.element
    except (KeyError, NotImplementedError, AttributeError):
        numbering_root = None
    styles_root = document.styles.element if document.styles is not None else None
    reader = Reader(Styles.read(styles_root), Numbering(numbering_root))
    blocks = _body_blocks(reader, document.element.body)
    doc = ExtractedDocument(source_path=path, format="docx", blocks=blocks, pages=None)
    if not blocks:
        doc.warnings.append("the DOCX has no text")
    return doc
