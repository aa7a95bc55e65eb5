"""Segmentation of span-aware grids, built directly (no extractor): every header form real
reports use, each as a small table with what a correct reading gives.

Grid notation: one string per cell; "text{r2}" spans two rows, "text{c3}" three columns,
"text{r2c2}" both; "^" is a position covered by a span; "*text" is a shaded cell."""
import re
from datetime import date

import pytest

from pipeline.header_block import find_header
from pipeline.records import Cell, ExtractedDocument, Paragraph, Table
from pipeline.segment import segment

_SPAN = re.compile(r"\{(?:r(\d+))?(?:c(\d+))?\}$")
PROSE = "รายงานผลการดำเนินการตามมาตรการส่งเสริมคุณธรรมและความโปร่งใส ประจำปีงบประมาณ พ.ศ. 2567 เทศบาลตำบลบ้านใหม่"


def grid(*rows):
    out = []
    for r in rows:
        cells = []
        for spec in r:
            if spec == "^":
                cells.append(Cell("", page=1, covered=True))
                continue
            shaded = spec.startswith("*")
            spec = spec.lstrip("*")
            m = _SPAN.search(spec)
            rs, cs = (int(m.group(1) or 1), int(m.group(2) or 1)) if m else (1, 1)
            text = spec[:m.start()] if m else spec
            cells.append(Cell(text, page=1, row_span=rs, col_span=cs, shaded=shaded))
        out.append(cells)
    assert len({len(r) for r in out}) == 1, "rows of one grid have the same width"
    return Table(rows=out, page=1, source="rules")


def seg(*rows, prose=PROSE):
    return segment(ExtractedDocument("x.pdf", "pdf", blocks=[Paragraph(prose, page=1), grid(*rows)]))


def fields(table):
    hb = find_header(table.rows)
    return [c.field for c in hb.columns], hb


def test_single_header_row():
    s = seg(["มาตรการ", "วิธีการดำเนินการ", "ผู้รับผิดชอบ", "ระยะเวลา", "ผลการดำเนินการ"],
            ["เผยแพร่ข้อมูล", "ลงเว็บไซต์", "สำนักปลัด", "ต.ค. 66 - ก.ย. 67", "ดำเนินการแล้ว"])
    m = s.measures[0]
    assert (m.measure, m.method, m.owner, m.result) == ("เผยแพร่ข้อมูล", "ลงเว็บไซต์", "สำนักปลัด", "ดำเนินการแล้ว")
    assert (m.period_start, m.period_end) == (date(2023, 10, 1), date(2024, 9, 30))


def test_parent_header_spanning_sub_columns_names_the_measure():
    """Under "แนวทางการนำผลการวิเคราะห์ไปสู่การปฏิบัติ…" the first sub-column is the measure
    (even worded วิธีการ…), ขั้นตอน/วิธีการ the method."""
    t = grid(["ประเด็นที่ต้องพัฒนา{r2}", "แนวทางการนำผลการวิเคราะห์ไปสู่การปฏิบัติ{c4}", "^", "^", "^", "หมายเหตุ{r2}"],
             ["^", "วิธีการนำผลการวิเคราะห์ไปสู่การปฏิบัติ", "ขั้นตอน/วิธีการ", "ผู้รับผิดชอบ/ผู้ที่เกี่ยวข้อง",
              "ระยะเวลาดำเนินการ", "^"],
             ["การเปิดเผยข้อมูล", "ปรับปรุงเว็บไซต์", "แต่งตั้งผู้ดูแล", "งานประชาสัมพันธ์", "มกราคม 2567", ""])
    f, hb = fields(t)
    assert hb.rows == [0, 1]
    assert f == ["issue", "measure", "method", "owner", "period", None]
    assert hb.columns[1].header == "แนวทางการนำผลการวิเคราะห์ไปสู่การปฏิบัติ / วิธีการนำผลการวิเคราะห์ไปสู่การปฏิบัติ"
    m = segment(ExtractedDocument("x.pdf", "pdf", blocks=[Paragraph(PROSE), t])).measures[0]
    assert (m.issue, m.measure, m.method, m.owner) == ("การเปิดเผยข้อมูล", "ปรับปรุงเว็บไซต์", "แต่งตั้งผู้ดูแล",
                                                       "งานประชาสัมพันธ์")


def test_title_row_spanning_the_table_then_header():
    s = seg(["แบบรายงานสถานะแผนบริหารความเสี่ยง ณ วันที่ 2 กันยายน 2567{c3}", "^", "^"],
            ["หน่วยงาน : โรงพยาบาลบ้านใหม่{c3}", "^", "^"],
            ["โอกาส/ความเสี่ยงการทุจริต", "มาตรการ", "ผลการดำเนินงาน"],
            ["1. การจัดซื้อไม่เป็นไปตามระเบียบ", "ตรวจสอบซ้ำ", "ไม่พบข้อร้องเรียน"])
    assert [(m.issue, m.measure, m.result) for m in s.measures] == [
        ("1. การจัดซื้อไม่เป็นไปตามระเบียบ", "ตรวจสอบซ้ำ", "ไม่พบข้อร้องเรียน")]
    assert s.facts.agency == "โรงพยาบาลบ้านใหม่"          # the title row reads like prose


