"""pipeline.normalize: one table per function, real strings from reports."""
import pytest

from pipeline.normalize import (
    arabic_digits_to_thai,
    collapse_whitespace,
    fix_nikhahit_sara_aa,
    map_private_use_glyphs,
    markup_to_lines,
    normalize_cell,
    normalize_marks,
    normalize_text,
    remove_soft_hyphens,
    remove_spaces_before_marks,
    remove_zero_width,
    thai_digits_to_arabic,
    thai_number,
)


@pytest.mark.parametrize("raw, expected", [
    ("๒๕๖๔", "2564"),
    ("ปีงบประมาณ พ.ศ. ๒๕๖๘", "ปีงบประมาณ พ.ศ. 2568"),
    ("๗๖.๖๓ คะแนน", "76.63 คะแนน"),
    ("๐๑๒๓๔๕๖๗๘๙", "0123456789"),
    ("no digits", "no digits"),
])
def test_thai_digits_to_arabic(raw, expected):
    assert thai_digits_to_arabic(raw) == expected


def test_arabic_digits_to_thai():
    assert arabic_digits_to_thai("ITA 2564: 47.04") == "ITA ๒๕๖๔: ๔๗.๐๔"


@pytest.mark.parametrize("raw, expected", [
    ("สวัสดี\u200bครับ", "สวัสดีครับ"),
    ("ภาษา\u200cไทย\u200d", "ภาษาไทย"),
    ("\ufeffมาตรการ", "มาตรการ"),
    ("คุณ\u2060ธรรม", "คุณธรรม"),
])
def test_remove_zero_width(raw, expected):
    assert remove_zero_width(raw) == expected


def test_remove_soft_hyphens():
    assert remove_soft_hyphens("ประชา\u00adสัมพันธ์") == "ประชาสัมพันธ์"


@pytest.mark.parametrize("raw, expected", [
    ("\uf700", "\u0e10"),                      # tho than without descender
    ("\uf70f", "\u0e0d"),                      # yo ying without descender
    ("ป\uf701", "ปิ"),                          # sara i shifted left (over a tall consonant)
    ("ป\uf702", "ปี"), ("ป\uf703", "ปึ"), ("ป\uf704", "ปื"),
    ("ป\uf705", "ป่"), ("ป\uf709", "ป์"),       # tone marks shifted down-left
    ("ก\uf70a", "ก่"), ("ก\uf70b", "ก้"), ("ก\uf70c", "ก๊"), ("ก\uf70d", "ก๋"), ("ก\uf70e", "ก์"),
    ("ป\uf710", "ปั"),                          # mai han-akat shifted left
    ("ป\uf711", "ป\u0e4d"),                     # nikhahit shifted left
    ("ป\uf712", "ป็"),                          # mai taikhu shifted left
    ("ป\uf713", "ป่"), ("ป\uf717", "ป์"),       # tone marks shifted left
    ("ญ\uf718", "ญุ"), ("ญ\uf719", "ญู"), ("ญ\uf71a", "ญฺ"),
    ("ป\uf884", "ปั"), ("ป\uf885", "ปิ"), ("ป\uf888", "ปื"), ("ป\uf889", "ป็"),  # Mac set
    ("ก\uf88a", "ก่"), ("ก\uf88b", "ก่"), ("ก\uf88c", "ก่"),
    ("ก\uf88d", "ก้"), ("ก\uf890", "ก๊"), ("ก\uf893", "ก๋"), ("ก\uf896", "ก์"), ("ก\uf898", "ก์"),
    ("ป\uf899", "ป\u0e4d"), ("\uf89a", "ญ"), ("ก\uf89b", "กุ"), ("ก\uf89d", "กฺ"), ("\uf89e", "ฐ"),
    ("ผู\uf70bใหญ", "ผู้ใหญ"),                    # as pdfminer yields 'ผู้ใหญ่'
    ("\ue000", "\ue000"),                       # other private-use code points stay
])
def test_map_private_use_glyphs(raw, expected):
    assert map_private_use_glyphs(raw) == expected


def test_private_use_table_covers_both_ranges():
    for cp in [*range(0xF700, 0xF71B), *range(0xF884, 0xF89F)]:
        mapped = map_private_use_glyphs(chr(cp))
        assert len(mapped) == 1 and "\u0e01" <= mapped <= "\u0e4e", hex(cp)


