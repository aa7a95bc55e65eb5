"""The ITA framework (schemas/indicators.json): which tool (IIT/EIT/OIT) and which of the
10 indicators a piece of text names."""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Optional

from rapidfuzz import fuzz

from pipeline.headers import header_key
from pipeline.vocab import load_json

INDICATOR_FUZZY_MIN = 88

_TOOL_CODE = re.compile(r"(?<![A-Za-z])(IIT|EIT|OIT)(?![A-Za-z])", re.I)
_NUMBERED = re.compile(r"^\s*(?:ตัวชี้วัดที่\s*)?(\d{1,2})(?:\s*[.)]|\s|$)")


@lru_cache(maxsize=1)
def _framework():
    fw = load_json("indicators.json")
    names = sorted(((header_key(n), int(no)) for no, ind in fw["indicators"].items() for n in ind["names"]),
                   key=lambda p: -len(p[0]))
    tools = [(header_key(v), tool) for tool, vs in fw["tools"].items() for v in vs]
    tools.sort(key=lambda p: -len(p[0]))
    return fw, names, tools


def tool_in_text(text: str) -> Optional[str]:
    """IIT/EIT/OIT named in the text (code or Thai tool name); None if none or several."""
    if not text:
        return None
    codes = {m.upper() for m in _TOOL_CODE.findall(text)}
    if len(codes) == 1:
        return codes.pop()
    if codes:
        return None
    key = header_key(text)
    _, _, tools = _framework()
    found = {tool for variant, tool in tools if len(variant) > 6 and variant in key}
    return found.pop() if len(found) == 1 else None


def indicator_tool(no: int) -> str:
    fw, _, _ = _framework()
    return fw["indicators"][str(no)]["tool"]


def indicator_from_text(text: str, tool: Optional[str] = None) -> Optional[int]:
    """Indicator number (1-10) from its name (fuzzily) or, failing that, from its
    number — numbered inside the tool's section when a tool is given (EIT 1-3 = 6-8)."""
    if not text:
        return None
    fw, names, _ = _framework()
    key = header_key(text)
    for name, no in names:
        if name in key:
            return no
    if key:
        scored = sorted(((fuzz.partial_ratio(name, key), no) for name, no in names), reverse=True)
        if scored[0][0] >= INDICATOR_FUZZY_MIN and (len(scored) == 1 or scored[1][1] == scored[0][1]
                                                    or scored[1][0] < scored[0][0]):
            return scored[0][1]
    m = _NUMBERED.match(text)
    if m:
        n = int(m.group(1))
        if tool and "ตัวชี้วัดที่" not in text:
            n += fw["tool_offset"].get(tool, 0)
        if 1 <= n <= 10 and (tool is None or indicator_tool(n) == tool):
            return n
    return None
