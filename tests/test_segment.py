"""Segmentation: header vocabulary, the ITA framework, and table structure."""
import pytest

from extractors.txt import split_blocks
from pipeline.headers import header_field
from pipeline.indicators import indicator_from_text, tool_in_text
from pipeline.segment import build_tables, segment
from pipeline.records import ExtractedDocument


@pytest.mark.parametrize("header, field", [
    ("มาตรการ", "measure"),
    ("มาตรการ/โครงการ/กิจกรรม", "measure"),
    ("มาตรการ/แนวทาง", "measure"),
    ("แนวทางพัฒนา", "measure"),
    ("วิธีการดำเนินการ", "method"),
    ("ขั้นตอน/วิธีการปฏิบัติ", "method"),
    ("ขั้นตอน/วิธีดำเนินการ", "method"),
    ("ผู้รับผิดชอบ", "owner"),
    ("หน่วยงานที่รับผิดชอบ", "owner"),
    ("ระยะเวลา", "period"),
    ("ระยะเวลา ดำเนินการ", "period"),
    ("ช่วงระยะเวลาในการดำเนินการ", "period"),
    ("ผลการดำเนินการ", "result"),
    ("ผลการดำเนินการ (output)", "result"),
    ("สถานะการดำเนินการ", "result"),
    ("การติดตามผล", "result"),
    ("ผลลัพธ์หรือผลสัมฤทธิ์ในการดำเนินการ", "outcome"),
    ("ประเด็นข้อบกพร่อง", "issue"),
    ("ผลการวิเคราะห์", "issue"),
    ("ข้อค้นพบ", "issue"),
    ("ประเด็นที่ต้องแก้ไข/ปรับปรุง", "issue"),
    ("เครื่องมือ", "tool"),
    ("แบบ", "tool"),
    ("ตัวชี้วัด", "indicator"),
    ("ตัวชี้วัดของการประเมิน ITA", "indicator"),
    ("คะแนน", "score"),
    ("<p>ผู้รับผิดชอบ</p>", "owner"),            # markup
    ("ผูร้ับผิดชอบ", "owner"),                   # broken PDF text: fuzzy
    ("ระยะเวลาดําเนินการ", "period"),            # nikhahit + sara aa
    ("กิจกรรม/วิธีดำเนินการ", "method"),        # compound: the more specific part wins
    ("กอง/ฝ่ายที่รับผิดชอบ", "owner"),          # ends with a known wording
    ("ข้อเสนอแนะ/มาตรการ", "measure"),          # a listed compound wording is taken whole
    ("หมายเหตุ", None),
    ("ราคากลาง", None),
])
def test_header_vocabulary(header, field):
    assert header_field(header) == field


@pytest.mark.parametrize("text, tool, expected", [
    ("การใช้ทรัพย์สินของทางราชการ", None, 4),
    ("การปรับปรุงการทำงาน", None, 8),
    ("๑. การปฏิบัติหน้าที่ ๗๘.๗๙ คะแนน", None, 1),
    ("๒. ประสิทธิภาพการสื่อสาร", "EIT", 7),
    ("ตัวชี้วัดที่ ๙ การเปิดเผยข้อมูล", None, 9),
    ("ตัวชี้วัดที่ 10", None, 10),
    ("1. ตัวชี้วัดย่อยที่ไม่รู้จัก", "EIT", 6),      # numbered inside the EIT section
    ("การป้องกันการทุจริต", None, 10),
    ("การแก้ไขปัญหาการทุจริต", None, 5),
    ("ประชาสัมพันธ์ทางเว็บไซต์", None, None),
])
def test_indicator_names_and_numbers(text, tool, expected):
    assert indicator_from_text(text, tool) == expected


@pytest.mark.parametrize("text, tool", [
    ("IIT", "IIT"), ("ด้าน EIT", "EIT"), ("(OIT)", "OIT"),
    ("แบบวัดการรับรู้ของผู้มีส่วนได้ส่วนเสียภายนอก", "EIT"),
    ("แบบตรวจการเปิดเผยข้อมูลสาธารณะ", "OIT"),
    ("IIT และ EIT", None), ("เว็บไซต์", None),
])
def test_tool_in_text(text, tool):
    assert tool_in_text(text) == tool


def _doc(text):
    return ExtractedDocument(source_path="x.txt", format="txt", blocks=split_blocks(text))


TWO_ROW_HEADER = (
    "เครื่องมือ\tตัวชี้วัด\tผลการวิเคราะห์\t\tระยะเวลา\tผลการดำเนินการ\n"
    "\t\tประเด็นข้อบกพร่อง\tแนวทางพัฒนา\t\t\n"
    "IIT\tการใช้งบประมาณ\tขาดการรับรู้\tประชุมชี้แจง\tต.ค. 66 - ก.ย. 67\tประชุมแล้ว\n"
    "\tการใช้อำนาจ\tประเมินไม่เป็นธรรม\tจัดทำเกณฑ์\tมกราคม 2567\tประกาศแล้ว\n"
)


