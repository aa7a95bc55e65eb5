"""pipeline.dates: every written form of a period seen (or expected) in ITA reports."""
from datetime import date

import pytest

from pipeline.dates import be_to_ce_year, fiscal_year_range, parse_month_name, parse_period

D = date


@pytest.mark.parametrize("name, month", [
    ("ต.ค.", 10), ("ตค", 10), ("ต. ค.", 10), ("ต.ค", 10), ("ตุลาคม", 10), ("ตุลา", 10),
    ("ม.ค.", 1), ("ก.พ.", 2), ("กุมภาพันธ์", 2), ("มี.ค.", 3), ("มีค", 3), ("เม.ย.", 4), ("เมษายน", 4),
    ("พ.ค.", 5), ("พฤษภาคม", 5), ("มิ.ย.", 6), ("มิถุนายน", 6), ("ก.ค.", 7), ("กรกฎาคม", 7),
    ("กรกฏาคม", 7), ("ส.ค.", 8), ("ก.ย.", 9), ("กันยายน", 9), ("พ.ย.", 11), ("พฤศจิกายน", 11),
    ("ธ.ค.", 12), ("ธันวาคม", 12),
    ("October", 10), ("oct", 10), ("Sept.", 9), ("May", 5),
    ("ต.ต.", None), ("ตุลาการ", None), ("", None), ("พยาบาล", None),
])
def test_parse_month_name(name, month):
    assert parse_month_name(name) == month


@pytest.mark.parametrize("be, ce", [(2563, 2020), (2568, 2025), (63, 2020), (68, 2025)])
def test_be_to_ce_year(be, ce):
    assert be_to_ce_year(be) == ce


@pytest.mark.parametrize("be, expected", [
    (2568, (D(2024, 10, 1), D(2025, 9, 30))),
    (2564, (D(2020, 10, 1), D(2021, 9, 30))),
])
def test_fiscal_year_range(be, expected):
    assert fiscal_year_range(be) == expected


@pytest.mark.parametrize("text, start, end", [
    # a number away from the month is not its day
    ("ไตรมาสที่ 2 (มกราคม – มีนาคม 2567)", D(2024, 1, 1), D(2024, 3, 31)),
    ("ครั้งที่ 3 (ต.ค. 66)", D(2023, 10, 1), D(2023, 10, 31)),
    # real cells from the gold files
    ("ตุลาคม ๒๕๖๓ ถึง กันยายน ๒๕๖๔", D(2020, 10, 1), D(2021, 9, 30)),
    ("ปีงบประมาณ พ.ศ. ๒๕๖๘ (๑ ตุลาคม ๒๕๖๗- ๓๐ กันยายน ๒๕๖๘)", D(2024, 10, 1), D(2025, 9, 30)),
    ("ปีงบประมาณ พ.ศ. ๒๕๖๘\n(๑ ตุลาคม ๒๕๖๗ – ๓๐ กันยายน ๒๕๖๘)", D(2024, 10, 1), D(2025, 9, 30)),
    ("๒๔ พฤษภาคม ๒๕๖๗\nปีงบประมาณ พ.ศ. ๒๕๖๘\n(๑ ตุลาคม ๒๕๖๗ - ๓๐ กันยายน ๒๕๖๘)",
     D(2024, 5, 24), D(2025, 9, 30)),
    ("ต.ค. ๖๓ –เม.ย. ๖๔", D(2020, 10, 1), D(2021, 4, 30)),
    # abbreviations with and without dots and spaces
    ("ต.ค. ๖๓", D(2020, 10, 1), D(2020, 10, 31)),
    ("ตค 63", D(2020, 10, 1), D(2020, 10, 31)),
    ("ต. ค. 63", D(2020, 10, 1), D(2020, 10, 31)),
    ("ต.ค 63", D(2020, 10, 1), D(2020, 10, 31)),
    ("ต.ค.63-มี.ค.64", D(2020, 10, 1), D(2021, 3, 31)),
    ("ก.พ. 2564", D(2021, 2, 1), D(2021, 2, 28)),
    ("ก.พ. 2567", D(2024, 2, 1), D(2024, 2, 29)),
    # years: 4-digit BE, 2-digit BE, CE, prefixes
    ("ตุลาคม ๒๕๖๓", D(2020, 10, 1), D(2020, 10, 31)),
    ("ตุลาคม พ.ศ. ๒๕๖๓", D(2020, 10, 1), D(2020, 10, 31)),
    ("ตุลาคม พ.ศ ๒๕๖๓", D(2020, 10, 1), D(2020, 10, 31)),
    ("ตุลาคม ปี 2563", D(2020, 10, 1), D(2020, 10, 31)),
    ("ตุลาคม 2020", D(2020, 10, 1), D(2020, 10, 31)),
    ("ตุลาคม ค.ศ. 2021", D(2021, 10, 1), D(2021, 10, 31)),
    ("October 2020 - March 2021", D(2020, 10, 1), D(2021, 3, 31)),
    ("1 Oct 2020 to 31 Mar 2021", D(2020, 10, 1), D(2021, 3, 31)),
    # range connectors
    ("ต.ค. 63 - มี.ค. 64", D(2020, 10, 1), D(2021, 3, 31)),
    ("ต.ค. 63 – มี.ค. 64", D(2020, 10, 1), D(2021, 3, 31)),
    ("ต.ค. 63 — มี.ค. 64", D(2020, 10, 1), D(2021, 3, 31)),
    ("ต.ค. 63 ถึง มี.ค. 64", D(2020, 10, 1), D(2021, 3, 31)),
    ("ต.ค. 63 จนถึง มี.ค. 64", D(2020, 10, 1), D(2021, 3, 31)),
    ("ตั้งแต่ 1 ต.ค. 63 ถึงวันที่ 31 มี.ค. 64", D(2020, 10, 1), D(2021, 3, 31)),
    ("ตั้งแต่วันที่ ๑ ตุลาคม ๒๕๖๓ ถึงวันที่ ๓๐ กันยายน ๒๕๖๔", D(2020, 10, 1), D(2021, 9, 30)),
    # yearless start takes the end's year, or the year before when its month is later
    ("ก.พ. – เม.ย. ๒๕๖๖", D(2023, 2, 1), D(2023, 4, 30)),
    ("ต.ค. – มี.ค. ๒๕๖๖", D(2022, 10, 1), D(2023, 3, 31)),
    ("1 ต.ค. - 31 ธ.ค. 63", D(2020, 10, 1), D(2020, 12, 31)),
    # yearless end follows the start
    ("ต.ค. 63 - มี.ค.", D(2020, 10, 1), D(2021, 3, 31)),
    # day ranges
    ("๑-๓๑ ต.ค. ๖๓", D(2020, 10, 1), D(2020, 10, 31)),
    ("1 - 15 มกราคม 2564", D(2021, 1, 1), D(2021, 1, 15)),
    # single dates and numeric dates
    ("๒๔ พฤษภาคม ๒๕๖๗", D(2024, 5, 24), D(2024, 5, 24)),
    ("30 ก.ย. 64", D(2021, 9, 30), D(2021, 9, 30)),
    ("1/10/2563 - 30/9/2564", D(2020, 10, 1), D(2021, 9, 30)),
    # fiscal years
    ("ปีงบประมาณ พ.ศ. ๒๕๖๘", D(2024, 10, 1), D(2025, 9, 30)),
    ("ปีงบประมาณ 2568", D(2024, 10, 1), D(2025, 9, 30)),
    ("ปีงบ 68", D(2024, 10, 1), D(2025, 9, 30)),
    ("ปีงบฯ ๒๕๖๔", D(2020, 10, 1), D(2021, 9, 30)),
    ("ตลอดปีงบประมาณ 2564", D(2020, 10, 1), D(2021, 9, 30)),
    ("ปีงบประมาณ 2567 - 2568", D(2023, 10, 1), D(2025, 9, 30)),
    # several periods in one cell
    ("ต.ค. 63\nมี.ค. 64", D(2020, 10, 1), D(2021, 3, 31)),
    ("ไตรมาส 1 (ต.ค. - ธ.ค. 63) และ ไตรมาส 2 (ม.ค. - มี.ค. 64)", D(2020, 10, 1), D(2021, 3, 31)),
    # month name glued to the connector
    ("ต.ค. 63 ถึงมี.ค. 64", D(2020, 10, 1), D(2021, 3, 31)),
    # PDF artefacts: private-use glyphs and broken spacing
    ("ต.ค. ๖๓ \u200b- ก.ย.\u00a0๖๔", D(2020, 10, 1), D(2021, 9, 30)),
])
def test_parse_period(text, start, end):
    p = parse_period(text)
    assert (p.start, p.end) == (start, end)
    assert p.warnings == []


