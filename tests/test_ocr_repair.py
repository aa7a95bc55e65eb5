"""Post-correction of Tesseract's Thai: table-driven, on strings Tesseract produced from the
committed scans (left) and what the report says (right); correct text must pass unchanged."""
import os

import pytest

os.environ.setdefault("PYTHAINLP_OFFLINE", "1")

from extractors.ocr_repair import fix_place_names, repair_ocr  # noqa: E402


@pytest.mark.parametrize("read, expected", [
    ("ตัวชีวัดของการประเมิน ITA", "ตัวชี้วัดของการประเมิน ITA"),     # tone over sara ii lost
    ("๑. การปฏิบัติหน้าที/๗๘.๗๙ คะแนน", "๑. การปฏิบัติหน้าที่/๗๘.๗๙ คะแนน"),
    ("อยู่ในระดับ F ดังนี่ โดย", "อยู่ในระดับ F ดังนี้ โดย"),            # mai ek for mai tho
    ("ผลการดําเนินงาน", "ผลการดำเนินงาน"),                               # nikhahit + sara aa
    ("หน่วยงาน โรงพยาบาลนำยืน", "หน่วยงาน โรงพยาบาลน้ำยืน"),           # a district's marks
    ("อำเภอน่ายืน จังหวัดอุบลราชธานี", "อำเภอน้ำยืน จังหวัดอุบลราชธานี"),
])
def test_ocr_confusions_are_repaired(read, expected):
    assert repair_ocr(read) == expected


@pytest.mark.parametrize("text", [
    "ทีมสหสาขาวิชาชีพร่วมเยี่ยมบ้าน", "ที่มา", "มีความ", "ดีมาก", "สีขาว", "ปีนี้", "มีการ",
    "ที่ประชุม", "ผู้ที่ได้รับ", "ชื่อ", "คือ", "ถือว่า", "สื่อสาร", "เพื่อ", "เจ้าหน้าที่", "ตีพิมพ์",
    "มีนาคม", "วิธีการ", "ที่ดิน", "บริหารจัดการ", "เทศบาลนครปากเกร็ด จังหวัดนนทบุรี",
    "E-Service ITA 2567", "",
])
def test_correct_text_is_left_alone(text):
    assert repair_ocr(text) == text


def test_place_names_need_the_same_letters():
    assert fix_place_names("น้ำยืน") == "น้ำยืน"
    assert fix_place_names("นายืน") == "น้ำยืน"            # letters equal once marks are dropped
    assert fix_place_names("นามยืน") == "นามยืน"           # another letter: another word
