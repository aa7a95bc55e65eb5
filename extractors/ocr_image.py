"""The page image of a scan: rendering (capped in pixels), ink, skew, ruling lines.

Sizes are in units of the text: ``em`` = the body-text height in pixels at the chosen dpi
(ITA reports use 14-16 pt TH Sarabun: ~11 pt of ink per line), so the same rules hold at
150 and 300 dpi.

* ``render(page, dpi)``: greyscale numpy image; a page whose rendering would pass
  ``MAX_PIXELS`` is rendered smaller (with a warning) - a 20000 pt page must not take
  gigabytes.
* ``flatten(gray, em)`` / ``ink(flat)``: the page divided by its local background (shaded
  cells, grey paper and uneven lighting turn white) and its binary mask of ink (Otsu).
* ``skew_angle(mask)``: degrees to rotate by so text lines and rules are horizontal; the
  angle whose horizontal projection is the most peaked (rules and text lines are thin
  horizontal bands when level), searched coarse to fine within +-MAX_SKEW.
* ``rules(mask, em)``: horizontal and vertical ruling lines by morphological opening with
  a kernel several em long (text strokes, tick boxes and dotted leaders are shorter).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

MAX_PIXELS = 40_000_000          # per page rendering (A4 at 300 dpi is 8.7 M)
MAX_SKEW = 3.0                   # degrees searched either way
MIN_ROTATION = 0.02              # degrees: a page skewed less is left as it is
TEXT_PT = 11.0                   # ink height of a body-text line in points (14-16 pt Thai)
RULE_EM = 2.5                    # a vertical ruling line is at least this long (em)
RULE_H_EM = 4.0                  # a horizontal one (bold text joins into runs of ~3 em)


@dataclass
class PageImage:
    gray: np.ndarray             # uint8, 255 = paper
    scale: float                 # pixels per PDF point
    warnings: list

    @property
    def em(self) -> float:
        return TEXT_PT * self.scale


def render(page, dpi: int) -> PageImage:
    """Greyscale rendering of a pypdfium2 page at ``dpi``, capped at MAX_PIXELS."""
    w, h = page.get_size()
    scale = dpi / 72.0
    warnings = []
    if w * h * scale * scale > MAX_PIXELS:
        scale = 0.999 * (MAX_PIXELS / (w * h)) ** 0.5
        warnings.append(f"page of {w:.0f} x {h:.0f} pt rendered at {scale * 72:.0f} dpi instead of {dpi} "
                        f"(at most {MAX_PIXELS // 1_000_000} M pixels per page)")
    bitmap = page.render(scale=scale, grayscale=True)
    gray = np.array(bitmap.to_numpy(), copy=True)
    if gray.ndim == 3:                       # some pdfium builds return BGR(A) for grey
        gray = gray[..., :3].mean(axis=2).astype(np.uint8)
    return PageImage(gray, scale, warnings)


def flatten(gray: np.ndarray, em: float) -> np.ndarray:
    """The page divided by its local background (closing over 3 em): shaded header cells,
    grey paper and uneven lighting become white, the ink keeps its edges."""
    import cv2

    k = int(em * 3) | 1
    background = cv2.morphologyEx(gray, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (k, k)))
    return cv2.divide(gray, background, scale=255)


# a rule is this many noise deviations darker than the paper: at 4, a light-grey 1 px rule
# scanned with noise broke into runs shorter than RULE_H_EM (scan 001 page 11); noise alone
# never makes such runs (opening keeps only runs of several em)
RULE_NOISE = 3.0


def faint_ink(flat: np.ndarray) -> np.ndarray:
    """A lenient mask (255 = anything darker than the paper by more than its noise) for
    finding thin rules, which scan light grey; paper level and noise from the median and
    the median absolute deviation of the flattened page."""
    sample = flat[::4, ::4]
    paper = float(np.median(sample))
    mad = float(np.median(np.abs(sample.astype(np.float32) - paper))) * 1.4826
    level = min(paper - 12.0, paper - RULE_NOISE * max(mad, 2.0))
    return np.where(flat < level, 255, 0).astype(np.uint8)


def ink(flat: np.ndarray) -> np.ndarray:
    """uint8 mask (255 = ink) of a flattened page (Otsu)."""
    import cv2

    _, mask = cv2.threshold(flat, 0, 255, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)
    return mask


def _peakedness(mask_small: np.ndarray, angle: float) -> float:
    import cv2

    h, w = mask_small.shape
    m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    rot = cv2.warpAffine(mask_small, m, (w, h), flags=cv2.INTER_NEAREST)
    prof = rot.sum(axis=1, dtype=np.float64)
    return float(np.square(np.diff(prof)).sum())


def skew_angle(mask: np.ndarray) -> float:
    """Rotation (degrees, counter-clockwise positive as in cv2) that levels the page."""
    import cv2

    h, w = mask.shape
    f = min(1.0, 1000.0 / max(h, w))
    small = cv2.resize(mask, (max(1, int(w * f)), max(1, int(h * f))), interpolation=cv2.INTER_AREA)
    if not small.any():
        return 0.0
    best = 0.0
    for step, span in ((0.5, MAX_SKEW), (0.1, 0.5), (0.025, 0.1)):
        candidates = np.arange(best - span, best + span + 1e-9, step)
        best = max(candidates, key=lambda a: _peakedness(small, float(a)))
    return round(float(best), 3)


def rotate(img: np.ndarray, angle: float, fill: int) -> np.ndarray:
    import cv2

    if abs(angle) < MIN_ROTATION:
        return img
    h, w = img.shape[:2]
    m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    return cv2.warpAffine(img, m, (w, h), flags=cv2.INTER_LINEAR, borderValue=fill)


def rules(mask: np.ndarray, em: float) -> tuple[np.ndarray, np.ndarray]:
    """(horizontal, vertical) masks of ruling lines. A small closing first bridges the
    breaks JPEG and speckle leave in a thin rule. A horizontal run with ink right above
    and right below it is the joined strokes of a bold text line, not a rule."""
    import cv2

    length = max(8, int(RULE_EM * em))
    bridge = max(1, int(em * 0.15))
    hk = cv2.getStructuringElement(cv2.MORPH_RECT, (max(8, int(RULE_H_EM * em)), 1))
    vk = cv2.getStructuringElement(cv2.MORPH_RECT, (1, length))
    hclosed = cv2.morphologyEx(mask, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (bridge, 1)))
    vclosed = cv2.morphologyEx(mask, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (1, bridge)))
    horizontal = cv2.morphologyEx(hclosed, cv2.MORPH_OPEN, hk)
    vertical = cv2.morphologyEx(vclosed, cv2.MORPH_OPEN, vk)
    _drop_text_runs(horizontal, mask, em)
    return horizontal, vertical


def _drop_text_runs(horizontal: np.ndarray, mask: np.ndarray, em: float) -> None:
    """Remove runs whose rows right above or right below hold ink along much of their
    length: the flat tops and baselines of a text line, joined into a run. A rule has the
    cell padding on both sides (only the vertical rules crossing it touch it)."""
    import cv2

    strip = max(2, int(0.15 * em))
    n, labels, stats, _ = cv2.connectedComponentsWithStats(horizontal, connectivity=8)
    for k in range(1, n):
        x, y, w, h, _ = stats[k]
        above = mask[max(0, y - strip):max(0, y - 1), x:x + w]
        below = mask[y + h + 1:y + h + strip, x:x + w]
        a = above.any(axis=0).mean() if above.size else 0.0
        b = below.any(axis=0).mean() if below.size else 0.0
        if max(a, b) > 0.3:
            horizontal[labels == k] = 0


def despeckle(flat: np.ndarray, mask: np.ndarray, em: float) -> np.ndarray:
    """Specks (ink blobs smaller than a full stop) painted white in ``flat``, removed from
    ``mask`` (both changed in place and returned)."""
    import cv2

    n, labels, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    small = np.zeros(n, dtype=bool)
    small[1:] = stats[1:, cv2.CC_STAT_AREA] < max(2, int(0.004 * em * em))
    speck = small[labels]
    flat[speck] = 255
    mask[speck] = 0
    return flat


def blank(img: np.ndarray, boxes) -> np.ndarray:
    """A copy with the boxes (x0, top, x1, bottom, px) painted paper-white."""
    out = img.copy()
    for x0, t, x1, b in boxes:
        out[max(0, int(t)):int(b) + 1, max(0, int(x0)):int(x1) + 1] = 255
    return out


def has_text(mask: np.ndarray, box, em: float) -> bool:
    """Does the box hold a glyph (ink at least 0.3 em tall), not only specks?"""
    import cv2

    x0, t, x1, b = (int(v) for v in box)
    crop = np.ascontiguousarray(mask[max(0, t):b, max(0, x0):x1])
    if crop.shape[0] < 2 or crop.shape[1] < 2 or not crop.any():
        return False
    n, _, stats, _ = cv2.connectedComponentsWithStats(crop, connectivity=8)
    return bool(n > 1 and (stats[1:, cv2.CC_STAT_HEIGHT] >= 0.3 * em).any())


def erase(gray: np.ndarray, lines_mask: np.ndarray, em: float, fill: int = 255) -> np.ndarray:
    """The page with ruling lines painted over with ``fill`` (paper: Tesseract reads rules
    as letters)."""
    import cv2

    grow = max(1, int(em * 0.12))
    wide = cv2.dilate(lines_mask, cv2.getStructuringElement(cv2.MORPH_RECT, (2 * grow + 1, 2 * grow + 1)))
    out = gray.copy()
    out[wide > 0] = fill
    return out
