"""Tesseract (Thai + English), in-process through tesserocr: one engine per process.

Why tesserocr and not the ``tesseract`` program (pytesseract): the engine loads its models
once per worker instead of once per call (~0.3 s each), gives word and character boxes
with confidences from a single recognition, and runs inside the worker process, so a
worker killed on a time-out or by ``kill -9`` takes Tesseract with it: no orphaned
``tesseract`` process and no ``tess_*`` temp files, and the worker's memory limit covers
Tesseract too. The tesserocr wheel ships its own libtesseract; the models
(``tha.traineddata``, ``eng.traineddata``) come from Debian's tesseract-ocr-tha and
tesseract-ocr-eng (or ``TESSDATA_PREFIX``).

``recognize(image)`` -> ``Recognized``: the page's text lines, each a list of ``Glyph``
(character, box in pixels, whether a space precedes it) plus mean word confidence.
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Optional

os.environ.setdefault("OMP_THREAD_LIMIT", "1")      # one core per worker: workers are the parallelism

LANG = "tha+eng"
INSTALL_HINT = "apt-get install tesseract-ocr tesseract-ocr-tha"
_TESSDATA_DIRS = ("/usr/share/tesseract-ocr/5/tessdata", "/usr/share/tesseract-ocr/4.00/tessdata",
                  "/usr/share/tessdata", "/usr/local/share/tessdata", "/opt/homebrew/share/tessdata")


def tessdata_dir() -> Optional[str]:
    """The first folder holding both models (TESSDATA_PREFIX first)."""
    env = os.environ.get("TESSDATA_PREFIX")
    for d in ([env, str(Path(env) / "tessdata")] if env else []) + list(_TESSDATA_DIRS):
        if d and all((Path(d) / f"{lang}.traineddata").is_file() for lang in LANG.split("+")):
            return d
    return None


@lru_cache(maxsize=1)
def _probe() -> tuple[bool, str]:
    try:
        import tesserocr
    except ImportError:
        return False, "tesserocr is not installed (pip install tesserocr)"
    d = tessdata_dir()
    if d is None:
        return False, f"Tesseract's Thai model is not installed ({INSTALL_HINT})"
    version = tesserocr.tesseract_version().splitlines()[0]
    return True, f"{version} with tha+eng from {d}"


def tesseract_available() -> tuple[bool, str]:
    """(usable, message): tesserocr and the Thai and English models are installed."""
    return _probe()


@dataclass
class Glyph:
    c: str
    box: tuple[int, int, int, int]       # x0, top, x1, bottom in pixels of the image read
    space_before: bool = False


@dataclass
class Line:
    glyphs: list[Glyph]
    box: tuple[int, int, int, int]

    @property
    def text(self) -> str:
        return "".join((" " if g.space_before and i else "") + g.c for i, g in enumerate(self.glyphs))


@dataclass
class Recognized:
    lines: list[Line] = field(default_factory=list)
    confidence: Optional[float] = None   # mean word confidence 0..100
    words: int = 0

    def extend(self, other: "Recognized") -> None:
        """Add another reading of other parts of the same image."""
        total = (self.confidence or 0.0) * self.words + (other.confidence or 0.0) * other.words
        self.lines.extend(other.lines)
        self.words += other.words
        self.confidence = round(total / self.words, 1) if self.words else None


_engine = None


def engine():
    """This process's Tesseract engine (created on first use, kept for the process)."""
    global _engine
    if _engine is None:
        import tesserocr

        ok, msg = tesseract_available()
        if not ok:
            raise RuntimeError(msg)
        _engine = tesserocr.PyTessBaseAPI(path=tessdata_dir(), lang=LANG, psm=tesserocr.PSM.AUTO,
                                          oem=tesserocr.OEM.LSTM_ONLY)
        _engine.SetVariable("tessedit_do_invert", "0")     # no white-on-black pass: scans have none
    return _engine


_STRAY = set(".,'`|:;_~\"‘’“”^")


def _drop_stray_marks(glyphs: list[Glyph]) -> list[Glyph]:
    """Words of punctuation alone ("'", ". .", "|"): specks and shading read as text."""
    out, word = [], []
    for g in glyphs + [Glyph(" ", (0, 0, 0, 0), True)]:
        if g.space_before and word:
            if not all(w.c in _STRAY for w in word):
                out.extend(word)
            word = []
        word.append(g)
    if out:
        out[0].space_before = False
    return out


def _thai_engine():
    """A second engine, Thai only, for re-reading short "English" words: with both models
    loaded Tesseract reads some Thai as Latin ("ต.ค." as "A.", "๓๑" as "me")."""
    global _thai
    if _thai is None:
        import tesserocr

        _thai = tesserocr.PyTessBaseAPI(path=tessdata_dir(), lang="tha", psm=tesserocr.PSM.SINGLE_LINE,
                                        oem=tesserocr.OEM.LSTM_ONLY)
        _thai.SetVariable("tessedit_do_invert", "0")
    return _thai


_thai = None
SHORT_LATIN = 4             # "English" words this short in a Thai line are read again as Thai
THAI_MARGIN = 10            # ... and the Thai reading wins unless its confidence is this much lower
_THAI_CHAR = re.compile("[\u0e01-\u0e59]")
_LATIN_OR_DIGIT = re.compile("[A-Za-z0-9]")


