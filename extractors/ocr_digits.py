"""Thai digits re-read from the image: Tesseract's Thai model misreads them.

Measured on renderings of real reports (TH Sarabun, TLWG fonts), at 150-400 dpi, clean or
scanned: "๒๕๖๖" comes out as "๒๕๒๒" or "๒๕๐๒๐", "๒๕๖๗" as "๒๕๒๓", and "๓๑" as "me"
with the English model loaded. Dates and fiscal years would all be wrong. So each run of
digits Tesseract found is cut from the ink mask into its connected components (Thai
digits are one stroke each), and each component is classified against templates: the
ten digits drawn in a dozen Thai fonts (``schemas/thai_digit_templates.npz``, made by
``scripts/make_digit_templates.py``), normalised to a ``N`` x ``N`` square with their
aspect kept; nearest by cosine similarity. A run is replaced only when every component
is a confident digit (``MIN_SIMILARITY``); Latin "words" of two or three letters beside a
digit run ("me", "ow") are tried too, and kept as letters unless they read as digits.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Optional

import numpy as np

from extractors.ocr import Glyph, Line, Recognized

DIGITS = "๐๑๒๓๔๕๖๗๘๙"
TEMPLATES = Path(__file__).resolve().parent.parent / "schemas" / "thai_digit_templates.npz"
N = 24
MIN_SIMILARITY = 0.6           # cosine similarity to the nearest template
MIN_LATIN_SIMILARITY = 0.85    # stricter for letters that might be digits
TESSERACT_CONFUSES = "๐๒๓"      # what Tesseract writes for the ๖ and ๗ it cannot read
AGREE_MARGIN = 0.08            # a template must beat Tesseract's other digits by this much
LOOKALIKE_LETTERS = set("ซฆตคดฅยขชฑฒ")   # letters Tesseract writes for digits inside a number
_LATIN = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")


def normalise(mask: np.ndarray) -> np.ndarray:
    """Binary glyph image -> unit vector of an N x N square holding the ink, aspect kept."""
    import cv2

    ys, xs = np.nonzero(mask)
    if len(xs) == 0:
        return np.zeros(N * N, dtype=np.float32)
    crop = mask[ys.min():ys.max() + 1, xs.min():xs.max() + 1].astype(np.float32)
    h, w = crop.shape
    f = (N - 2) / max(h, w)
    nh, nw = max(1, round(h * f)), max(1, round(w * f))
    small = cv2.resize(crop, (nw, nh), interpolation=cv2.INTER_AREA)
    sq = np.zeros((N, N), dtype=np.float32)
    y0, x0 = (N - nh) // 2, (N - nw) // 2
    sq[y0:y0 + nh, x0:x0 + nw] = small
    v = sq.ravel()
    v = v - v.mean()
    n = float(np.linalg.norm(v))
    return v / n if n else v


@lru_cache(maxsize=1)
def _templates() -> Optional[tuple[np.ndarray, np.ndarray]]:
    try:
        data = np.load(TEMPLATES)
        return data["vectors"], data["labels"]
    except (OSError, KeyError, ValueError):
        return None


def similarities(mask: np.ndarray) -> np.ndarray:
    """Best similarity of one glyph's ink to each of the ten digits."""
    t = _templates()
    out = np.zeros(10, dtype=np.float32)
    if t is None:
        return out
    vecs, labels = t
    sims = vecs @ normalise(mask)
    np.maximum.at(out, labels.astype(np.int64), sims)
    return out


def classify(mask: np.ndarray) -> tuple[str, float]:
    """(digit, similarity) of one glyph's ink."""
    sims = similarities(mask)
    k = int(np.argmax(sims))
    return DIGITS[k], float(sims[k])


def _band(crop: np.ndarray) -> np.ndarray:
    """The rows of the main band of ink (the digits' line, not marks of the lines around)."""
    rows = crop.any(axis=1)
    best, cur, start = (0, 0), 0, 0
    for i, on in enumerate(rows):
        if on:
            if cur == 0:
                start = i
            cur += 1
            if cur > best[1] - best[0]:
                best = (start, i + 1)
        else:
            cur = 0
    return crop[best[0]:best[1]]


