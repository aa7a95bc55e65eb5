"""Planted-copy test corpus for the copy analysis (pipeline.analyze).

generate(n_docs, seed) builds distinct, realistic-looking Thai ITA measure reports
(documents + measures + paragraphs rows) and plants known copies among them:

* cross_agency: a report copies 3-5 passages of another agency's report: the agency name
  swapped (full name <-> abbreviation), the year changed, Thai/Arabic digits swapped,
  markup and spacing changed, a phrase inserted or deleted, pasted inside a longer cell —
  and ONE old agency name left behind (a planted foreign name);
* within_report: one long sentence pasted into the result cell of 3-4 measures (after a
  distinct lead-in, like the real seed report 001);
* same_agency_other_year: last year's report resubmitted with the year changed.

Every report also carries standard ITA framework / NACC wording (boilerplate) so that
unrelated reports share text legitimately. Filler text combines Thai word lists so that
unrelated reports are truly distinct.

Truth (Corpus.truth): sets of frozenset({passage_id, passage_id}) by kind, and the set of
(doc_id, foreign core name) planted.

Also: load_seed_txt() turns a real seed TXT report into rows (simple TSV-table reader,
used to test the real repeated sentence).
"""
from __future__ import annotations

import hashlib
import random
import re
from dataclasses import dataclass, field
from pathlib import Path

THAI_DIGITS = str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙")
ARABIC = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")

NAME_A = ["บ้าน", "หนอง", "ท่า", "โคก", "นา", "ดอน", "ห้วย", "บ่อ", "วัง", "ทุ่ง", "สระ", "โพธิ์", "ไผ่",
          "กุด", "ศรี", "คลอง", "เขา", "ป่า", "ลำ", "แม่", "สันป่า", "เชียง", "พระ", "โนน", "หัว"]
NAME_B = ["แก้ว", "ทอง", "งาม", "สว่าง", "เจริญ", "สะอาด", "หลวง", "ขาม", "บัว", "ม่วง", "ยาง", "คำ",
          "กลาง", "เหนือ", "ชัย", "สุข", "เงิน", "จันทร์", "ตะเคียน", "มะขาม", "ไทร", "ข่อย", "สำโรง",
          "ประดู่", "กระทุ่ม", "ช้าง", "เสือ", "แดง", "เขียว", "ขาว"]
TYPES = [("องค์การบริหารส่วนตำบล", "อบต."), ("เทศบาลตำบล", "ทต."), ("เทศบาลเมือง", "ทม.")]
PROVINCES = ["ศรีสะเกษ", "นนทบุรี", "ขอนแก่น", "ลำปาง", "สุรินทร์", "นครราชสีมา", "เพชรบูรณ์", "ชุมพร"]
DISTRICTS = ["ราษีไศล", "ปากเกร็ด", "ชุมแพ", "เกาะคา", "ปราสาท", "ปักธงชัย", "หล่มสัก", "ท่าแซะ"]

SUBJ = ["เจ้าหน้าที่ผู้รับผิดชอบ", "คณะทำงานที่ได้รับแต่งตั้ง", "บุคลากรทุกกอง", "ผู้บริหารท้องถิ่น", "กองคลัง",
        "สำนักปลัด", "กองช่าง", "กองการศึกษา", "กองสาธารณสุขและสิ่งแวดล้อม", "คณะกรรมการชุมชน",
        "ผู้นำหมู่บ้าน", "อาสาสมัครสาธารณสุขประจำหมู่บ้าน", "ประชาชนในเขตพื้นที่", "พนักงานจ้างตามภารกิจ",
        "หัวหน้าส่วนราชการ", "นักวิเคราะห์นโยบายและแผน", "นิติกรประจำสำนักปลัด", "เจ้าพนักงานพัสดุ",
        "ครูผู้ดูแลเด็ก", "เจ้าพนักงานธุรการ", "นักทรัพยากรบุคคล", "นายช่างโยธา", "เจ้าพนักงานจัดเก็บรายได้",
        "คณะกรรมการตรวจรับพัสดุ", "ผู้อำนวยการกองคลัง", "ปลัดผู้บังคับบัญชา"]