@pytest.mark.parametrize("labels, ticked, start, end", [
    (["ไตรมาส 1", "ไตรมาส 2", "ไตรมาส 3", "ไตรมาส 4"], [1, 2], date(2024, 1, 1), date(2024, 6, 30)),
    (["ไตรมาสที่ 1", "ไตรมาสที่ 2", "ไตรมาสที่ 3", "ไตรมาสที่ 4"], [0], date(2023, 10, 1), date(2023, 12, 31)),
    (["ต.ค.", "พ.ย.", "ธ.ค.", "ม.ค."], [2, 3], date(2023, 12, 1), date(2024, 1, 31)),
    (["ต.ค. 66", "พ.ย. 66", "ธ.ค. 66", "ม.ค. 67"], [0, 1], date(2023, 10, 1), date(2023, 11, 30)),
])
def test_period_from_ticked_quarters_or_months(labels, ticked, start, end):
    marks = ["✓" if i in ticked else "" for i in range(4)]
    s = seg(["มาตรการ{r2}", "ผู้รับผิดชอบ{r2}", "ระยะเวลาดำเนินการ{c4}", "^", "^", "^"],
            ["^", "^", *labels],
            ["จัดอบรม", "กองคลัง", *marks])
    m = s.measures[0]
    assert len(s.measures) == 1                              # the label row is header, not a row
    assert (m.period_text, m.period_start, m.period_end) == (None, start, end)


def test_shaded_cells_tick_a_gantt_row_but_zebra_stripes_do_not():
    s = seg(["มาตรการ{r2}", "ระยะเวลาดำเนินการ{c4}", "^", "^", "^"],
            ["^", "ไตรมาส 1", "ไตรมาส 2", "ไตรมาส 3", "ไตรมาส 4"],
            ["จัดอบรม", "", "*", "*", ""],
            ["*เผยแพร่", "*", "*", "*", "*"])
    assert (s.measures[0].period_start, s.measures[0].period_end) == (date(2024, 1, 1), date(2024, 6, 30))
    assert s.measures[1].period_start is None


@pytest.mark.parametrize("result_col, expected", [(False, "ดำเนินการแล้ว"), (True, "จัดอบรม 150 คน")])
def test_status_sub_columns_give_the_result_unless_a_narrative_exists(result_col, expected):
    head = ["กิจกรรม{r2}", "การดำเนินงาน{c2}", "^"] + (["ผลการดำเนินงาน{r2}"] if result_col else [])
    sub = ["^", "ดำเนินการแล้ว", "ยังมิได้ดำเนินการ"] + (["^"] if result_col else [])
    row = ["1. โครงการอบรมคุณธรรม", "/", ""] + (["จัดอบรม 150 คน"] if result_col else [])
    s = seg(head, sub, row)
    m = s.measures[0]
    assert m.result == expected
    if result_col:
        assert m.raw["status"]["text"] == "ดำเนินการแล้ว"


def test_tick_box_list_in_one_cell_is_a_status_beside_a_narrative_result():
    s = seg(["ความเสี่ยง", "สถานะการดำเนินการ", "ผลการดำเนินงาน"],
            ["การเบิกจ่ายไม่ถูกต้อง", "☐ ยังไม่ได้ดำเนินการ ☑ เฝ้าระวังและติดตามต่อเนื่อง", "ตรวจสอบซ้ำทุกครั้ง"])
    m = s.measures[0]
    assert (m.issue, m.result) == ("การเบิกจ่ายไม่ถูกต้อง", "ตรวจสอบซ้ำทุกครั้ง")
    assert m.raw["status"]["text"] == "เฝ้าระวังและติดตามต่อเนื่อง"


def test_columns_without_a_field_are_known_and_kept_in_raw():
    s = seg(["ที่", "โครงการ/กิจกรรม", "งบประมาณ", "เป้าหมาย", "ตัวชี้วัดความสำเร็จ", "ผู้รับผิดชอบ", "หมายเหตุ"],
            ["1", "อบรมคุณธรรม", "20,000", "50 คน", "ร้อยละ 80", "สำนักปลัด", "-"])
    m = s.measures[0]
    assert (m.measure, m.owner, m.indicator) == ("อบรมคุณธรรม", "สำนักปลัด", None)
    assert not any("unknown column" in w for w in s.warnings)
    assert {v["text"] for v in m.raw.values() if v.get("field") is None} >= {"20,000", "50 คน", "ร้อยละ 80"}