@pytest.mark.parametrize("text, start, end, warning", [
    ("ต.ต. ๖๓ - มี.ค. ๖๔", D(2020, 10, 1), D(2021, 3, 31), "month 'ต.ต.' read as 'ต.ค.'"),
    ("ต.ต. ๖๓ - เม.ย. ๖๔", D(2020, 10, 1), D(2021, 4, 30), "month 'ต.ต.' read as 'ต.ค.'"),
    ("ต.ต. ๖๓", D(2020, 10, 1), D(2020, 10, 31), "month 'ต.ต.' read as 'ต.ค.'"),
    ("ธ.ต. 63", D(2020, 12, 1), D(2020, 12, 31), "month 'ธ.ต.' read as 'ธ.ค.'"),
    ("ต.ค. 63 - ปัจจุบัน", D(2020, 10, 1), None, "open-ended period from 'ต.ค. 63'"),
])
def test_parse_period_repairs_with_warning(text, start, end, warning):
    p = parse_period(text)
    assert (p.start, p.end) == (start, end)
    assert warning in p.warnings


@pytest.mark.parametrize("text, warning_part", [
    ("ตลอดปี", "no period found"),
    ("ดำเนินการต่อเนื่อง", "no period found"),
    ("ปีงบประมาณ", "without a year"),
    ("ต.ค. - มี.ค.", "has no year"),
    ("ตุลาคม", "has no year"),
    ("๓๑ ก.พ. ๒๕๖๔", "no such date"),
    ("30 ก.พ. 64 - 31 มี.ค. 64", "no such date"),
    ("ม.ย. 64", "could be any of"),            # มิ.ย.? เม.ย.? a tie is not resolved
    ("ก.ต. 64", "could be any of"),
    ("มี.ค. 64 - ต.ค. 63", "ends before it starts"),
    ("ปี 2564", "without a month"),
    ("ต.ค. 123", "not understood"),
    ("ต.ค. 1500", "not understood"),
])
def test_parse_period_unparsed(text, warning_part):
    p = parse_period(text)
    assert (p.start, p.end) == (None, None)
    assert any(warning_part in w for w in p.warnings), p.warnings


@pytest.mark.parametrize("text", ["", "   ", "\n", "\u200b"])
def test_parse_period_empty_is_silent(text):
    p = parse_period(text)
    assert (p.start, p.end, p.warnings) == (None, None, [])


@pytest.mark.parametrize("text", ["อ.บ.ต. 63", "ตามหนังสือ ก.ต.ป. 12", "พยาบาล 63"])
def test_parse_period_ignores_look_alike_abbreviations(text):
    p = parse_period(text)
    assert (p.start, p.end) == (None, None)
    assert not any("read as" in w for w in p.warnings)
