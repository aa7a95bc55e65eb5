"""Periods written in Thai reports -> (start, end) dates.

``parse_period`` reads the "ระยะเวลาดำเนินการ" cell: month names (full, abbreviated,
English), Buddhist-era or CE years, ranges, fiscal years, several periods in one
cell. What it cannot read gives start=end=None and a warning, never a guess.
"""
from __future__ import annotations

import calendar
import json
import re
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Optional

from rapidfuzz.distance import Levenshtein

from pipeline.normalize import normalize_text

_MONTHS_FILE = Path(__file__).resolve().parent.parent / "schemas" / "months.json"
_BE_OFFSET = 543
_MIN_CE, _MAX_CE = 1900, 2200           # years outside this are typos, not dates
_THAI = "ก-๛"                           # Thai block (letters, vowels, marks)


@dataclass
class Period:
    start: Optional[date]
    end: Optional[date]
    warnings: list[str] = field(default_factory=list)


# --- public helpers ------------------------------------------------------------------

def be_to_ce_year(year: int) -> int:
    """Buddhist-era year to CE: 2563 -> 2020; two digits are short BE: 63 -> 2020."""
    if year < 100:
        year += 2500
    return year - _BE_OFFSET


def fiscal_year_range(be_year: int) -> tuple[date, date]:
    """Thai fiscal year N runs from 1 Oct of N-1 to 30 Sep of N: 2568 -> 2024-10-01..2025-09-30."""
    ce = be_to_ce_year(be_year)
    return date(ce - 1, 10, 1), date(ce, 9, 30)


def parse_month_name(name: str) -> Optional[int]:
    """'ต.ค.' / 'ต. ค.' / 'ตค' / 'ตุลาคม' / 'Oct' -> 10; unknown -> None."""
    m = _vocab().month_re.fullmatch(normalize_text(name).strip())
    return _vocab().by_key.get(_month_key(m.group(0))) if m else None


# --- vocabulary ------------------------------------------------------------------------

def _month_key(text: str) -> str:
    return re.sub(r"[.\s]", "", text).lower()


@dataclass(frozen=True)
class _Vocab:
    by_key: dict           # month_key(text) -> month number
    abbr_letters: dict     # 'ตค' -> 'ต.ค.' (for near-miss repair)
    abbr_month: dict       # 'ต.ค.' -> 10
    month_re: re.Pattern
    token_re: re.Pattern


def _abbr_pattern(abbr: str) -> str:
    """'มี.ค.' -> regex for 'มี.ค.', 'มี.ค', 'มี. ค.', 'มีค', 'มีค.'."""
    first, second = [re.escape(p) for p in abbr.split(".") if p]
    end = rf"(?:\.|(?![{_THAI}]))"
    # Without a dot the letters could be part of a word ('พย' in 'พยาบาล').
    return rf"(?:{first}\.\s?{second}{end}|(?<![{_THAI}]){first}\s?{second}{end})"


@lru_cache(maxsize=1)
def _vocab() -> _Vocab:
    data = json.loads(_MONTHS_FILE.read_text(encoding="utf-8"))
    by_key, abbr_letters, abbr_month = {}, {}, {}
    words: list[tuple[int, str]] = []   # (length for ordering, regex)
    for m in data["months"]:
        n = m["number"]
        by_key[_month_key(m["th"])] = n
        words.append((len(m["th"]), re.escape(m["th"])))
        for v in m.get("th_variants", []):
            by_key[_month_key(v)] = n
            # short forms ('ตุลา') must not eat the start of another word ('ตุลาการ')
            words.append((len(v), rf"{re.escape(v)}(?![ก-ฮ])"))
        abbr = m["th_abbr"]
        by_key[_month_key(abbr)] = n
        abbr_letters[_month_key(abbr)] = abbr
        abbr_month[abbr] = n
        words.append((len(abbr), _abbr_pattern(abbr)))
        for e in m.get("en", []):
            by_key[e.lower()] = n
            words.append((len(e), rf"(?<![A-Za-z])(?i:{re.escape(e)})(?![A-Za-z])\.?"))
    words.sort(key=lambda w: -w[0])     # longest first: 'ตุลาคม' before 'ตุลา'
    month_alt = "|".join(w for _, w in words)
    token_re = re.compile(
        "|".join([
            r"(?P<fy>ปีงบ(?:ประมาณ)?\s?ฯ?)",
            rf"(?P<month>{month_alt})",
            r"(?P<era>พ\.\s?ศ\.?|ค\.\s?ศ\.?|ปี)",
            r"(?P<numdate>[0-9]{1,2}/[0-9]{1,2}/[0-9]{2,4})",
            r"(?P<num>[0-9]+)",
            r"(?P<conn>ถึงวันที่|จนถึง|ถึง|[-–—~]|(?<![A-Za-z])(?i:to|until)(?![A-Za-z]))",
            r"(?P<open>ปัจจุบัน|เป็นต้นไป)",
            # Looks like a month abbreviation but is none ('ต.ต.'): maybe a typo.
            rf"(?P<badabbr>(?<![{_THAI}.])เ?[ก-ฮ][ิี]?\.\s?[ก-ฮ]\.?(?![{_THAI}]|\s?[ก-ฮ]\.))",
        ])
    )
    return _Vocab(by_key, abbr_letters, abbr_month, re.compile(month_alt), token_re)