def _reread_as_thai(image, word: "_Word", pad: int) -> Optional[list[Glyph]]:
    from tesserocr import RIL, iterate_level

    api = _thai_engine()
    x0, t, x1, b = word.box
    api.SetRectangle(max(0, x0 - pad), max(0, t - pad), x1 - x0 + 2 * pad, b - t + 2 * pad)
    api.Recognize()
    glyphs = []
    for r in iterate_level(api.GetIterator(), RIL.SYMBOL):
        c, bb = _text(r, RIL.SYMBOL), r.BoundingBox(RIL.SYMBOL)
        if c and bb:
            glyphs.append(Glyph(c, bb, bool(glyphs) and r.IsAtBeginningOf(RIL.WORD) and r.BlanksBeforeWord() > 0))
    conf = api.MeanTextConf()
    text = "".join(g.c for g in glyphs)
    if not glyphs or not _THAI_CHAR.search(text) or conf < word.conf - THAI_MARGIN:
        return None
    glyphs[0].space_before = word.glyphs[0].space_before
    return glyphs


def _text(r, level) -> str:
    try:
        return r.GetUTF8Text(level)
    except RuntimeError:            # tesserocr: "No text returned" for an empty element
        return ""


@dataclass
class _Word:
    line: "Line"
    glyphs: list[Glyph]
    box: tuple[int, int, int, int]
    conf: float
    english: bool


def recognize(image, *, psm: Optional[int] = None, cells: Optional[list] = None) -> Recognized:
    """Read a PIL image (greyscale): characters with their boxes, line by line. Without
    ``cells`` the page is read once (layout analysis finds the text); with ``cells``
    (boxes x0, top, x1, bottom in pixels) each is read on its own as a block of text
    (PSM 6) by the same engine, and the rest of the page is not read. Short "English"
    words of Thai lines are then read again with the Thai model alone."""
    import tesserocr

    api = engine()
    api.SetImage(image)
    out = Recognized()
    confs: list[float] = []
    words: list[_Word] = []
    if cells is None:
        api.SetPageSegMode(tesserocr.PSM.AUTO if psm is None else psm)
        api.Recognize()
        _collect(api, out, words, confs)
    else:
        api.SetPageSegMode(tesserocr.PSM.SINGLE_BLOCK if psm is None else psm)
        for x0, t, x1, b in cells:
            if x1 - x0 < 4 or b - t < 4:
                continue
            api.SetRectangle(int(x0), int(t), int(x1 - x0), int(b - t))
            api.Recognize()
            _collect(api, out, words, confs)
    api.Clear()
    _thai_words(image, words)
    for ln in out.lines:
        ln.glyphs = _drop_stray_marks(ln.glyphs)
    out.lines = [ln for ln in out.lines if ln.glyphs]
    out.words = len(confs)
    out.confidence = round(sum(confs) / len(confs), 1) if confs else None
    return out


def _collect(api, out: Recognized, words: list, confs: list) -> None:
    """The characters of the last recognition, appended to ``out`` line by line."""
    from tesserocr import RIL, iterate_level

    line: Optional[Line] = None
    new_word = False
    for r in iterate_level(api.GetIterator(), RIL.SYMBOL):
        if r.IsAtBeginningOf(RIL.TEXTLINE):
            bb = r.BoundingBox(RIL.TEXTLINE)
            line = Line([], bb if bb else (0, 0, 0, 0))
            out.lines.append(line)
            new_word = False
        if r.IsAtBeginningOf(RIL.WORD) and line is not None:
            conf = r.Confidence(RIL.WORD)
            if conf >= 0:
                confs.append(conf)
            # Tesseract's Thai "words" are arbitrary pieces: only a blank before one is a space
            new_word = bool(line.glyphs) and r.BlanksBeforeWord() > 0
            words.append(_Word(line, [], r.BoundingBox(RIL.WORD) or (0, 0, 0, 0), conf,
                               r.WordRecognitionLanguage() == "eng"))
        c = _text(r, RIL.SYMBOL)
        bb = r.BoundingBox(RIL.SYMBOL)
        if not c or not bb or line is None:
            continue
        g = Glyph(c, bb, new_word)
        line.glyphs.append(g)
        if words:
            words[-1].glyphs.append(g)
        new_word = False


def _thai_words(image, words: list[_Word]) -> None:
    todo = [w for w in words if w.glyphs and len(w.glyphs) <= SHORT_LATIN and
            _LATIN_OR_DIGIT.search("".join(g.c for g in w.glyphs)) and (w.english or w.conf < 60) and
            _THAI_CHAR.search("".join(g.c for g in w.line.glyphs))]
    if not todo:
        return
    api = _thai_engine()
    api.SetImage(image)
    for w in todo:
        h = w.box[3] - w.box[1]
        new = _reread_as_thai(image, w, max(2, h // 4))
        if new is None:
            continue
        gl = w.line.glyphs
        k = next(i for i, g in enumerate(gl) if g is w.glyphs[0])
        gl[k:k + len(w.glyphs)] = new
    api.Clear()
