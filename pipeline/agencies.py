"""Agency names, from the vocabulary in schemas/agencies.json.

Every entry of its "types" has a full "prefix" as written in names ("เทศบาลตำบล",
"โรงพยาบาล"), the "type" stored in documents.agency_type and "abbreviations" ("ทต.");
other keys are ignored, except "rank" (1 = most specific; a higher rank is a parent body)
and "oversight": true (every agency of that type oversees others). Naming a parent or
oversight body is never a foreign name. Nothing here knows a particular
type: adding an entry to the JSON is enough.

  agency_core("เทศบาลตำบล เมืองคง")   -> "เมืองคง"
  own_name_pattern(agency)            -> regex of the report's own name in any form
  mentions(text)                      -> every "prefix + name" in a text
  name_distance(a, b)                 -> edit distance in which look-alike letters cost less
  is_variant_of(core, own)            -> a typo or misreading of the own name
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Optional, Sequence

from pipeline.vocab import load_json, load_lines

# a name starts as a Thai word can (a consonant or a leading vowel) and goes on with
# letters and marks; no digits, no punctuation
_NAME_RUN = r"[\u0e01-\u0e2e\u0e40-\u0e44][\u0e01-\u0e2e\u0e30-\u0e3a\u0e40-\u0e4e]{1,39}"
_THAI = r"\u0e01-\u0e4e"


@dataclass(frozen=True)
class Mention:
    written: str            # as written, spaces collapsed: "อบต.บ้านโนน"
    core: str               # the name without its prefix: "บ้านโนน"
    type_entry: dict        # the agencies.json entry of its prefix
    start: int              # offset of the prefix in the text
    end: int                # offset after the name


@dataclass(frozen=True)
class _Vocab:
    by_form: dict           # prefix or abbreviation -> entry
    prefix_re: str          # any prefix or abbreviation (regex source)
    strip_re: re.Pattern    # a leading prefix or abbreviation of a name
    stops: tuple            # words that end a name written without a following space
    generic: frozenset      # runs that are not names ("ทุกแห่ง")


def _form_regex(form: str, abbreviation: bool) -> str:
    """A prefix, or an abbreviation with a dot, is matched as written; an abbreviation
    without one must stand alone ("อบต" in "ตรวจสอบจากภายนอก" is not one)."""
    if not abbreviation or form.endswith("."):
        return re.escape(form)
    return rf"(?<![{_THAI}]){re.escape(form)}(?=\s)"


@lru_cache(maxsize=1)
def _vocab() -> _Vocab:
    v = load_json("agencies.json")
    by_form: dict = {}
    prefixes = set()
    for entry in v.get("types", []):
        prefixes.add(entry["prefix"])
        for form in [entry["prefix"], *entry.get("abbreviations", [])]:
            by_form.setdefault(form, entry)
    forms = sorted(by_form, key=len, reverse=True)
    prefix_re = "(?:" + "|".join(_form_regex(f, f not in prefixes) for f in forms) + ")"
    strip_re = re.compile("^(?:" + "|".join(re.escape(f.replace(" ", "")) for f in forms) + ")")
    stops = set(load_lines("name_boundaries.txt")) | set(v.get("name_stop_words", []))
    generic = frozenset(v.get("generic_names", [])) | frozenset(load_lines("not_names.txt"))
    return _Vocab(by_form, prefix_re, strip_re, tuple(sorted(stops, key=len, reverse=True)), generic)


@lru_cache(maxsize=1)
def _mention_re() -> re.Pattern:
    return re.compile("(" + _vocab().prefix_re + r")[ \t\u00a0]{0,2}\n?[ \t]{0,2}(" + _NAME_RUN + ")")


def agency_core(name: Optional[str]) -> str:
    """The name without its type prefix, spaces and dots: 'เทศบาลตำบล เมืองคง' -> 'เมืองคง'."""
    if not name:
        return ""
    s = re.sub(r"\s+", "", name)
    s = _vocab().strip_re.sub("", s, count=1)
    return s.strip(". ")


def agency_type_entry(name: Optional[str]) -> Optional[dict]:
    """The agencies.json entry of a name's prefix, or None."""
    s = re.sub(r"\s+", "", name or "")
    m = _vocab().strip_re.match(s)
    return _vocab().by_form.get(m.group(0)) if m else None


def agency_key(name: Optional[str], province: Optional[str] = None) -> str:
    """One key per agency: its core name and province ('' when the name is unknown)."""
    core = agency_core(name)
    if not core:
        return ""
    return f"{core}|{re.sub(r'[^ก-๙]', '', province or '').replace('จังหวัด', '')}"


def own_name_pattern(agency: Optional[str]) -> Optional[re.Pattern]:
    """Regex for the report's own name: any prefix or abbreviation (or none), any spacing."""
    core = agency_core(agency)
    if len(core) < 2:
        return None
    body = r"\s*".join(re.escape(c) for c in core)
    return re.compile(r"(?:" + _vocab().prefix_re + r"\s*)?" + body)


