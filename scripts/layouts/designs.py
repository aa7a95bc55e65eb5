"""The table layouts real agencies publish, as build.Design values (producer-neutral).

Column headers are wordings seen in real reports. Optional columns (tool, indicator, issue,
outcome, result where a layout can do without) are dropped for reports that have no such field.
"""
from .build import Design
from .columns import F, filler_col, group, month_cols, number_col, quarter_cols, status_cols

PARENT = "แนวทางการนำผลการวิเคราะห์ไปสู่การปฏิบัติ"
PLAN_TITLE = "แผนการนำผลการวิเคราะห์ไปสู่การปฏิบัติ ตามมาตรการส่งเสริมคุณธรรมและความโปร่งใส ประจำปีงบประมาณ พ.ศ. {fy}"
REPORT_TITLE = "รายงานผลการดำเนินการตามมาตรการส่งเสริมคุณธรรมและความโปร่งใสภายในหน่วยงาน {agency} ประจำปีงบประมาณ พ.ศ. {fy}"


def tool_ind(indicator: str = "ตัวชี้วัด") -> list:
    return [F("tool", "เครื่องมือ", 1.0, "center", True), F("indicator", indicator, 1.3, None, True)]


def plain(measure="มาตรการ/โครงการ/กิจกรรม", method="ขั้นตอน/วิธีดำเนินการ", owner="ผู้รับผิดชอบ",
          period="ระยะเวลาดำเนินการ", result="ผลการดำเนินงาน") -> list:
    """The common single-row header, optional issue/result/outcome columns included."""
    return tool_ind() + [F("issue", "ประเด็นที่ต้องพัฒนา", 1.8, None, True), F("measure", measure, 2.2),
                         F("method", method, 2.6, None, True), F("owner", owner, 1.3),
                         F("period", period, 1.4, "center"), F("result", result, 2.0, None, True),
                         F("outcome", "ผลลัพธ์", 1.6, None, True)]


