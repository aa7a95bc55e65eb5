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


def recognize(image, *, psm: Optional[int] = None) -> Recognized:
    """Read a PIL image (greyscale) once; characters with their boxes, line by line."""
    import tesserocr
    from tesserocr import RIL, iterate_level

    api = engine()
    api.SetPageSegMode(tesserocr.PSM.AUTO if psm is None else psm)
    api.SetImage(image)
    api.Recognize()
    out = Recognized()
    confs = []
    it = api.GetIterator()
    line: Optional[Line] = None
    new_word = False
    for r in iterate_level(it, RIL.SYMBOL):
        if r.IsAtBeginningOf(RIL.TEXTLINE):
            bb = r.BoundingBox(RIL.TEXTLINE)
            line = Line([], bb if bb else (0, 0, 0, 0))
            out.lines.append(line)
            new_word = False
        if r.IsAtBeginningOf(RIL.WORD):
            conf = r.Confidence(RIL.WORD)
            if conf >= 0:
                confs.append(conf)
            # Tesseract's Thai "words" are arbitrary pieces: only a blank before one is a space
            new_word = bool(line and line.glyphs) and r.BlanksBeforeWord() > 0
        c = r.GetUTF8Text(RIL.SYMBOL)
        bb = r.BoundingBox(RIL.SYMBOL)
        if not c or not bb or line is None:
            continue
        line.glyphs.append(Glyph(c, bb, new_word))
        new_word = False
    api.Clear()
    for ln in out.lines:
        ln.glyphs = _drop_stray_marks(ln.glyphs)
    out.lines = [ln for ln in out.lines if ln.glyphs]
    out.words = len(confs)
    out.confidence = round(sum(confs) / len(confs), 1) if confs else None
    return out
