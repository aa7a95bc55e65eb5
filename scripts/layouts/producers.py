"""Run the two PDF producers, and look at what they made.

Chromium prints HTML (Skia PDF backend); LibreOffice converts DOCX (its own PDF export). Each
run gets a fresh profile directory, so nothing depends on, or clashes with, a user's browser or
office profile.
"""
import shutil
import subprocess
import tempfile
from pathlib import Path

CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--no-pdf-header-footer"]


def chromium_pdf(html: Path, pdf: Path) -> None:
    exe = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
    if not exe:
        raise SystemExit("chromium not found (apt-get install chromium)")
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run([exe, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", f"--print-to-pdf={pdf}",
                        html.resolve().as_uri()], check=True, capture_output=True, timeout=180)
    if not pdf.exists() or pdf.stat().st_size == 0:
        raise SystemExit(f"chromium wrote no PDF for {html}")


def libreoffice_pdfs(docx: list[Path], outdir: Path) -> None:
    """Convert DOCX files to PDFs in outdir, one LibreOffice run for all."""
    exe = shutil.which("soffice") or shutil.which("libreoffice")
    if not exe:
        raise SystemExit("soffice not found (apt-get install libreoffice-writer)")
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run([exe, "--headless", f"-env:UserInstallation={Path(profile).as_uri()}",
                        "--convert-to", "pdf:writer_pdf_Export", "--outdir", str(outdir), *map(str, docx)],
                       check=True, capture_output=True, timeout=600)
    for f in docx:
        if not (outdir / f"{f.stem}.pdf").exists():
            raise SystemExit(f"LibreOffice wrote no PDF for {f}")


def missing_fonts(families: set[str]) -> list[str]:
    """Font families fontconfig does not know (a producer would silently substitute them)."""
    out = subprocess.run(["fc-list", ":", "family"], capture_output=True, text=True).stdout
    known = {name.strip() for line in out.splitlines() for name in line.split(",")}
    return sorted(f for f in families if f not in known)


def pdf_pages(pdf: Path) -> list[tuple[float, float, int]]:
    """(width, height, characters in the text layer) of each page."""
    import pypdfium2 as pdfium
    doc = pdfium.PdfDocument(str(pdf))
    try:
        out = []
        for page in doc:
            w, h = page.get_size()
            out.append((w, h, page.get_textpage().count_chars()))
        return out
    finally:
        doc.close()


def previews(pdf: Path, outdir: Path, scale: float = 0.8) -> list[Path]:
    """Every page of pdf as a PNG (to look at the layout)."""
    import pypdfium2 as pdfium
    outdir.mkdir(parents=True, exist_ok=True)
    doc = pdfium.PdfDocument(str(pdf))
    try:
        paths = []
        for i, page in enumerate(doc, 1):
            p = outdir / f"{pdf.stem}-p{i}.png"
            page.render(scale=scale).to_pil().save(p)
            paths.append(p)
        return paths
    finally:
        doc.close()