VERB = ["จัดประชุมชี้แจงเรื่อง", "ทบทวนและปรับปรุง", "จัดทำรายงานสรุป", "ตรวจสอบความถูกต้องของ",
        "นำขึ้นเผยแพร่", "ติดตามประเมินผล", "จัดอบรมเชิงปฏิบัติการเรื่อง", "รวบรวมข้อมูลเกี่ยวกับ",
        "วางแนวทางการจัดการ", "ประสานความร่วมมือเรื่อง", "ออกประกาศเกี่ยวกับ", "สำรวจความคิดเห็นเรื่อง",
        "ลงพื้นที่ตรวจติดตาม", "บันทึกข้อมูลลงระบบสำหรับ", "แต่งตั้งคณะกรรมการพิจารณา", "จัดเวทีประชาคมเรื่อง",
        "ทำหนังสือแจ้งเวียนเรื่อง", "จัดทำคำสั่งมอบหมายงานด้าน", "ปรับปรุงแบบฟอร์มของ", "รายงานความก้าวหน้าของ"]
OBJ = ["แผนการจัดซื้อจัดจ้างประจำปี", "คู่มือการยืมคืนพัสดุ", "ช่องทางรับเรื่องร้องเรียน", "ระบบสารบรรณอิเล็กทรอนิกส์",
       "ข้อบัญญัติงบประมาณรายจ่าย", "แบบขออนุญาตใช้รถส่วนกลาง", "ทะเบียนคุมทรัพย์สิน", "ผลสำรวจความพึงพอใจ",
       "การเบิกจ่ายเงินอุดหนุน", "โครงการก่อสร้างถนนคอนกรีตเสริมเหล็ก", "ตู้รับฟังความคิดเห็น",
       "การจัดเก็บภาษีที่ดินและสิ่งปลูกสร้าง", "ศูนย์ข้อมูลข่าวสารของราชการ", "การขออนุญาตก่อสร้างอาคาร",
       "กองทุนหลักประกันสุขภาพระดับท้องถิ่น", "กิจการประปาหมู่บ้าน", "ศูนย์พัฒนาเด็กเล็ก", "การคัดแยกขยะมูลฝอย",
       "เบี้ยยังชีพผู้สูงอายุและผู้พิการ", "แผนพัฒนาท้องถิ่นห้าปี", "การซ่อมบำรุงไฟฟ้าสาธารณะ", "ถังดับเพลิงประจำชุมชน",
       "รถบรรทุกน้ำอเนกประสงค์", "การรับชำระค่าธรรมเนียม", "บัญชีรายชื่อผู้มีสิทธิ์", "คลังข้อมูลแผนที่ภาษี"]
PURP = ["เพื่อให้การปฏิบัติงานเป็นไปตามระเบียบ", "เพื่อลดขั้นตอนการให้บริการ", "เพื่อป้องกันการใช้ดุลยพินิจโดยมิชอบ",
        "เพื่อให้ประชาชนตรวจสอบได้", "เพื่อตอบสนองได้รวดเร็วขึ้น", "เพื่อสร้างความเข้าใจที่ตรงกัน",
        "เพื่อให้ข้อมูลเป็นปัจจุบันอยู่เสมอ", "เพื่อป้องกันผลประโยชน์ทับซ้อน", "เพื่อให้เกิดความคุ้มค่าสูงสุด",
        "เพื่อรองรับการตรวจสอบจากภายนอก", "เพื่อให้ผู้สูงอายุเข้าถึงบริการ", "เพื่อลดข้อผิดพลาดในเอกสาร",
        "เพื่อให้เกษตรกรได้รับประโยชน์", "เพื่อแก้ปัญหาน้ำท่วมขัง", "เพื่อความปลอดภัยของเด็กนักเรียน"]
