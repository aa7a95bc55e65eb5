"""Stress: peak resident memory of the parent and the workers on hostile large documents.

  make bench ARGS=stress        (BENCH_STRESS_MB=300, BENCH_STRESS_ROWS=100000 set the sizes)

Builds, in a temporary folder (removed after), beside one real report each:
  txt300   a 300 MB TXT: a real report followed by prose annexes (600k paragraphs)
  rows100k a TXT with one measure table of 100,000 long rows
  page20k  a PDF with one 20000 x 20000 pt page of lines and boxes, no text: it goes to OCR
  segments25k  a page of 25,000 drawn segments with some text: its extraction is timed
and ingests each in a fresh process (`ita ingest` in-process, no copy detection), once with
the default limits (--timeout 120, --memory-mb 2048: what a user gets) and, for the two
TXTs, once with the limits lifted, so that the document's rows really reach the database
and the parent's memory while writing them is measured. Prints per run: outcome, seconds,
peak resident memory of the parent (getrusage) and of the largest worker or program it
started (getrusage of children), and the sampled peak of a worker with its programs.
Targets: parent <= 1 GB on every run; a worker over its limit is stopped at the limit
(+ what it can allocate in one 0.2 s poll).
"""
from __future__ import annotations

import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PARENT_TARGET_MB = 1024

_PARA = ("ภาคผนวก {i} การดำเนินงานตามแผนปฏิบัติการป้องกันการทุจริต ประจำปีงบประมาณ พ.ศ. ๒๕๖๕ "
         "หน่วยงานได้จัดประชุมชี้แจงแนวทางปฏิบัติแก่บุคลากร ครั้งที่ {i} และติดตามผลการดำเนินงานอย่างต่อเนื่อง\n\n")
_HEADER = "มาตรการ/โครงการ/กิจกรรม\tขั้นตอน/วิธีการปฏิบัติ\tช่วงระยะเวลาในการดำเนินการ\tผู้รับผิดชอบ\tผลการดำเนินการ\n"
_ROW = ("<p>{n}. ส่งเสริมการเผยแพร่ข้อมูลข่าวสารต่อสาธารณะ ครั้งที่ {i}</p>\t"
        "<p>ประชาสัมพันธ์ผ่านเว็บไซต์และป้ายประกาศของหน่วยงาน รอบที่ {i} เพื่อให้ประชาชนเข้าถึงข้อมูลได้สะดวก "
        "รวดเร็ว และตรวจสอบได้ทุกขั้นตอนของการดำเนินงาน</p>\tตุลาคม ๒๕๖๔ - กันยายน ๒๕๖๕\tสำนักปลัด\t"
        "ดำเนินการแล้ว จำนวน {k} ครั้ง ผู้เข้าร่วม {j} คน\n")


def _seed() -> bytes:
    return sorted((ROOT / "corpus").glob("*.txt"))[0].read_bytes()


def build_big_txt(path: Path, mb: int) -> None:
    target = mb << 20
    with open(path, "wb") as f:
        size = f.write(_seed())
        i = 0
        while size < target:
            chunk = "".join(_PARA.format(i=i + k) for k in range(1000)).encode()
            size += f.write(chunk)
            i += 1000


def build_rows_txt(path: Path, rows: int) -> None:
    with open(path, "w", encoding="utf-8") as f:
        f.write("มาตรการส่งเสริมคุณธรรมและความโปร่งใส ประจำปีงบประมาณ พ.ศ. ๒๕๖๕\n\n"
                "องค์การบริหารส่วนตำบลบ้านใหม่ อำเภอเมือง จังหวัดขอนแก่น\n\n" + _HEADER)
        for i in range(rows):
            f.write(_ROW.format(n=i + 1, i=i, k=i % 97, j=i % 1000))


def build_huge_page_pdf(path: Path) -> None:
    """One 20000 x 20000 pt page of ruling lines and boxes and no text layer, so that it is
    rendered for OCR (2x: 40000 x 40000 pixels unless the renderer caps it)."""
    import pikepdf
    pdf = pikepdf.new()
    ops = ["4 w"] + [f"300 {19200 - 600 * k} m 19700 {19200 - 600 * k} l S" for k in range(31)]
    ops += [f"{x} 1200 m {x} 19200 l S" for x in (300, 6000, 12000, 19700)]
    ops += [f"{400 + 37 * k} {1300 + 590 * (k % 30)} 20 20 re f" for k in range(500)]
    page = pikepdf.Page(pikepdf.Dictionary(Type=pikepdf.Name.Page, MediaBox=[0, 0, 20000, 20000],
                                           Contents=pdf.make_stream("\n".join(ops).encode())))
    pdf.pages.append(page)
    pdf.save(path)