def cut_at_stop_words(run: str, stops: frozenset) -> str:
    """The words of ``run`` before the first stop word after the first word (cut at word
    boundaries: a stop word inside a name, as มา in นครราชสีมา, cuts nothing)."""
    from pythainlp.tokenize import word_tokenize
    kept: list[str] = []
    for tok in word_tokenize(run, engine="newmm", keep_whitespace=False):
        if kept and tok in stops:
            break
        kept.append(tok)
    cut = "".join(kept)
    # a district or province name holds its stop-like words (นาจะหลวย, เขื่องใน): never cut inside one
    place = max((p for p in _place_names() if len(p) > len(cut) and run.startswith(p)), key=len, default="")
    return place or cut


@lru_cache(maxsize=1)
def _place_names() -> tuple[str, ...]:
    return tuple(set(load_lines("districts.txt")) | set(load_lines("provinces.txt")))


@lru_cache(maxsize=8192)
def cut_name(run: str) -> str:
    """Cut a name run where ordinary words begin: 'บ้านโนนได้แล้ว' -> 'บ้านโนน'."""
    return cut_at_stop_words(run, frozenset(_vocab().stops))


def is_name(core: str) -> bool:
    v = _vocab()
    return len(core) >= 2 and core not in v.generic and not core.startswith(v.stops)


def mentions(text: str, known_cores: Sequence[str] = ()) -> list[Mention]:
    """Every agency named in text with a prefix or abbreviation. known_cores (longest
    first) delimit names written without a following space."""
    out: list[Mention] = []
    if not text:
        return out
    for m in _mention_re().finditer(text):
        run = m.group(2)
        core = next((c for c in known_cores if run.startswith(c)), None) or cut_name(run)
        if not is_name(core):
            continue
        prefix = m.group(1)
        entry = _vocab().by_form.get(prefix) or agency_type_entry(prefix) or {}
        written = re.sub(r"\s+", " ", text[m.start():m.start(2)] + core).strip()
        out.append(Mention(written, core, entry, m.start(), m.start(2) + len(core)))
    return out


# ---- look-alike letters ------------------------------------------------------------------
@lru_cache(maxsize=1)
def _confusable() -> dict:
    """letter -> group id, from schemas/thai_confusables.txt (one group of letters a line)."""
    out = {}
    for i, line in enumerate(load_lines("thai_confusables.txt")):
        for ch in line.replace(" ", ""):
            out[ch] = i
    return out


HALF = 0.4                  # cost of a look-alike swap, or of a mark added or dropped
_MARK = re.compile("[\u0e31\u0e34-\u0e3a\u0e47-\u0e4e]")


def _sub_cost(a: str, b: str) -> float:
    if a == b:
        return 0.0
    g = _confusable()
    return HALF if a in g and g.get(a) == g.get(b) else 1.0


def _indel_cost(ch: str) -> float:
    return HALF if _MARK.match(ch) else 1.0


def name_distance(a: str, b: str) -> float:
    """Edit distance in which swapping look-alike letters (ข/ช, ค/ก, พ/ท, ษ/ช…) or adding
    or dropping a mark costs HALF, any other edit 1: typos and OCR misreadings of a name
    are cheap, another village's name (หนองขาม / หนองขาว) is not."""
    if a == b:
        return 0.0
    prev = [0.0]
    for cb in b:
        prev.append(prev[-1] + _indel_cost(cb))
    for ca in a:
        cur = [prev[0] + _indel_cost(ca)]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + _indel_cost(ca), cur[j - 1] + _indel_cost(cb),
                           prev[j - 1] + _sub_cost(ca, cb)))
        prev = cur
    return prev[-1]


VARIANT_MAX = 2 * HALF          # two cheap edits; one ordinary edit is another name
VARIANT_MAX_OCR = 1 + HALF      # OCR misreads more: one ordinary edit and a cheap one


def is_variant_of(core: str, own: str, ocr: bool = False) -> bool:
    """A name close enough to the report's own to be its typo, or its OCR misreading on an
    OCR'd page, rather than another agency; names of fewer than 4 letters never are."""
    if not core or not own or core == own or min(len(core), len(own)) < 4:
        return False
    return name_distance(core, own) <= (VARIANT_MAX_OCR if ocr else VARIANT_MAX) + 1e-9


def is_oversight_type(entry: Optional[dict]) -> bool:
    return bool(entry and entry.get("oversight"))


def type_rank(entry: Optional[dict]) -> int:
    """agencies.json "rank": 1 for the most specific agencies (a hospital, a municipality),
    higher for the bodies above them (a provincial office, a department, a ministry)."""
    return int((entry or {}).get("rank", 1))
