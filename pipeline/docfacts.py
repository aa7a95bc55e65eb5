"""Document facts read from the report's prose: the agency (full name, abbreviations
expanded), its type, district and province, the fiscal year the measures are for, and the
overall ITA score, assessment year and grade the report quotes.

Cues are structural, not fitted to one report: the agency is the name most often written
after an agency-type prefix; the place is what follows that name ("… อำเภอX จังหวัดY");
the fiscal year is the one written next to "มาตรการ" (else the one the measure periods fall
in); the ITA score is the first decimal score quoted beside "ITA"/"ผลการประเมิน" that is not
an item or indicator score.
"""
from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache
from typing import Optional

from pipeline import agencies
from pipeline.normalize import normalize_text
from pipeline.records import DocumentFacts, MeasureRow, Paragraph
from pipeline.vocab import load_json, load_lines

# A Thai word run (letters and marks, no digits) that starts as a word can: with a consonant
# or a leading vowel, never with a combining mark or a following vowel ("่อการ", "ามประมวล").
THAI_RUN = r"[\u0e01-\u0e2e\u0e40-\u0e44][\u0e01-\u0e4e]*"
HEAD_CHARS = 1500                  # the title area: mentions here weigh double

_FY = re.compile(r"ปี\s*งบ(?:ประมาณ)?\s*(?:พ\.?\s*ศ\.?)?\s*(\d{4}|\d{2})(?!\d)")
_YEAR_BE = re.compile(r"(?:ปีงบประมาณ|พ\.\s*ศ\.?)\s*(25\d\d)(?!\d)")
_SCORE = re.compile(r"(?:คะแนน(?:\s*(?:ITA|รวม|ภาพรวม|เฉลี่ย|เท่ากับ|ที่ได้|ได้))*\s*[:=]?\s*(\d{2,3}\.\d{1,2})(?!\d))"
                    r"|(?:(\d{2,3}\.\d{1,2})\s*คะแนน)")
_GRADE = re.compile(r"ระดับ\s*(?:การประเมิน|ผลการประเมิน|คะแนน)?\s*[“\"'(‘]?\s*"
                    r"(AA|A|B|C|D|E|F|ผ่านดีเยี่ยม|ผ่านดี|ผ่าน|ไม่ผ่าน|ต้องปรับปรุงโดยด่วน|ต้องปรับปรุง|ดีเยี่ยม|ดีมาก|ดี|พอใช้)"
                    r"(?![A-Za-z])")
_ITEM = re.compile(r"ข้อ\s*[ieo]\s*\d", re.I)


@lru_cache(maxsize=1)
def _agency_vocab():
    v = load_json("agencies.json")
    by_form = {}
    for t in v["types"]:
        by_form[t["prefix"]] = t
        for a in t["abbreviations"]:
            by_form[a] = t
    forms = sorted(by_form, key=len, reverse=True)
    pattern = re.compile("(" + "|".join(re.escape(f) for f in forms) + r")\s*(" + THAI_RUN + ")")
    label = re.compile(r"(?:" + "|".join(re.escape(x) for x in sorted(v.get("labels", []), key=len, reverse=True))
                       + r")\s*[:：]?\s*$")
    return by_form, pattern, frozenset(v["name_stop_words"]), set(v["generic_names"]), label


@lru_cache(maxsize=4096)
def cut_name(run: str) -> str:
    """Cut a name run where ordinary words begin ("ปากเกร็ดได้รับคะแนน" -> "ปากเกร็ด")."""
    return agencies.cut_at_stop_words(run, _agency_vocab()[2])


def agency_mentions(text: str) -> list[tuple[dict, str, int]]:
    """(type entry, name run, position) for every agency-type prefix followed by a name."""
    by_form, pattern, stops, generic, _ = _agency_vocab()
    out = []
    for m in pattern.finditer(text):
        run = m.group(2)
        if run in generic or len(run) < 2 or any(run.startswith(s) for s in ("และ", "ทุก", "ต่าง", "ใน", "ของ")):
            continue
        out.append((by_form[m.group(1)], run, m.start()))
    return out


def _oversight_keys() -> tuple[str, ...]:
    return tuple(re.sub(r"[\s.]", "", x) for x in load_lines("oversight_bodies.txt"))