DESIGNS = {
    # 1. a parent header spanning five sub-columns under a title row spanning the table
    "parent5": Design(
        tool_ind() + [F("issue", "ประเด็นข้อบกพร่อง/จุดอ่อน", 2.0, None, True)] + group(PARENT, [
            F("measure", "วิธีการนำผลการวิเคราะห์ไปสู่การปฏิบัติ", 2.2), F("method", "ขั้นตอน/วิธีการ", 2.4),
            F("owner", "ผู้รับผิดชอบ/ผู้ที่เกี่ยวข้อง", 1.3, "center"), F("period", "ระยะเวลาดำเนินการ", 1.2, "center"),
            F("result", "การติดตามประเมินผล", 2.0)]) + [F("outcome", "ผลลัพธ์", 1.6, None, True)],
        title=PLAN_TITLE, landscape="all", empty="-",
        describe="title row spanning the table; parent header แนวทางการนำผลการวิเคราะห์ไปสู่การปฏิบัติ over five sub-columns; full grid, shaded header, A4 landscape"),
    # 1. a parent header spanning two sub-columns (output | outcome)
    "parent2": Design(
        [F("measure", "มาตรการ/โครงการ/กิจกรรม", 2.2), F("method", "ขั้นตอน/วิธีการปฏิบัติ", 2.8),
         F("period", "ช่วงระยะเวลาในการดำเนินการ", 1.3, "center"), F("owner", "ผู้รับผิดชอบ", 1.3, "center")]
        + group("ผลการดำเนินการ", [F("result", "ผลผลิต (output)", 2.2), F("outcome", "ผลลัพธ์ (outcome)", 1.8)]),
        title=REPORT_TITLE, landscape="all", header_shade="C6D9F1",
        describe="title row; parent header ผลการดำเนินการ over output | outcome; full grid, A4 landscape"),
    # 2. booktabs: rules above and below the header and at the end only
    "booktabs": Design(
        [number_col("ที่")] + plain(), rules="booktabs", header_shade=None, section_shade=None,
        describe="booktabs: a thick rule above the header, a thin one under it, a thick one at the end; no vertical rules, no fills"),
    # 3. zebra shading, no rules at all
    "zebra": Design(
        plain(), rules="none", header_shade="A6C9E2", zebra="E8EEF6", padding=4,
        describe="no rules at all; header filled, every other row filled (zebra)"),
    # 4. horizontal rules only / an outer frame only
    "hrules": Design(
        plain(), rules="hrules", header_shade=None, padding=4,
        describe="horizontal rules only (a rule under every row), no vertical rules"),
    "frame": Design(
        plain(measure="มาตรการ/แนวทางการแก้ไข", owner="หน่วยงานที่รับผิดชอบ"), rules="frame", header_shade=None, padding=4,
        describe="only the table's outer frame, no inner rules"),
    # 5. section rows spanning the table (tool, then indicator) and vertical merges
    "sections": Design(
        [F("issue", "ประเด็นที่ต้องพัฒนา", 1.8, None, True), F("measure", "มาตรการ/แนวทางการแก้ไข", 2.2),
         F("method", "ขั้นตอน/วิธีดำเนินการ", 2.6, None, True), F("owner", "หน่วยงานที่รับผิดชอบ", 1.3, "center"),
         F("period", "ช่วงเวลา", 1.2, "center"), F("result", "ผลการดำเนินการ", 2.0, None, True)],
        sections="tool+indicator", merge=("owner", "period"),
        describe="section rows spanning the table (แบบวัด..., then ตัวชี้วัดที่ N ...) give tool and indicator; no tool/indicator columns; equal owner/period cells merged vertically"),
    "strategy": Design(
        [number_col("ที่")] + plain(measure="มาตรการ/แนวทาง", method="วิธีการดำเนินการ", result="การติดตามผล"),
        sections="strategy", strategy_size=3, merge=("owner", "period"), align="distribute",
        describe="section rows กลยุทธ์ที่ N spanning the table (no field); equal owner/period cells merged vertically; Thai-distributed cell text"),
    "merged_first": Design(
        [F("tool", "เครื่องมือ", 1.0, "center"), F("indicator", "ตัวชี้วัด", 1.3)]
        + [c for c in plain()[2:] if c.key != "outcome"],
        merge=("tool", "indicator", "owner"), repeat_header=False, running=True,
        describe="tool and indicator columns merged vertically over their groups (the first column of a row continued on the next page is merged); header not repeated; running header and page numbers"),
    "round12": Design(
        plain(period="ระยะเวลา"), round12=True, title=REPORT_TITLE,
        describe="one period cell รอบ 12 เดือน merged over the whole table: every measure gets that period"),
    # 6. tick columns, status ticks, columns with no field
    "quarters": Design(
        [number_col()] + [c for c in plain() if c.key != "period"][:-2] + [F("result", "ผลการดำเนินงาน", 2.0, None, True)]
        + quarter_cols("ระยะเวลาดำเนินการ (ไตรมาส)"),
        title=PLAN_TITLE, landscape="all",
        describe="period only as quarter sub-columns ไตรมาส 1-4 ticked ✓; period_text null, dates from the ticks and the fiscal year"),
    "quarters_shade": Design(
        [c for c in plain() if c.key != "period"] + quarter_cols("ปีงบประมาณ", "quarter_months"), mark="shade",
        landscape="all",
        describe="period only as quarter sub-columns (ต.ค.-ธ.ค. ...) with shaded cells for the quarters; period_text null, dates from the shaded quarters"),
    "months_shade": Design(
        [number_col()] + [c for c in plain() if c.key not in ("period", "result", "outcome")]
        + month_cols("ระยะเวลาดำเนินการ"), mark="shade", landscape="all", title=PLAN_TITLE, padding=2,
        describe="Gantt-style month sub-columns ต.ค. ... ก.ย. shaded for the months of each measure; period_text null"),
    "months_slash": Design(
        [c for c in plain() if c.key not in ("period", "outcome")] + month_cols("ระยะเวลาดำเนินการ (เดือน)"),
        mark="/", landscape="all", padding=2,
        describe="month sub-columns ticked with /; period_text null, dates from the ticks"),
    "status": Design(
        [c for c in plain() if c.key not in ("result", "outcome")] + status_cols("สถานะการดำเนินการ"),
        mark="/", landscape="all",
        describe="status sub-columns ดำเนินการแล้ว | ยังมิได้ดำเนินการ | อยู่ระหว่างดำเนินการ ticked with /, no narrative result: result = the ticked status"),
    "status_narr": Design(
        plain()[:-2] + status_cols("สถานะการดำเนินการ", 0.7)
        + [F("result", "ผลการดำเนินการ", 2.0), F("outcome", "ผลลัพธ์", 1.6, None, True)],
        landscape="all",
        describe="status sub-columns ticked ✓ beside a narrative result column: result = the narrative, the status is extra"),
    "cols8": Design(
        [number_col(), F("measure", "มาตรการ", 2.0), F("method", "วิธีการดำเนินการ", 2.6),
         filler_col("budget", "งบประมาณ (บาท)", 1.0, "center"), filler_col("target", "เป้าหมาย", 1.2),
         F("owner", "ผู้รับผิดชอบ", 1.1, "center"), F("period", "ระยะเวลา", 1.1, "center"), filler_col("remark", "หมายเหตุ", 1.0)],
        landscape="all", bullets=True,
        describe="8-column header with columns that have no field (งบประมาณ, เป้าหมาย, หมายเหตุ, ลำดับ); list items as bullets"),
    "kpi9": Design(
        tool_ind() + [F("measure", "มาตรการ/โครงการ", 2.0), filler_col("kpi", "ตัวชี้วัดความสำเร็จ (KPI)", 1.5),
                      filler_col("budget", "งบประมาณ", 0.9, "center"), F("owner", "ผู้รับผิดชอบ", 1.3),
                      F("period", "ระยะเวลา", 1.2, "center"), F("result", "ผลการดำเนินงาน", 1.8),
                      filler_col("remark", "หมายเหตุ", 0.9)],
        landscape="all", title=REPORT_TITLE,
        describe="KPI, budget and remark columns with no field beside the measure columns"),
    # 7. tables over several pages
    "long_repeat": Design(
        plain(), running=True, table_font=16, header_shade="D9D9D9",
        describe="one long table over several pages, header repeated on each page, rows cut by page breaks, running header and page numbers"),
    "long_norepeat": Design(
        plain(), running=True, repeat_header=False, header_shade=None, align="justify",
        describe="one long table over several pages, header not repeated, tall rows cut by page breaks, running header and page numbers, justified cells"),
    "split_parts": Design(
        plain(), split_every=2, running=True, header_shade="FDE9D9",
        describe="the table cut into parts of two measures, each part on a new page starting with a copy of the header (a Word user's manual breaks); running header and page numbers"),
    # 8. landscape pages between portrait pages; centred and justified cells
    "mixed": Design(
        [F("tool", "เครื่องมือ", 1.0, "center", True), F("indicator", "ตัวชี้วัด", 1.3, "center", True)]
        + [F(c.key, c.path[0], c.width, "center" if c.key in ("owner", "period") else "justify", c.optional)
           for c in plain()[2:]],
        landscape="table", running=True,
        describe="prose on portrait pages, the measures table on landscape pages, closing back on a portrait page; centred short cells, justified long ones"),
}