@pytest.mark.parametrize("raw, expected", [
    ("ส ำรวจ", "สำรวจ"),
    ("เพิ ่ม", "เพิ่ม"),
    ("ด ำเนินการ", "ดำเนินการ"),
    ("ข้อ มูล", "ข้อ มูล"),                    # space before a consonant stays
    ("ที \u0e48", "ที\u0e48"),
    ("ก\n\u0e48", "ก\n\u0e48"),                 # a newline is a line break, not a stray space
    ("ส\u00a0ำรวจ", "สำรวจ"),
])
def test_remove_spaces_before_marks(raw, expected):
    assert remove_spaces_before_marks(raw) == expected


@pytest.mark.parametrize("raw, expected", [
    ("น\u0e4d\u0e32", "น\u0e33"),                # นํา -> นำ
    ("น\u0e4d\u0e49\u0e32", "น\u0e49\u0e33"),    # นํ้า -> น้ำ
    ("ก\u0e33", "ก\u0e33"),
])
def test_fix_nikhahit_sara_aa(raw, expected):
    assert fix_nikhahit_sara_aa(raw) == expected


@pytest.mark.parametrize("raw, expected", [
    ("เพิ ่ม", "เพิ่ม"),                          # pythainlp alone gives 'เพิ ม'
    ("ก่่า", "ก่า"),
    ("เเปลก", "แปลก"),
    ("น\u0e49\u0e4d\u0e32", "น\u0e49\u0e33"),
])
def test_normalize_marks(raw, expected):
    assert normalize_marks(raw) == expected


@pytest.mark.parametrize("raw, expected", [
    ("  ก  ข\t\tค  ", "ก ข ค"),
    ("ก\u00a0\u00a0ข", "ก ข"),
    ("ก\n\n  \nข", "ก\nข"),
    ("ก \r\n ข", "ก\nข"),
    ("", ""),
])
def test_collapse_whitespace(raw, expected):
    assert collapse_whitespace(raw) == expected


@pytest.mark.parametrize("raw, expected", [
    ("<p>๑.ปรับปรุง</p> <p>๒. แจก</p>", "๑.ปรับปรุง\n๒. แจก"),
    ("<p>ปีงบประมาณ พ.ศ. ๒๕๖๘</p> <p>(๑ ตุลาคม ๒๕๖๗ – ๓๐ กันยายน ๒๕๖๘)</p>",
     "ปีงบประมาณ พ.ศ. ๒๕๖๘\n(๑ ตุลาคม ๒๕๖๗ – ๓๐ กันยายน ๒๕๖๘)"),
    ("<ul><li>หนึ่ง</li><li>สอง</li></ul>", "หนึ่ง\nสอง"),
    ("ก<br>ข<br/>ค<BR />ง", "ก\nข\nค\nง"),
    ("ส<span style=\"x\">ำ</span>รวจ", "สำรวจ"),
    ("Q&amp;A &quot;E-Service&quot;", 'Q&A "E-Service"'),
    ("&lt;p&gt;", "<p>"),
    ('<p>เช่น</p> <ul style="list-style-type: none"> -แผนยุทธศาสตร์ -Q&A <p>รวมถึง</p>',
     "เช่น\n-แผนยุทธศาสตร์ -Q&A\nรวมถึง"),
    ("ก < ข และ <ไม่ระบุ>", "ก < ข และ <ไม่ระบุ>"),
])
def test_markup_to_lines(raw, expected):
    assert markup_to_lines(raw) == expected


@pytest.mark.parametrize("raw, expected", [
    ("ส ำนัก  ปลัด\u200b ๒๕๖๔", "สำนัก ปลัด 2564"),
    ("\ufeffเพิ ่ม\u00adเติม\n\n", "เพิ่มเติม"),
    ("ผู\uf70bใหญ\uf70a", "ผู้ใหญ่"),
    ("น\u0e4d\u0e49\u0e32", "น\u0e49\u0e33"),
])
def test_normalize_text(raw, expected):
    assert normalize_text(raw) == expected


def test_normalize_text_can_keep_thai_digits():
    assert normalize_text("ต.ค.  ๖๓", arabic_digits=False) == "ต.ค. ๖๓"


def test_normalize_cell():
    assert normalize_cell("<p>ส ำนัก ปลัด</p> <p>๑ ตุลาคม ๒๕๖๗</p>") == "สำนัก ปลัด\n1 ตุลาคม 2567"


@pytest.mark.parametrize("raw, expected", [
    ("๗๖.๖๓", 76.63),
    ("76.63", 76.63),
    ("1,234.50", 1234.5),
    (" ๔๗.๐๔ ", 47.04),
    ("100", 100.0),
    ("-3.5", -3.5),
    ("1,23", None),
    ("๗๖.๖๓ คะแนน", None),
    ("", None),
    ("nan", None),
    ("1e400", None),
])
def test_thai_number(raw, expected):
    assert thai_number(raw) == expected