WHEN = ["ทุกไตรมาส", "ภายในสิบห้าวันทำการ", "อย่างน้อยเดือนละครั้ง", "ในการประชุมประจำเดือน", "ผ่านกลุ่มไลน์ประจำหมู่บ้าน",
        "ณ ห้องประชุมสภา", "ตามปฏิทินที่วางไว้", "ก่อนสิ้นปีงบประมาณ", "ร่วมกับผู้นำชุมชน", "ทุกวันพุธแรกของเดือน",
        "ที่ศาลาอเนกประสงค์หมู่ที่ {n}", "ในช่วงฤดูแล้ง", "หลังได้รับอนุมัติงบประมาณ", "ภายในวันที่ {n} ของทุกเดือน"]
TAIL = ["มีผู้เข้าร่วม {n} คน", "คิดเป็นร้อยละ {n}", "รวม {n} รายการ", "จำนวน {n} เรื่อง", "ใช้งบประมาณ {n} บาท",
        "ครอบคลุม {n} หมู่บ้าน", "", "", ""]
QUAL = ["", "", "ฉบับปรับปรุง", "รอบที่สอง", "ระยะเร่งด่วน", "ของฝ่ายอำนวยการ", "ประจำไตรมาสแรก", "ตามแบบใหม่",
        "ของงานกิจการสภา", "ฝ่ายแผนงาน", "ตามคำร้อง", "ภาคฤดูฝน", "ที่ค้างดำเนินการ", "ที่ได้รับโอน", "ที่ขอรับการสนับสนุน"]
CONN = ["", "", "ทั้งนี้", "โดยมุ่ง", "อันจะช่วย", "ซึ่งจะทำให้", "ตลอดจน", "พร้อมกันนี้", "อีกทั้ง", "รวมทั้ง"]
INSERTS = ["ซึ่งได้รับความร่วมมือเป็นอย่างดี", "โดยไม่มีค่าใช้จ่ายใดๆ", "ตามข้อสั่งการของนายอำเภอ",
           "และได้รายงานให้ผู้บริหารทราบแล้ว", "ทั้งนี้เป็นไปตามมติที่ประชุม"]
GENERIC = ["ดำเนินการแล้วเสร็จ", "ดำเนินการแล้ว", "ได้ดำเนินการเรียบร้อยแล้ว", "ดำเนินการแล้วเสร็จ ร้อยละ ๑๐๐",
           "ดำเนินการตามมาตรการแล้ว"]