def _cuts(ink: np.ndarray) -> list[int]:
    """Candidate glyph boundaries: white columns and deep minima of the column profile
    (where touching bold digits join)."""
    prof = ink.sum(axis=0)
    peak = max(1, int(prof.max()))
    out = [0]
    for x in range(1, len(prof) - 1):
        if prof[x] == 0 or (prof[x] <= 0.3 * peak and prof[x] <= prof[x - 1] and prof[x] <= prof[x + 1]):
            out.append(x)
    out.append(len(prof))
    return out


def _ink_rows(piece: np.ndarray) -> int:
    rows = np.nonzero(piece.any(axis=1))[0]
    return int(rows[-1] - rows[0] + 1) if len(rows) else 0


def segment_digits(ink: np.ndarray, min_sim: float) -> Optional[list[tuple[int, int, str, float]]]:
    """Best split of a run's ink into digits (dynamic programming over the cuts: each
    piece scores its similarity minus ``min_sim``; blank pieces score 0). -> [(x0, x1,
    digit, similarity)] or None when some piece is no confident digit."""
    h = ink.shape[0]
    if h < 4 or not ink.any():
        return None
    cuts = _cuts(ink)
    best: list[Optional[tuple[float, list]]] = [None] * len(cuts)
    junk = 0.6 * h             # a bracket or dash touching the run at either end is skipped
    for a in range(len(cuts)):
        if cuts[a] <= junk:
            best[a] = (0.0, [])
    for b in range(1, len(cuts)):
        for a in range(b - 1, -1, -1):
            w = cuts[b] - cuts[a]
            if w > 1.6 * h:
                break
            if best[a] is None:
                continue
            piece = ink[:, cuts[a]:cuts[b]]
            if not piece.any():
                cand = (best[a][0], best[a][1])
            elif w < 0.25 * h or _ink_rows(piece) < 0.5 * h:
                continue                       # a full stop or a speck, not a digit
            else:
                d, sim = classify(piece)
                cand = (best[a][0] + sim - min_sim, best[a][1] + [(cuts[a], cuts[b], d, sim)])
            if best[b] is None or cand[0] > best[b][0]:
                best[b] = cand
    ends = [best[b] for b in range(len(cuts)) if best[b] is not None and best[b][1]
            and cuts[-1] - cuts[b] <= junk]
    if not ends:
        return None
    pieces = max(ends, key=lambda e: e[0])[1]
    return pieces if all(p[3] >= min_sim for p in pieces) else None


def _extent(ink: np.ndarray, x0: int, x1: int, t: int, b: int, em: float) -> tuple[int, int]:
    """Widen [x0, x1) to the whole glyphs it cuts (Tesseract's boxes are often short)."""
    import cv2

    lo, hi = max(0, x0 - int(em)), min(ink.shape[1], x1 + int(em))
    crop = np.ascontiguousarray(ink[max(0, t):b, lo:hi])
    if crop.shape[0] < 2 or crop.shape[1] < 2:      # (OpenCV crashes on empty images)
        return x0, x1
    n, _, stats, _ = cv2.connectedComponentsWithStats(crop, connectivity=8)
    for cx, _cy, w, _h, area in stats[1:n]:
        a, c = lo + cx, lo + cx + w
        if area >= 0.02 * em * em and a < x1 - 1 and c > x0 + 1:
            x0, x1 = min(x0, a), max(x1, c)
    return x0, x1