# --- tokens -------------------------------------------------------------------------

@dataclass
class _Tok:
    kind: str
    text: str
    start: int
    end: int
    month: Optional[int] = None          # for month (and repaired badabbr) tokens


def _tokenize(text: str) -> list[_Tok]:
    v = _vocab()
    toks = []
    for m in v.token_re.finditer(text):
        kind = m.lastgroup or ""
        tok = _Tok(kind, m.group(0).strip(), m.start(), m.end())
        if kind == "month":
            tok.month = v.by_key.get(_month_key(tok.text))
        toks.append(tok)
    return toks


def _nearest_abbr(raw: str) -> tuple[Optional[str], list[str]]:
    """Nearest month abbreviation by edit distance over the letters; (None, ties) if not unique."""
    letters = _month_key(raw)
    scored = [(Levenshtein.distance(letters, k), a) for k, a in _vocab().abbr_letters.items()]
    best = min(d for d, _ in scored)
    nearest = sorted(a for d, a in scored if d == best)
    if best <= 1 and len(nearest) == 1:
        return nearest[0], nearest
    return None, nearest if best <= 1 else []


# --- parser ---------------------------------------------------------------------------

@dataclass
class _Point:
    day: Optional[int]
    month: Optional[int]
    year: Optional[int]                  # CE
    raw: str