# standard ITA/NACC wording: every report uses a few of these (boilerplate)
FRAMEWORK = [
    "ตามที่ สำนักงานคณะกรรมการป้องกันและปราบปรามการทุจริตแห่งชาติ (ป.ป.ช.) ได้ดำเนินการประเมินคุณธรรมและความโปร่งใสในการดำเนินงานของหน่วยงานภาครัฐ (Integrity and Transparency Assessment : ITA) ประจำปีงบประมาณ พ.ศ. {y} และได้แจ้งผลการประเมินและข้อเสนอแนะเกี่ยวกับการประเมินคุณธรรมและความโปร่งใสในการดำเนินงานของหน่วยงานภาครัฐ เพื่อนำไปปรับปรุงพัฒนาและยกระดับคุณธรรม และความโปร่งใสของหน่วยงาน",
    "โดยการประเมินหน่วยงานจาก ๓ แบบวัด คือ แบบวัดการรับรู้ของผู้มีส่วนได้ส่วนเสียภายใน (IIT) แบบวัดการรับรู้ของผู้มีส่วนได้ส่วนเสียภายนอก (EIT) และแบบตรวจการเปิดเผยข้อมูลสาธารณะ (OIT) จำนวนทั้งสิ้น ๑๐ ตัวชี้วัด โดยจะต้องมีคะแนนผ่านเกณฑ์เป้าหมาย (๘๕ คะแนนขึ้นไป)",
    "แบบวัด OIT เป็นแบบวัดการเปิดเผยข้อมูลต่อสาธารณะ (Open Integrity and Transparency Assessment: OIT) เป็นตัวชี้วัดที่มีวัตถุประสงค์เพื่อประเมินการเผยแพร่ข้อมูลที่เป็นปัจจุบันบนเว็บไซต์ของหน่วยงาน เพื่อเปิดเผยข้อมูลต่าง ๆ ของหน่วยงานให้สาธารณชนได้รับทราบใน ๕ ประเด็น",
]
RECOMMEND = [
    "หน่วยงานควรให้ความสำคัญกับการเปิดเผยข้อมูลบนเว็บไซต์หลักของหน่วยงานให้ครบถ้วนตามหลักเกณฑ์การประเมิน",
    "ควรกำกับติดตามการปฏิบัติหน้าที่ของเจ้าหน้าที่ให้เป็นไปตามขั้นตอนและระยะเวลาที่กำหนด และให้บริการแก่ผู้มาติดต่ออย่างเท่าเทียมกัน",
    "ควรส่งเสริมให้ผู้มีส่วนได้ส่วนเสียเข้ามามีส่วนร่วมในการปรับปรุงพัฒนาการดำเนินงานและการให้บริการของหน่วยงานให้ดีขึ้น",
    "หน่วยงานควรจัดทำแนวทางปฏิบัติเกี่ยวกับการใช้ทรัพย์สินของราชการที่ถูกต้อง และเผยแพร่ให้บุคลากรภายในหน่วยงานรับทราบ",
]
MEASURE_NAMES = ["การเปิดเผยข้อมูลสาธารณะ", "การป้องกันผลประโยชน์ทับซ้อน", "การบริหารทรัพย์สินของราชการ",
                 "การบริหารงบประมาณ", "การจัดการเรื่องร้องเรียน", "การปรับปรุงระบบการทำงาน",
                 "การประชาสัมพันธ์ข้อมูลข่าวสาร", "ระบบ E-Service", "การมีส่วนร่วมของประชาชน",
                 "การป้องกันการรับสินบน"]


@dataclass
class Doc:
    doc_id: str
    agency: str
    short: str
    agency_type: str
    district: str
    province: str
    fiscal_year: int
    measures: list = field(default_factory=list)     # dicts with measure_id + FIELDS
    paragraphs: list = field(default_factory=list)   # (para_no, text)


@dataclass
class Corpus:
    docs: list
    truth: dict          # kind -> set(frozenset(passage ids)); "foreign" -> set((doc_id, core))


def _digits(s: str, thai: bool) -> str:
    return s.translate(THAI_DIGITS) if thai else s.translate(ARABIC)


class _Gen:
    def __init__(self, seed: int):
        self.r = random.Random(seed)

    def num(self):
        return str(self.r.choice([self.r.randint(2, 99), self.r.randint(100, 9999)]))

    def village(self):
        return "บ้าน" + self.r.choice(NAME_A[1:]) + self.r.choice(NAME_B)

    def sentence(self, agency=None):
        r = self.r
        v = self.village
        place = r.choice([f"ในพื้นที่{v()}", f"ณ {v()} หมู่ที่ {{n}}", f"ร่วมกับชาว{v()}", f"ที่{v()}และ{v()}"])
        objmod = r.choice([f" สาย{v()}-{v()}", f" ของชุมชน{v()}", f" กลุ่ม{v()}", f" ให้ชาว{v()}"])
        head = f"{r.choice(SUBJ)}{' ของ' + agency if agency and r.random() < 0.35 else ''} " \
               f"{r.choice(VERB)}{r.choice(OBJ)}{r.choice(QUAL)}"
        rest = [objmod, place, f"{r.choice(CONN)}{r.choice(PURP)}", r.choice(WHEN), r.choice(TAIL)]
        r.shuffle(rest)
        s = head + " " + " ".join(x for x in rest if x)
        return re.sub(r"\{n\}", lambda _: self.num(), s).strip()

    def passage(self, n_sent, agency=None):
        return " ".join(self.sentence(agency) for _ in range(n_sent))