def test_two_row_header_and_same_as_above_tool():
    seg = segment(_doc(TWO_ROW_HEADER))
    assert [(m.tool, m.indicator_no, m.issue, m.measure) for m in seg.measures] == [
        ("IIT", 2, "ขาดการรับรู้", "ประชุมชี้แจง"),
        ("IIT", 3, "ประเมินไม่เป็นธรรม", "จัดทำเกณฑ์"),
    ]
    assert str(seg.measures[0].period_start) == "2023-10-01" and str(seg.measures[0].period_end) == "2024-09-30"
    assert str(seg.measures[1].period_end) == "2024-01-31"


def test_chunks_repeating_the_header_are_one_table_and_headerless_chunk_continues():
    header = "มาตรการ\tวิธีการดำเนินการ\tผู้รับผิดชอบ\tระยะเวลา\tผลการดำเนินการ\n"
    text = (header + "ก\tวิธี ก\tกองคลัง\tต.ค. 66\tเสร็จ\n\nหน้า 2\n\n"
            + header + "ข\tวิธี ข\tกองช่าง\tพ.ย. 66\tเสร็จ\n\n"
            + "ค\tวิธี ค\tสำนักปลัด\tธ.ค. 66\tเสร็จ\n")
    tables, _ = build_tables(split_blocks(text))
    assert len(tables) == 1 and tables[0].kind == "measures"
    seg = segment(_doc(text))
    assert [m.measure for m in seg.measures] == ["ก", "ข", "ค"]
    assert {m.table_no for m in seg.measures} == {1}
    assert [m.line for m in seg.measures] == [2, 7, 9]


def test_section_rows_set_tool_and_indicator_and_are_not_rows():
    text = ("มาตรการ\tผู้รับผิดชอบ\tระยะเวลา\n"
            "แบบวัดการรับรู้ของผู้มีส่วนได้ส่วนเสียภายนอก (EIT)\t\t\n"
            "ปรับปรุงคู่มือ\tสำนักปลัด\tต.ค. 66\n"
            "ตัวชี้วัดที่ 9 การเปิดเผยข้อมูล\t\t\n"
            "เผยแพร่ข้อมูล\tกองคลัง\tพ.ย. 66\n")
    seg = segment(_doc(text))
    assert [(m.measure, m.tool, m.indicator_no) for m in seg.measures] == [
        ("ปรับปรุงคู่มือ", "EIT", None), ("เผยแพร่ข้อมูล", "OIT", 9)]


def test_row_with_empty_key_cell_continues_the_row_above():
    text = ("มาตรการ\tวิธีการ\tผลการดำเนินการ\n"
            "จัดทำคู่มือ\tขั้นที่ 1\tเสร็จ\n"
            "\tขั้นที่ 2\t\n")
    seg = segment(_doc(text))
    assert len(seg.measures) == 1
    assert seg.measures[0].method == "ขั้นที่ 1\nขั้นที่ 2"


def test_legend_and_findings_tables_are_not_measures():
    text = ("Rating Score เดิม\t\tRating Score ใหม่\t\n"
            "ITA > 85 คะแนน\tผ่านเกณฑ์\tระดับ AA\tผ่านดีเยี่ยม\n\n"
            "ตัวชี้วัด\tข้อค้นพบ\n"
            "การใช้อำนาจ\tยังขาดความเป็นธรรม\n")
    seg = segment(_doc(text))
    assert seg.measures == [] and seg.status == "empty"
    assert any(w.startswith("no measure table found") for w in seg.warnings)


def test_unknown_header_is_kept_in_raw_and_warned():
    text = "มาตรการ\tผู้รับผิดชอบ\tราคากลาง\nจัดอบรม\tกองคลัง\t20,000\n"
    seg = segment(_doc(text))
    m = seg.measures[0]
    assert any(v["text"] == "20,000" for v in m.raw.values())
    assert any("ราคากลาง" in w for w in seg.warnings)


def test_scores_from_indicator_cells_and_prose():
    text = ("ตัวชี้วัด\tประเด็นที่ต้องแก้ไข\n"
            "แบบวัดการรับรู้ของผู้มีส่วนได้ส่วนเสียภายนอก (EIT)\t\n"
            "๑. คุณภาพการดำเนินงาน ๗๗.๒๐ คะแนน\tขาดการประชาสัมพันธ์\n"
            "๒. ประสิทธิภาพการสื่อสาร ๘๒.๐๑ คะแนน\t\n\n"
            "๑.๑ ข้อ i๑๐ ในหน่วยงานของท่าน มีเจ้าหน้าที่ยืมทรัพย์สิน คะแนน ๖๓.๒๒\n")
    seg = segment(_doc(text))
    got = {(s.tool, s.indicator_no, s.item_code, s.score) for s in seg.scores}
    assert got == {("EIT", 6, None, 77.2), ("EIT", 7, None, 82.01), ("IIT", None, "i10", 63.22)}