def test_second_activity_column_is_the_method():
    s = seg(["แผนงาน/โครงการ/กิจกรรม", "กิจกรรม", "ผู้รับผิดชอบ"],
            ["โครงการสร้างจิตสำนึก", "อบรมพนักงาน", "สำนักปลัด"])
    assert (s.measures[0].measure, s.measures[0].method) == ("โครงการสร้างจิตสำนึก", "อบรมพนักงาน")


def test_section_rows_spanning_the_table_set_context_and_are_not_measures():
    s = seg(["มาตรการ", "ผู้รับผิดชอบ", "ผลการดำเนินการ"],
            ["กลยุทธ์ที่ 1 สร้างจิตสำนึก{c3}", "^", "^"],
            ["อบรมคุณธรรม", "สำนักปลัด", "แล้วเสร็จ"],
            ["แบบวัดการเปิดเผยข้อมูลสาธารณะ (OIT){c3}", "^", "^"],
            ["เผยแพร่ข้อมูล", "กองคลัง", "แล้วเสร็จ"])
    assert [(m.measure, m.section, m.tool) for m in s.measures] == [
        ("อบรมคุณธรรม", "กลยุทธ์ที่ 1 สร้างจิตสำนึก", None),
        ("เผยแพร่ข้อมูล", "แบบวัดการเปิดเผยข้อมูลสาธารณะ (OIT)", "OIT")]


def test_vertically_merged_cell_gives_its_value_to_every_row():
    s = seg(["มาตรการ", "ผู้รับผิดชอบ", "ระยะเวลา"],
            ["อบรมคุณธรรม", "สำนักปลัด{r3}", "รอบ 12 เดือน{r3}"],
            ["เผยแพร่ข้อมูล", "^", "^"],
            ["ตรวจสอบภายใน", "^", "^"])
    assert [(m.measure, m.owner) for m in s.measures] == [
        ("อบรมคุณธรรม", "สำนักปลัด"), ("เผยแพร่ข้อมูล", "สำนักปลัด"), ("ตรวจสอบภายใน", "สำนักปลัด")]


def test_merged_key_cell_is_not_a_continuation():
    """A measure merged over two rows of methods: two rows, both with the measure."""
    s = seg(["มาตรการ", "วิธีการ", "ผู้รับผิดชอบ"],
            ["จัดทำคู่มือ{r2}", "ร่างคู่มือ", "กองคลัง"],
            ["^", "ประกาศใช้", "สำนักปลัด"])
    assert [(m.measure, m.method, m.owner) for m in s.measures] == [
        ("จัดทำคู่มือ", "ร่างคู่มือ", "กองคลัง"), ("จัดทำคู่มือ", "ประกาศใช้", "สำนักปลัด")]


@pytest.mark.parametrize("rows, why", [
    ([["ขั้นตอน", "ผู้รับผิดชอบ", "ระยะเวลา"], ["รับเรื่องร้องเรียน", "ศปท.", "1 วัน"]], "procedure"),
    ([["ประเภท", "นิยาม"], ["การบริหารจัดการ", "การที่ส่วนราชการ..."]], "definitions"),
    ([["โครงการ", "งบประมาณ"], ["ซ่อมถนน", "500,000"]], "budget"),
])
def test_procedures_definitions_and_budgets_are_not_measures(rows, why):
    s = seg(*rows)
    assert s.measures == [] and s.status == "empty", why
    assert any(w.startswith("no measure table found") for w in s.warnings)


def test_measure_like_tables_in_a_document_that_is_not_about_ita_give_no_rows():
    s = seg(["โครงการ", "ผู้รับผิดชอบ", "ระยะเวลา"], ["ก่อสร้างถนน", "กองช่าง", "ม.ค. 2567"],
            prose="แผนการดำเนินงาน ประจำปีงบประมาณ พ.ศ. 2567 เพิ่มเติม ครั้งที่ 1")
    assert s.measures == [] and any(w.startswith("not an ITA measures report") for w in s.warnings)


def test_parent_header_across_the_whole_table_is_no_title():
    """The parent spans every column: still the parent of the header, not a title row."""
    s = seg(["แนวทางการนำผลการวิเคราะห์ไปสู่การปฏิบัติ{c3}", "^", "^"],
            ["วิธีการนำผลการวิเคราะห์ไปสู่การปฏิบัติ", "ขั้นตอน/วิธีการ", "ผู้รับผิดชอบ"],
            ["เสริมสร้างการรับรู้", "จัดประชุมชี้แจง", "สำนักปลัด"])
    assert [(m.measure, m.method, m.owner) for m in s.measures] == [
        ("เสริมสร้างการรับรู้", "จัดประชุมชี้แจง", "สำนักปลัด")]


def test_a_blank_form_gives_no_rows():
    s = seg(["มาตรการ", "ผลการดำเนินการ", "ผู้รับผิดชอบ", "ระยะเวลา"],
            ["......................", "......................", "..........", "..........."],
            ["______________", "…………", "", ""])
    assert s.measures == [] and s.status == "empty"