def _mk_doc(g: _Gen, doc_id, name, short, typ, district, province, year, thai_digits=True):
    r = g.r
    d = Doc(doc_id, name, short, typ, district, province, year)
    yd = _digits(str(year), thai_digits)
    for i in range(r.randint(6, 9)):
        mid = f"{doc_id}:1:{i + 1}"
        m = {"measure_id": mid, "row_no": i + 1,
             "measure": f"{_digits(str(i + 1), thai_digits)}. {r.choice(MEASURE_NAMES)}",
             "method": g.passage(r.randint(2, 3), name),
             "issue": g.passage(1, name),
             "result": g.passage(r.randint(2, 3), name),
             "outcome": g.passage(r.randint(1, 2), name)}
        if r.random() < 0.15:
            m["result"] = r.choice(GENERIC)
        d.measures.append(m)
    paras = [r.choice(FRAMEWORK).replace("{y}", _digits(str(year - 1), thai_digits)),
             f"รายงานผลการดำเนินการตามมาตรการส่งเสริมคุณธรรมและความโปร่งใสภายในหน่วยงาน ของ{name} ประจำปีงบประมาณ พ.ศ. {yd}",
             r.choice(RECOMMEND)]
    paras += [g.passage(r.randint(2, 4), name) for _ in range(r.randint(3, 5))]
    d.paragraphs = list(enumerate(paras, start=1))
    return d


def _swap_name(text, old_full, old_short, new_full, new_short, r):
    out = text.replace(old_full, new_full if r.random() < 0.7 else new_short)
    return out.replace(old_short, new_short)


def _mutate(text, g: _Gen, kinds):
    r = g.r
    if "digits" in kinds:
        text = text.translate(ARABIC) if r.random() < 0.5 else text.translate(THAI_DIGITS)
    if "insert" in kinds:
        words = text.split(" ")
        k = r.randint(1, max(1, len(words) - 1))
        text = " ".join(words[:k] + [r.choice(INSERTS)] + words[k:])
    if "delete" in kinds:
        words = text.split(" ")
        if len(words) > 6:
            k = r.randint(1, len(words) - 3)
            text = " ".join(words[:k] + words[k + 1:])
    if "spacing" in kinds:
        text = re.sub(r" ", lambda _: r.choice([" ", "  ", "", "\n"]), text)
    if "markup" in kinds:
        parts = text.split(" ")
        cut = r.randint(1, max(1, len(parts) - 1))
        text = "<p>" + " ".join(parts[:cut]) + "</p> <p>" + " ".join(parts[cut:]) + "</p>"
    return text