def build_segments_pdf(path: Path, n: int = 25000) -> None:
    """One A4 page of ``n`` short drawn segments (half horizontal, half vertical, at random
    places) and a little text: the table finder's rules must pair up in seconds."""
    import random

    import pikepdf

    rnd = random.Random(1)
    ops = ["0.5 w 0 0 0 RG"]
    for i in range(n // 2):
        y, x = 20 + i % 800, rnd.uniform(10, 500)
        ops.append(f"{x:.1f} {y:.1f} m {x + rnd.uniform(5, 80):.1f} {y:.1f} l S")
    for i in range(n - n // 2):
        x, y = 20 + i % 560, rnd.uniform(10, 700)
        ops.append(f"{x:.1f} {y:.1f} m {x:.1f} {y + rnd.uniform(5, 80):.1f} l S")
    ops += [f"BT /F1 10 Tf {30 + k % 4 * 130} {780 - k // 4 * 18} Td (cell {k}) Tj ET" for k in range(40)]
    pdf = pikepdf.new()
    font = pikepdf.Dictionary(Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1, BaseFont=pikepdf.Name.Helvetica)
    pdf.pages.append(pikepdf.Page(pikepdf.Dictionary(
        Type=pikepdf.Name.Page, MediaBox=[0, 0, 595, 842], Contents=pdf.make_stream("\n".join(ops).encode()),
        Resources=pikepdf.Dictionary(Font=pikepdf.Dictionary(F1=font)))))
    pdf.save(path)


def time_segments_page(path: Path) -> float:
    """Seconds to extract the segments page (in-process, the word list already loaded)."""
    sys.path.insert(0, str(ROOT))
    from extractors.pdf import extract_pdf
    from extractors.thai_repair import word_set

    word_set()
    t = time.perf_counter()
    extract_pdf(str(path), ocr=False)
    return time.perf_counter() - t


def _one(folder: str, db: str, timeout: float, memory_mb: int) -> None:
    """In a fresh process: ingest, then print the outcome and peaks as JSON."""
    os.environ.setdefault("PYTHAINLP_OFFLINE", "1")
    sys.path.insert(0, str(ROOT))
    from pipeline.ingest import ingest
    t = time.perf_counter()
    s = ingest([folder], db, progress=False, dupes=False, workers=2, timeout=timeout, memory_mb=memory_mb)
    import duckdb
    con = duckdb.connect(db, read_only=True)
    rows = {t: con.execute(f"select count(*) from {t}").fetchone()[0] for t in ("measures", "paragraphs")}
    con.close()
    print(json.dumps({
        "seconds": time.perf_counter() - t, "statuses": dict(s.statuses), "failed": [e for _, e in s.failed],
        "rows": rows, "parent_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "child_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
        "worker_tree_mb": s.worker_peak_mb}))


def _run(name: str, doc: Path, tmp: Path, timeout: float, memory_mb: int) -> dict:
    folder = tmp / f"{name}-{memory_mb}"
    folder.mkdir()
    os.link(doc, folder / doc.name)
    shutil.copyfile(sorted((ROOT / "corpus").glob("*.txt"))[1], folder / "good report.txt")
    db = tmp / f"{name}-{memory_mb}.duckdb"
    proc = subprocess.run([sys.executable, "-m", "bench.stress_bench", "--one", str(folder), str(db),
                           str(timeout), str(memory_mb)], capture_output=True, text=True, cwd=ROOT)
    if proc.returncode != 0:
        raise SystemExit(f"{name}: the ingest itself failed\n{proc.stderr[-3000:]}")
    got = json.loads(proc.stdout.strip().splitlines()[-1])
    limits = "default limits" if memory_mb == 2048 else f"--timeout {timeout:g} --memory-mb {memory_mb}"
    outcome = "; ".join(got["failed"]) or "read whole"
    print(f"{name:9s} {limits:34s} {got['seconds']:6.1f} s  parent {got['parent_mb']:5.0f} MB  "
          f"largest worker {got['child_mb']:5.0f} MB (sampled with its programs {got['worker_tree_mb']} MB)  "
          f"rows: {got['rows']['measures']} measures, {got['rows']['paragraphs']} paragraphs  -> {outcome}",
          flush=True)
    for f in (folder, db, Path(f"{db}.wal")):
        shutil.rmtree(f, ignore_errors=True) if f.is_dir() else f.unlink(missing_ok=True)
    return got


def main() -> None:
    mb = int(os.environ.get("BENCH_STRESS_MB", "300"))
    tmp = Path(tempfile.mkdtemp(prefix="ita-stress-"))
    try:
        t = time.perf_counter()
        docs = {"txt300": tmp / f"annexes {mb} MB.txt", "rows100k": tmp / "table of 100k rows.txt",
                "page20k": tmp / "one 20000 pt page.pdf"}
        build_big_txt(docs["txt300"], mb)
        build_rows_txt(docs["rows100k"], int(os.environ.get("BENCH_STRESS_ROWS", "100000")))
        build_huge_page_pdf(docs["page20k"])
        sizes = ", ".join(f"{k} {v.stat().st_size / 2**20:.1f} MB" for k, v in docs.items())
        print(f"built {sizes} in {time.perf_counter() - t:.0f} s; {os.cpu_count()} CPU(s), "
              f"load average {os.getloadavg()[0]:.2f}", flush=True)
        runs = [("page20k", 120, 2048), ("txt300", 120, 2048), ("rows100k", 120, 2048),
                ("txt300", 0, 16384), ("rows100k", 0, 16384)]
        worst = 0.0
        for name, timeout, memory_mb in runs:
            got = _run(name, docs[name], tmp, timeout, memory_mb)
            worst = max(worst, got["parent_mb"])
            assert got["statuses"].get("ok", 0) >= 1, f"{name}: the good report beside it was not stored"
        seg = tmp / "25000 segments.pdf"
        build_segments_pdf(seg)
        print(f"segments25k: a page of 25,000 drawn segments extracted in {time_segments_page(seg):.1f} s "
              f"(was 54 s with all-against-all intersections)", flush=True)
        print(f"parent peak over all runs {worst:.0f} MB: target <= {PARENT_TARGET_MB} MB "
              f"{'met' if worst <= PARENT_TARGET_MB else 'NOT met'}; load average now {os.getloadavg()[0]:.2f}")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    if sys.argv[1:2] == ["--one"]:
        _one(sys.argv[2], sys.argv[3], float(sys.argv[4]), int(sys.argv[5]))
    else:
        main()