def _read_run(glyphs: list[Glyph], ink: np.ndarray, em: float, min_sim: float) -> Optional[list[Glyph]]:
    x0 = max(0, min(g.box[0] for g in glyphs))
    x1 = min(ink.shape[1], max(g.box[2] for g in glyphs))
    t = max(0, min(g.box[1] for g in glyphs))
    b = min(ink.shape[0], max(g.box[3] for g in glyphs))
    x0, x1 = _extent(ink, x0, x1, t, b, em)
    crop = ink[t:b, x0:x1] > 0
    rows = crop.any(axis=1)
    if not rows.any():
        return None
    band = _band(crop)
    top = t + int(np.argmax(rows))
    pieces = segment_digits(band, min_sim)
    if not pieces:
        return None
    said = [g.c for g in glyphs]
    if len(pieces) == len(said):          # one piece per digit Tesseract saw: where it read a
        pieces = [_agree(band, p, t) for p, t in zip(pieces, said)]   # digit it reads well, it wins
    return [Glyph(d, (x0 + a, top, x0 + c, top + band.shape[0]), glyphs[0].space_before if k == 0 else False)
            for k, (a, c, d, _sim) in enumerate(pieces)]


def _agree(band: np.ndarray, piece: tuple, said: str) -> tuple:
    a, c, d, sim = piece
    if said == d or said not in DIGITS or said in TESSERACT_CONFUSES:
        return piece
    sims = similarities(band[:, a:c])
    if sims[DIGITS.index(d)] - sims[DIGITS.index(said)] < AGREE_MARGIN:
        return (a, c, said, float(sims[DIGITS.index(said)]))
    return piece


def _is_digit(c: str) -> bool:
    return c in DIGITS


def _digit_run_end(gl: list[Glyph], i: int) -> int:
    """End of the digit run starting at ``i``: digits, and a lookalike letter between or
    right after digits ("๗๘.ฆ๗๙", "๔ซ.๐๔")."""
    j = i + 1
    while j < len(gl) and not gl[j].space_before and (
            _is_digit(gl[j].c) or gl[j].c in LOOKALIKE_LETTERS and (j + 1 >= len(gl) or not "\u0e30" <= gl[j + 1].c <= "\u0e4e")):
        j += 1
    decimal = j + 1 < len(gl) and gl[j].c in ".," and _is_digit(gl[j + 1].c)
    while j > i + 1 and not _is_digit(gl[j - 1].c) and not decimal:
        j -= 1                        # a trailing letter stays a letter, unless a decimal point follows
    return j


def _starts_digit_run(gl: list[Glyph], i: int) -> bool:
    return _is_digit(gl[i].c) or (gl[i].c in LOOKALIKE_LETTERS and i + 1 < len(gl)
                                  and not gl[i + 1].space_before and _is_digit(gl[i + 1].c)
                                  and i > 0 and gl[i - 1].c in ".,")


def reread_line(line: Line, ink: np.ndarray, em: float) -> None:
    gl = line.glyphs
    out: list[Glyph] = []
    i = 0
    while i < len(gl):
        kind = "d" if _starts_digit_run(gl, i) else ("l" if gl[i].c in _LATIN else "")
        if not kind:
            out.append(gl[i])
            i += 1
            continue
        if kind == "d":
            j = _digit_run_end(gl, i)
        else:
            j = i + 1
            while j < len(gl) and not gl[j].space_before and gl[j].c in _LATIN:
                j += 1
        run = gl[i:j]
        new = None
        if kind == "d":
            new = _read_run(run, ink, em, MIN_SIMILARITY)
        elif len(run) <= 3 and _near_digits(gl, i, j):
            new = _read_run(run, ink, em, MIN_LATIN_SIMILARITY)
        out.extend(new if new else run)
        i = j
    line.glyphs = out


def _near_digits(gl: list[Glyph], i: int, j: int) -> bool:
    """A Latin run next to (within two glyphs of) a Thai digit or a date's dash."""
    around = [g.c for g in gl[max(0, i - 3):i] + gl[j:j + 3]]
    return any(_is_digit(c) or c in "-()/" for c in around)


def reread(rec: Recognized, ink: np.ndarray, em: float) -> None:
    """Re-read every digit run of ``rec`` in place (no-op without templates)."""
    if _templates() is None:
        return
    for line in rec.lines:
        if any(_is_digit(g.c) or g.c in _LATIN for g in line.glyphs):
            reread_line(line, ink, em)