def generate(n_docs: int = 40, seed: int = 7, n_cross: int = None, n_within: int = None,
             n_resubmit: int = None) -> Corpus:
    g = _Gen(seed)
    r = g.r
    from pipeline.agencies import cut_name
    from pipeline.analyze.generic import is_generic_result
    from pipeline.analyze.compute import MIN_CHARS
    from pipeline.analyze.textkey import compare_key as normalize
    names = set()
    while len(names) < n_docs + 5:
        core = r.choice(NAME_A) + r.choice(NAME_B)
        if cut_name(core) == core:
            names.add(core)
    names = sorted(names)
    r.shuffle(names)
    docs = []
    for i in range(n_docs):
        full, short = r.choice(TYPES)
        core = names[i]
        pi = r.randrange(len(PROVINCES))
        doc_id = hashlib.sha256(f"{seed}:{i}".encode()).hexdigest()[:16]
        docs.append(_mk_doc(g, doc_id, full + core, short + core, full, DISTRICTS[pi], PROVINCES[pi],
                            r.choice([2566, 2567]), thai_digits=r.random() < 0.7))
    truth = {"cross_agency": set(), "within_report": set(), "same_agency_other_year": set(),
             "foreign": set()}
    n_cross = n_cross if n_cross is not None else max(1, n_docs // 4)
    n_within = n_within if n_within is not None else max(1, n_docs // 8)
    n_resubmit = n_resubmit if n_resubmit is not None else max(1, n_docs // 20)
    order = list(range(n_docs))
    r.shuffle(order)
    used = set()
    pool = iter(order)

    def take():
        while True:
            i = next(pool)
            if i not in used:
                used.add(i)
                return docs[i]

    # cross-agency copies: B copies passages of A
    for _ in range(n_cross):
        a, b = take(), take()
        a_core, b_core = a.agency.replace(a.agency_type, ""), b.agency.replace(b.agency_type, "")
        src = [(m, f) for m in a.measures for f in ("method", "result", "outcome")
               if len(m[f]) > 80]
        picks = r.sample(src, min(len(src), r.randint(3, 5)))
        forgot = r.randrange(len(picks))
        targets = r.sample(b.measures, len(picks))
        for j, ((ma, fa), mb) in enumerate(zip(picks, targets)):
            text = ma[fa]
            text = re.sub(r"(พ\.ศ\.\s*)?[๒2][๕5][๖6][0-9๐-๙]", lambda m: _digits(str(b.fiscal_year), True), text)
            text = _swap_name(text, a.agency, a.short, b.agency, b.short, r)
            if j == forgot:
                # one old name is left behind
                text = f"{text} ทั้งนี้ {r.choice([a.agency, a.short])}ได้รายงานผลให้ที่ประชุมทราบ"
                truth["foreign"].add((b.doc_id, a_core))
            kinds = r.sample(["digits", "insert", "delete", "spacing", "markup"], r.randint(1, 3))
            text = _mutate(text, g, kinds)
            if r.random() < 0.3:       # pasted inside a longer cell
                text = g.passage(2, b.agency) + " " + text
            fb = r.choice(["method", "result", "outcome"])
            mb[fb] = text
            truth["cross_agency"].add(frozenset({f"{ma['measure_id']}:{fa}", f"{mb['measure_id']}:{fb}"}))
        # a copied body paragraph too
        pa = next((p for p in a.paragraphs[3:] if len(p[1]) > 200), None)   # filler, not framework
        if pa is not None:
            text = _mutate(_swap_name(pa[1], a.agency, a.short, b.agency, b.short, r), g, ["spacing", "digits"])
            no = len(b.paragraphs) + 1
            b.paragraphs.append((no, text))
            truth["cross_agency"].add(frozenset({f"{a.doc_id}:p:{pa[0]}", f"{b.doc_id}:p:{no}"}))

    # within-report: one long sentence pasted into several result cells
    for _ in range(n_within):
        c = take()
        sent = f"แสดงให้เห็นว่า{c.agency} {g.sentence()} ซึ่งเป็นหัวใจสำคัญของการสร้างความโปร่งใสในหน่วยงาน"
        ms = r.sample(c.measures, min(len(c.measures), r.randint(3, 4)))
        ids = []
        for m in ms:
            lead = f"{r.choice(VERB)}{r.choice(OBJ)}, {r.choice(VERB)}{r.choice(OBJ)}"
            variant = _mutate(sent, g, r.sample(["spacing", "digits"], 1))
            m["result"] = f"<p>{lead} {variant}</p>"
            ids.append(f"{m['measure_id']}:result")
        for i in range(len(ids)):
            for j in range(i + 1, len(ids)):
                truth["within_report"].add(frozenset({ids[i], ids[j]}))

    # last year's report resubmitted
    for k in range(n_resubmit):
        a = take()
        b_id = hashlib.sha256(f"{seed}:resubmit:{k}".encode()).hexdigest()[:16]
        b = Doc(b_id, a.agency, a.short, a.agency_type, a.district, a.province, a.fiscal_year + 1)
        for m in a.measures:
            mb = dict(m)
            mb["measure_id"] = m["measure_id"].replace(a.doc_id, b_id)
            for f in ("measure", "issue", "method", "result", "outcome"):
                mb[f] = m[f].replace(_digits(str(a.fiscal_year), True), _digits(str(b.fiscal_year), True))
                if len(normalize(m[f])) >= MIN_CHARS and not is_generic_result(m[f]):
                    truth["same_agency_other_year"].add(frozenset({f"{m['measure_id']}:{f}", f"{mb['measure_id']}:{f}"}))
            b.measures.append(mb)
        b.paragraphs = list(a.paragraphs)
        for no, t in a.paragraphs[3:]:       # the first three are standard wording
            truth["same_agency_other_year"].add(frozenset({f"{a.doc_id}:p:{no}", f"{b_id}:p:{no}"}))
        docs.append(b)
    return Corpus(docs, truth)


def load(con, corpus: Corpus) -> None:
    """Insert the corpus into a DuckDB connection (schemas/ddl.sql + ddl_findings.sql)."""
    root = Path(__file__).resolve().parent.parent / "schemas"
    con.execute((root / "ddl.sql").read_text(encoding="utf-8"))
    con.execute((root / "ddl_findings.sql").read_text(encoding="utf-8"))
    con.executemany(
        "INSERT INTO documents (doc_id, source_path, sha256, format, pages, status, agency, agency_type,"
        " district, province, fiscal_year) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
        [(d.doc_id, f"corpus/{d.doc_id}.txt", d.doc_id * 4, "txt", 3, "ok", d.agency, d.agency_type,
          d.district, d.province, d.fiscal_year) for d in corpus.docs])
    con.executemany(
        "INSERT INTO measures (measure_id, doc_id, table_no, row_no, page, line, measure, issue, method,"
        " result, outcome) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
        [(m["measure_id"], d.doc_id, 1, m["row_no"], 2 + m["row_no"] // 5, 40 + m["row_no"], m["measure"],
          m["issue"], m["method"], m["result"], m["outcome"]) for d in corpus.docs for m in d.measures])
    con.executemany("INSERT INTO paragraphs (doc_id, para_no, page, line, text) VALUES (?,?,?,?,?)",
                    [(d.doc_id, no, 1 + no // 6, 3 * no, t) for d in corpus.docs for no, t in d.paragraphs])


def load_seed_txt(con, path, doc_id, agency, province=None, district=None, fiscal_year=None):
    """Minimal reader of a seed TXT report: tab-separated table rows under a header row
    starting with 'มาตรการ' become measures (measure, method, [period, owner,] result,
    outcome by header name); other non-empty lines become paragraphs."""
    text = Path(path).read_text(encoding="utf-8")
    con.execute("INSERT INTO documents (doc_id, source_path, sha256, status, agency, province, district,"
                " fiscal_year) VALUES (?,?,?,?,?,?,?,?)",
                (doc_id, str(path), doc_id, "ok", agency, province, district, fiscal_year))
    header = None
    row_no = 0
    para_no = 0
    for ln, line in enumerate(text.split("\n"), start=1):
        if "\t" in line:
            cols = line.split("\t")
            if cols[0].startswith("มาตรการ"):
                header = cols
                continue
            if header:
                row_no += 1
                f = {}
                for h, c in zip(header, cols):
                    key = ("outcome" if "outcome" in h or "ผลลัพธ์" in h else
                           "result" if "output" in h or "ผลการดำเนินการ" in h else
                           "method" if "วิธี" in h or "ขั้นตอน" in h else
                           "measure" if h.startswith("มาตรการ") else None)
                    if key:
                        f[key] = c
                con.execute("INSERT INTO measures (measure_id, doc_id, table_no, row_no, line, measure,"
                            " method, result, outcome) VALUES (?,?,?,?,?,?,?,?,?)",
                            (f"{doc_id}:1:{row_no}", doc_id, 1, row_no, ln, f.get("measure"),
                             f.get("method"), f.get("result"), f.get("outcome")))
            continue
        if line.strip():
            para_no += 1
            con.execute("INSERT INTO paragraphs (doc_id, para_no, page, line, text) VALUES (?,?,?,?,?)", (doc_id, para_no, None, ln, line.strip()))