def find_agency(text: str) -> tuple[Optional[str], Optional[str]]:
    """(full name, agency_type) of the report's own agency: the name written most often
    after a type prefix (the title area and a "หน่วยงาน :" label weigh more), the most
    specific type winning (a hospital over its ministry)."""
    mentions = agency_mentions(text)
    if not mentions:
        return None, None
    label = _agency_vocab()[4]
    oversight = _oversight_keys()
    score: Counter = Counter()
    for entry, run, pos in mentions:
        weight = 2 if pos < HEAD_CHARS else 1
        if label.search(text[max(0, pos - 20):pos]):
            weight += 4
        weight /= entry.get("rank", 1)
        name = cut_name(run)
        if any(re.sub(r"[\s.]", "", entry["prefix"] + name).startswith(o) for o in oversight if o):
            continue
        score[(entry["prefix"], run)] += weight                    # written exactly so
        if name != run and len(name) >= 2:
            score[(entry["prefix"], name)] += 0.5 * weight          # or a longer run it begins
    if not score:
        return None, None
    (prefix, name), _ = max(score.items(), key=lambda kv: (kv[1], -len(kv[0][1])))
    entry = _agency_vocab()[0][prefix]
    return prefix + name, entry["type"]


@lru_cache(maxsize=1)
def _places() -> tuple[frozenset, frozenset]:
    return frozenset(load_lines("districts.txt")), frozenset(load_lines("provinces.txt"))


def place_name(run: str, kind: str) -> Optional[str]:
    """A district or province as written, if it is one: the longest known name the run
    begins with, else the run cut at ordinary words when it is within a typo of a known
    name ("ราชไศล" for ราษีไศล); None for a phrase ("พิษณุโลกขอความร่วมมือ")."""
    districts, provinces = _places()
    names = districts if kind == "district" else provinces
    best = max((n for n in names if run.startswith(n)), key=len, default=None)
    if best:
        return best
    from rapidfuzz.distance import Levenshtein
    cut = cut_name(run)
    if len(cut) >= 3 and any(Levenshtein.normalized_similarity(cut, n) >= 0.7 for n in names
                             if abs(len(n) - len(cut)) <= 2):
        return cut
    return None


_ADDRESS_LABEL = re.compile(r"(?:สถานที่ตั้ง|ที่ตั้ง|ที่อยู่)\s*[:：]?")


def _place_after(tail: str) -> tuple[Optional[str], Optional[str]]:
    d = re.match(r"\s*(?:(?:ตำบล|ต\.)\s*" + THAI_RUN + r"\s*)?(?:อำเภอ|อ\.)\s*(" + THAI_RUN + ")", tail)
    p = re.search(r"(?:จังหวัด|จ\.)\s*(" + THAI_RUN + ")", tail)
    district = place_name(d.group(1), "district") if d else None
    province = None
    if p and (d or re.match(r"\s*(?:จังหวัด|จ\.)", tail) or
              re.match(r"\s*(?:ตำบล|ต\.)\s*" + THAI_RUN + r"\s*(?:อำเภอ|อ\.)", tail)):
        province = place_name(p.group(1), "province")
    return district, province


def find_place(text: str, agency: Optional[str]) -> tuple[Optional[str], Optional[str]]:
    """District and province: the name itself for types named after a place (สำนักงาน
    สาธารณสุขอำเภอX), else written right after the agency's name or after an address
    label ("สถานที่ตั้ง … อำเภอX จังหวัดY"); each checked against the lists of real ones."""
    if not agency:
        return None, None
    district = province = None
    by_form = _agency_vocab()[0]
    prefix = max((f for f in by_form if agency.startswith(f)), key=len, default="")
    kind = by_form[prefix].get("name_is") if prefix else None
    if kind == "district":
        district = place_name(agency[len(prefix):], "district")
    elif kind == "province":
        province = place_name(agency[len(prefix):], "province")
    starts = [m.end() for m in re.finditer(re.escape(agency), text)]
    starts += [m.end() + re.match(r"[\s\d/๐-๙]*", text[m.end():]).end() for m in _ADDRESS_LABEL.finditer(text)]
    for end in starts:
        d, p = _place_after(text[end:end + 120])
        if d or p:
            return district or d, province or p
    return district, province


_REPORT_DATE = re.compile(r"ณ\s*วันที่\s*(\d{1,2})\s*(" + "|".join(
    ["มกราคม", "กุมภาพันธ์", "มีนาคม", "เมษายน", "พฤษภาคม", "มิถุนายน", "กรกฎาคม", "สิงหาคม", "กันยายน", "ตุลาคม",
     "พฤศจิกายน", "ธันวาคม"]) + r")\s*(?:พ\.\s*ศ\.\s*)?(25\d\d)")