class _Parser:
    def __init__(self, text: str):
        self.text = text
        self.toks = _tokenize(text)
        self.warnings: list[str] = []
        self.spans: list[tuple[date, Optional[date]]] = []

    # token helpers
    def kind(self, i: int) -> str:
        return self.toks[i].kind if 0 <= i < len(self.toks) else ""

    def is_month(self, i: int) -> bool:
        """A month token, or a near-miss abbreviation in a date context (repaired here)."""
        if self.kind(i) == "month":
            return self.toks[i].month is not None
        if self.kind(i) != "badabbr":
            return False
        tok = self.toks[i]
        if tok.month is None:
            in_context = self.kind(i + 1) in ("num", "era", "conn") or self.kind(i - 1) == "conn"
            if not in_context:
                return False
            abbr, ties = _nearest_abbr(tok.text)
            if abbr is None:
                if ties:
                    self.warn(f"month {tok.text!r} could be any of {', '.join(repr(t) for t in ties)}")
                tok.kind = "junk"            # judged once, not again
                return False
            self.warn(f"month {tok.text!r} read as {abbr!r}")
            tok.month = _vocab().abbr_month[abbr]
        return True

    def is_day(self, i: int) -> bool:
        return self.kind(i) == "num" and len(self.toks[i].text) <= 2

    def is_day_of_month(self, i: int) -> bool:
        """A day number written right before its month ("๒๔ พฤษภาคม"); a number further
        away ("ไตรมาสที่ 2 (มกราคม …") is not the month's day."""
        if not (self.is_day(i) and self.is_month(i + 1)):
            return False
        gap = self.text[self.toks[i].end:self.toks[i + 1].start]
        return not gap.strip(" \t\n.")

    def starts_point(self, i: int) -> bool:
        return (self.kind(i) == "numdate" or self.is_month(i)
                or (self.is_day_of_month(i)))

    def warn(self, msg: str) -> None:
        if msg not in self.warnings:
            self.warnings.append(msg)

    def raw(self, i: int, j: int) -> str:
        return self.text[self.toks[i].start:self.toks[j - 1].end].strip()

    # values
    def year(self, digits: str, era: Optional[str]) -> Optional[int]:
        """CE year from written digits: 2563 -> 2020, 63 -> 2020, 2020 -> 2020."""
        n = int(digits)
        if len(digits) == 2:
            ce = 2000 + n if era and era.startswith("ค") else be_to_ce_year(n)
        elif len(digits) == 4:
            ce = n - _BE_OFFSET if n >= 2400 else n   # a 4-digit year below 2400 is CE
        else:
            ce = None
        if ce is None or not _MIN_CE <= ce <= _MAX_CE:
            self.warn(f"year {digits!r} not understood")
            return None
        return ce

    def make_date(self, y: int, m: int, d: int, raw: str) -> Optional[date]:
        try:
            return date(y, m, d)
        except ValueError:
            self.warn(f"no such date: day {d} of month {m} in {y + _BE_OFFSET} BE ({raw!r})")
            return None

    # grammar
    def point(self, i: int) -> tuple[Optional[_Point], int]:
        """[day] month [era] [year]  |  d/m/y"""
        start = i
        if self.kind(i) == "numdate":
            d, m, y = self.toks[i].text.split("/")
            year = self.year(y, None)
            if not 1 <= int(m) <= 12:
                self.warn(f"month {m} not understood in {self.toks[i].text!r}")
                return None, i + 1
            return _Point(int(d), int(m), year, self.toks[i].text), i + 1
        day = None
        if self.is_day_of_month(i):
            day = int(self.toks[i].text)
            i += 1
        if not self.is_month(i):
            return None, start
        month = self.toks[i].month
        i += 1
        era = None
        if self.kind(i) == "era":
            era = self.toks[i].text
            i += 1
        year = None
        # a number up to 31 followed by a month is the next date's day, not a year
        if self.kind(i) == "num" and not (self.is_day(i) and int(self.toks[i].text) <= 31
                                          and self.is_month(i + 1)):
            year = self.year(self.toks[i].text, era)
            i += 1
        return _Point(day, month, year, self.raw(start, i)), i

    def single(self, p: _Point) -> None:
        if p.year is None:
            self.warn(f"{p.raw!r} has no year")
            return
        if p.day is not None:
            d = self.make_date(p.year, p.month, p.day, p.raw)
            if d:
                self.spans.append((d, d))
            return
        last = calendar.monthrange(p.year, p.month)[1]
        self.spans.append((date(p.year, p.month, 1), date(p.year, p.month, last)))

    def range(self, a: _Point, b: _Point) -> None:
        if a.month is None:                      # day range: '1-31 ต.ค. 63'
            a.month, a.year = b.month, b.year
        if a.year is None and b.year is None:
            self.warn(f"{a.raw!r} to {b.raw!r} has no year")
            return
        # a yearless end follows the start; a yearless start precedes the end
        if a.year is None:
            a.year = b.year - (1 if a.month > b.month else 0)
        if b.year is None:
            b.year = a.year + (1 if b.month < a.month else 0)
        start = self.make_date(a.year, a.month, a.day or 1, a.raw)
        end = self.make_date(b.year, b.month, b.day or calendar.monthrange(b.year, b.month)[1], b.raw)
        if start is None or end is None:
            return
        if start > end:
            self.warn(f"range {a.raw!r} to {b.raw!r} ends before it starts")
            return
        self.spans.append((start, end))

    def fiscal_year(self, i: int) -> int:
        """ปีงบประมาณ [พ.ศ.] year [- [ปีงบประมาณ] [พ.ศ.] year]"""
        fy_text = self.toks[i].text
        i += 1
        first, i = self.fy_year(i)
        if first is None:
            self.warn(f"{fy_text!r} without a year")
            return i
        last = first
        if self.kind(i) == "conn":
            j = i + 1 + (self.kind(i + 1) == "fy")
            second, j = self.fy_year(j)
            if second is not None:
                last, i = second, j
        if last < first:
            self.warn(f"fiscal years {first + _BE_OFFSET}-{last + _BE_OFFSET} run backwards")
            return i
        self.spans.append((date(first - 1, 10, 1), date(last, 9, 30)))
        return i

    def fy_year(self, i: int) -> tuple[Optional[int], int]:
        era = None
        if self.kind(i) == "era":
            era = self.toks[i].text
            i += 1
        if self.kind(i) == "num" and len(self.toks[i].text) in (2, 4) and not self.is_month(i + 1):
            return self.year(self.toks[i].text, era), i + 1
        return None, i

    def run(self) -> None:
        i = 0
        while i < len(self.toks):
            if self.kind(i) == "fy":
                i = self.fiscal_year(i)
            elif self.starts_point(i):
                a, j = self.point(i)
                i = max(j, i + 1)
                if a is None:
                    continue
                if self.kind(i) == "conn" and self.starts_point(i + 1):
                    b, i = self.point(i + 1)
                    if b is not None:
                        self.range(a, b)
                elif self.kind(i) == "conn" and self.kind(i + 1) == "open":
                    self.single(a)
                    if self.spans and a.year is not None:
                        self.spans[-1] = (self.spans[-1][0], None)
                        self.warn(f"open-ended period from {a.raw!r}")
                    i += 2
                else:
                    self.single(a)
            elif (self.is_day(i) and self.kind(i + 1) == "conn"
                  and self.is_day_of_month(i + 2)):
                b, j = self.point(i + 2)
                if b is not None:
                    self.range(_Point(int(self.toks[i].text), None, None, self.toks[i].text), b)
                i = max(j, i + 1)
            elif self.kind(i) == "era" and self.kind(i + 1) == "num":
                self.warn(f"year {self.raw(i, i + 2)!r} without a month ignored")
                i += 2
            else:
                i += 1


def parse_period(text: str) -> Period:
    """Text of a period cell -> Period(start, end, warnings).

    Several periods in one cell give the earliest start and the latest end.
    """
    text = normalize_text(text)
    if not text:
        return Period(None, None, [])
    p = _Parser(text)
    p.run()
    if not p.spans:
        if not p.warnings:
            p.warn(f"no period found in {text!r}")
        return Period(None, None, p.warnings)
    start = min(s for s, _ in p.spans)
    ends = [e for _, e in p.spans]
    end = None if None in ends else max(ends)
    return Period(start, end, p.warnings)
