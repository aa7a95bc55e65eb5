"""Result cells that say nothing specific ("ดำเนินการแล้วเสร็จ"): schemas/generic_results.txt."""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Optional, Sequence

from pipeline.analyze.store import PRIORITY, Finding, finding_id
from pipeline.analyze.textkey import compare_key
from pipeline.normalize import RE_MARKUP
from pipeline.vocab import load_lines

_RESULT_LEAD = re.compile(r"^(ผลการดำเนินการ|ผลการดำเนินงาน|output)+")


@lru_cache(maxsize=1)
def _patterns() -> tuple[re.Pattern, ...]:
    return tuple(re.compile(r"(?:" + ln + r")") for ln in load_lines("generic_results.txt"))


def is_generic_result(text: Optional[str]) -> bool:
    """A result cell that says nothing specific ("ดำเนินการแล้วเสร็จ", "ดำเนินการแล้ว 100%")."""
    if not text or not text.strip():
        return False
    s = _RESULT_LEAD.sub("", compare_key(text))
    if not s:
        return bool(re.fullmatch(r"[\s\-–—.·]+", RE_MARKUP.sub(" ", text)))   # "-", "..."
    return any(p.fullmatch(s) for p in _patterns())


def generic_findings(doc_id: str, rows: Sequence[tuple]) -> list[Finding]:
    """One finding per generic result cell; similarity = the share of the report's result
    cells that are generic."""
    results = [r for r in rows if r[3] == "result"]
    gen = [r for r in results if is_generic_result(r[4])]
    share = round(len(gen) / len(results), 4) if results else 0.0
    return [Finding(finding_id("generic_result", r[0]), "generic_result", doc_id, measure_a=r[2],
                    field_a="result", similarity=share,
                    shared_text=re.sub(r"\s+", " ", RE_MARKUP.sub(" ", r[4])).strip(), passage_a=r[0],
                    priority=PRIORITY["generic_result"], pages=[int(r[5])] if r[5] is not None else None)
            for r in gen]