_MONTHS = {m: i + 1 for i, m in enumerate(["มกราคม", "กุมภาพันธ์", "มีนาคม", "เมษายน", "พฤษภาคม", "มิถุนายน", "กรกฎาคม",
                                            "สิงหาคม", "กันยายน", "ตุลาคม", "พฤศจิกายน", "ธันวาคม"])}


def _dated_fiscal_year(text: str) -> Optional[int]:
    """The fiscal year of the date the report is written on ("ณ วันที่ 2 กันยายน 2567");
    a 12-month report written in October-December reports the year just ended."""
    m = _REPORT_DATE.search(text)
    if not m:
        return None
    month, year = _MONTHS[m.group(2)], int(m.group(3))
    fy = year + (1 if month >= 10 else 0)
    if month >= 10 and re.search(r"(?:รอบ|ระยะเวลา)\s*12\s*เดือน", text):
        fy -= 1
    return fy


def _be_year(digits: str) -> Optional[int]:
    y = int(digits)
    if y < 100:
        y += 2500
    elif y < 2400:
        y += 543
    return y if 2400 <= y <= 2700 else None


def find_fiscal_year(text: str, measures: list[MeasureRow]) -> Optional[int]:
    """The fiscal year written within 250 characters after "มาตรการ" (not one that names an
    assessment), else the fiscal year most measure periods fall in, else the latest one."""
    for m in re.finditer("มาตรการ", text):
        window = text[m.end():m.end() + 250]
        for fy in _FY.finditer(window):
            before = window[max(0, fy.start() - 40):fy.start()]
            if "ประเมิน" in before or "ITA" in before:
                continue
            y = _be_year(fy.group(1))
            if y:
                return y
    votes = Counter()
    for row in measures:
        if row.period_start and row.period_end:
            mid = row.period_start + (row.period_end - row.period_start) / 2
            votes[mid.year + 543 + (1 if mid.month >= 10 else 0)] += 1
    if votes:
        return votes.most_common(1)[0][0]
    years = [y for fy in _FY.finditer(text) if (y := _be_year(fy.group(1)))]
    return max(years) if years else _dated_fiscal_year(text)


def find_ita_score(text: str) -> tuple[Optional[float], Optional[int], Optional[str]]:
    """(score, assessment year BE, grade) of the overall ITA result the report quotes."""
    from pipeline.indicators import indicator_from_text
    for m in _SCORE.finditer(text):
        value = float(m.group(1) or m.group(2))
        if not 0 < value <= 100:
            continue
        line_start = text.rfind("\n", 0, m.start()) + 1
        before = text[max(line_start, m.start() - 200):m.start()]
        after = text[m.end():m.end() + 15]
        if _ITEM.search(before) or "ขึ้นไป" in after or "ตัวชี้วัด" in before[-60:]:
            continue
        if indicator_from_text(before[-60:]) and "ITA" not in before[-60:]:
            continue                       # an indicator's score, not the overall one
        context = text[max(0, m.start() - 600):m.start()]
        if not re.search(r"ITA|ผลการประเมิน|ภาพรวม|คุณธรรมและความโปร่งใส", context):
            continue
        years = [int(y.group(1)) for y in _YEAR_BE.finditer(context)]
        g = _GRADE.search(text[m.end():m.end() + 120])
        return value, (years[-1] if years else None), (g.group(1) if g else None)
    return None, None, None


def find_title(paragraphs: list[Paragraph]) -> Optional[str]:
    for p in paragraphs[:12]:
        t = normalize_text(p.text)
        if "มาตรการ" in t or "รายงาน" in t:
            return t.split("\n")[0][:200]
    return None


def document_facts(paragraphs: list[Paragraph], measures: list[MeasureRow]) -> DocumentFacts:
    text = "\n\n".join(normalize_text(p.text) for p in paragraphs)  # Arabic digits
    agency, agency_type = find_agency(text)
    district, province = find_place(text, agency)
    fiscal_year = find_fiscal_year(text, measures)
    score, score_year, grade = find_ita_score(text)
    if score is not None and score_year is None and fiscal_year:
        score_year = fiscal_year - 1       # reports analyse the previous year's assessment
    return DocumentFacts(agency=agency, agency_type=agency_type, district=district, province=province,
                         fiscal_year=fiscal_year, ita_score=score, ita_score_year=score_year,
                         ita_grade=grade, title=find_title(paragraphs))
