"""Text quality of a page: does the text layer read as Thai?

``text_quality(s)`` in 0..1 = share of the Thai characters that lie in dictionary words
(newmm segmentation with the project word list), minus penalties for signs of a broken
text layer: combining marks with no base (after a space or at the start), private-use
glyphs, "(cid:N)" placeholders and U+FFFD. Text with no Thai at all scores by its share of
printable characters (an English page is fine).

OCR_THRESHOLD: pages scoring below it are sent to OCR (when available). Measured on the
real PDFs of ../shared/pdfs: text layers of Word/iText files score 0.85-0.99 after repair;
the Canva action plan ~0.7; garbage (cid runs, wrong encodings) well under 0.4. 0.4 keeps
every readable page on its text layer and catches only pages that cannot be read.
"""
from __future__ import annotations

import re

OCR_THRESHOLD = 0.4

_THAI_RUN = re.compile(r"[\u0e01-\u0e4e]+")
_DANGLING = re.compile(r"(?:^|[^\u0e01-\u0e4e])[\u0e31\u0e33-\u0e3a\u0e47-\u0e4e]")
_PUA = re.compile("[\ue000-\uf8ff]")
_CID = re.compile(r"\(cid:\d+\)")


def text_quality(s: str) -> float:
    if not s or not s.strip():
        return 0.0
    from extractors.thai_repair import segment, word_set, is_thai_word_token

    words = word_set()
    total = good = 0
    for run in _THAI_RUN.findall(s):
        for tok in segment(run):
            if not is_thai_word_token(tok):
                continue
            total += len(tok)
            if tok in words:
                good += len(tok)
    visible = len(re.sub(r"\s", "", s)) or 1
    bad = (len(_DANGLING.findall(s)) + len(_PUA.findall(s)) + 4 * len(_CID.findall(s))
           + s.count("\ufffd"))
    if total:
        score = good / total
    else:
        printable = sum(1 for c in s if c.isprintable() and not c.isspace())
        score = printable / visible
    score -= 2.0 * bad / visible
    return round(max(0.0, min(1.0, score)), 4)
