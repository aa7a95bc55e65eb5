"""The page picture of `ita debug`: pypdfium2 renders the page, Pillow draws on it what
``pdf_debug.read_page_view`` kept (the extractor's own page model, grids and blocks).

Display space (points, origin top-left, after /Rotate: the page model's) maps to pixels
through the page's crop box, which is what pdfium renders.
"""
from __future__ import annotations

from typing import Iterable

from extractors.pdf_debug import PageView, TablePart
from extractors.pdf_grid import GridCell
from extractors.pdf_page import _Space

MAX_PIXELS = 36_000_000          # larger pictures are refused (A4 at --scale 8, ~110 MB in memory)
COLOURS = {
    "rule": (220, 30, 30),       # ruling line (merged rule)
    "dashed": (255, 140, 0),     # dashed or dotted rule
    "fill": (255, 200, 0),       # filled rectangle (shading)
    "rules": (30, 90, 230),      # cell of a grid from ruling lines
    "text": (0, 150, 70),        # cell of a grid from the text's layout
    "covered": (110, 110, 110),  # grid slot under another cell's span
    "paragraph": (150, 80, 200),
    "running": (230, 0, 160),    # running header/footer, page number
    "continued": (0, 140, 160),  # a table that goes on over a page break
}
LEGEND = (("rule", "ruling line"), ("dashed", "dashed/dotted rule"), ("fill", "fill (shading)"),
          ("rules", "cell, grid from rules"), ("text", "cell, grid from text layout"),
          ("span", "merged cell, rows x columns"), ("covered", "covered slot (under a span)"),
          ("paragraph", "paragraph"), ("running", "running header/footer"),
          ("continued", "table continues over a page"))


class PictureTooLarge(ValueError):
    pass


def _page(path: str, page_no: int):
    import pypdfium2 as pdfium
    doc = pdfium.PdfDocument(path)
    return doc, doc[page_no - 1]


def render_page(path: str, page_no: int, scale: float):
    """The page as pdfium draws it (RGB), and its mapping from display space to pixels."""
    doc, page = _page(path, page_no)
    try:
        space = _Space(page)
        cx0, ctop, cx1, cbottom = space.box(*page.get_cropbox())
        w, h = (cx1 - cx0) * scale, (cbottom - ctop) * scale
        if w * h > MAX_PIXELS:
            raise PictureTooLarge(f"--scale {scale:g} makes a {w:.0f} x {h:.0f} picture: use a smaller scale")
        img = page.render(scale=scale).to_pil().convert("RGB")
    finally:
        page.close()
        doc.close()
    sx, sy = img.width / max(1e-6, cx1 - cx0), img.height / max(1e-6, cbottom - ctop)

    def px(x: float, y: float) -> tuple[float, float]:
        return (x - cx0) * sx, (y - ctop) * sy
    return img, px


class _Pen:
    """Drawing in display-space coordinates on an RGBA layer."""

    def __init__(self, img, px, scale: float):
        from PIL import Image, ImageDraw, ImageFont
        self.layer = Image.new("RGBA", img.size, (0, 0, 0, 0))
        self.d = ImageDraw.Draw(self.layer)
        self.px = px
        self.w = max(1, round(0.7 * scale))          # a hairline, in pixels
        self.font = ImageFont.load_default(size=max(10, round(6 * scale)))
        self.small = ImageFont.load_default(size=max(9, round(5 * scale)))

    def box(self, b, inset: float = 0.0) -> tuple[float, float, float, float]:
        (x0, y0), (x1, y1) = self.px(b[0], b[1]), self.px(b[2], b[3])
        x0, x1 = sorted((x0, x1))
        y0, y1 = sorted((y0, y1))
        k = min(inset, (x1 - x0) / 3, (y1 - y0) / 3)
        return x0 + k, y0 + k, x1 - k, y1 - k

    def rect(self, b, colour, width: int = 0, inset: float = 0.0, fill=None) -> None:
        self.d.rectangle(self.box(b, inset), outline=colour + (255,), width=width or self.w, fill=fill)

    def line(self, p, q, colour, width: int = 0) -> None:
        self.d.line([self.px(*p), self.px(*q)], fill=colour + (255,), width=width or self.w)

    def dashed(self, p, q, colour, width: int = 0) -> None:
        (x0, y0), (x1, y1) = self.px(*p), self.px(*q)
        length = max(abs(x1 - x0), abs(y1 - y0))
        dash, gap = 4 * self.w, 3 * self.w
        t = 0.0
        while t < length:
            a, b = t / length, min(t + dash, length) / length
            self.d.line([(x0 + a * (x1 - x0), y0 + a * (y1 - y0)), (x0 + b * (x1 - x0), y0 + b * (y1 - y0))],
                        fill=colour + (255,), width=width or self.w)
            t += dash + gap

    def hatch(self, b, colour) -> None:
        """45-degree lines across the box (a covered slot)."""
        x0, y0, x1, y1 = self.box(b, 2 * self.w)
        w, h, step = x1 - x0, y1 - y0, 5 * self.w
        k = -h
        while k < w:
            t0, t1 = max(0.0, -k), min(h, w - k)
            if t1 > t0:
                self.d.line([(x0 + k + t0, y0 + t0), (x0 + k + t1, y0 + t1)], fill=colour + (150,), width=1)
            k += step

    def label(self, xy, text: str, colour, above: bool = False, right: bool = False, font=None) -> None:
        """Text on white at ``xy`` (its top-left; with ``above``/``right`` its bottom/right)."""
        x, y = xy
        font = font or self.font
        l, t, r, b = self.d.textbbox((0, 0), text, font=font)
        pad = self.w
        if above:
            y -= (b - t) + 2 * pad
        if right:
            x -= (r - l) + 2 * pad
        x = min(max(0, x), self.layer.width - (r - l) - 2 * pad)
        y = min(max(0, y), self.layer.height - (b - t) - 2 * pad)
        self.d.rectangle((x, y, x + (r - l) + 2 * pad, y + (b - t) + 2 * pad), fill=(255, 255, 255, 230),
                         outline=colour + (255,), width=1)
        self.d.text((x + pad - l, y + pad - t), text, font=font, fill=colour + (255,))


def _slots(c: GridCell, grid) -> Iterable[tuple[float, float, float, float]]:
    """The grid positions a spanning cell covers, but its own top-left one."""
    for r in range(c.r0, c.r1):
        xs = grid.row_xs[r] if grid.row_xs else grid.xs
        for k in range(c.c0, c.c1):
            if (r, k) != (c.r0, c.c0):
                yield xs[k], grid.ys[r], xs[k + 1], grid.ys[r + 1]


def _table(pen: _Pen, part: TablePart) -> None:
    g = part.grid
    colour = COLOURS[g.source if g.source in COLOURS else "rules"]
    for c in g.cells:
        spans = c.row_span > 1 or c.col_span > 1
        if spans:
            for slot in _slots(c, g):
                pen.hatch(slot, COLOURS["covered"])
        pen.rect(c.bbox, colour, width=3 * pen.w if spans else pen.w, inset=2 * pen.w)
        if spans:
            x0, y0, _, _ = pen.box(c.bbox, 3 * pen.w)
            pen.label((x0, y0), f"{c.row_span}x{c.col_span}", colour)
    x0, top, x1, bottom = g.bbox
    pen.label(pen.px(x0, top), f"table {part.number or '?'}: {g.source}, {g.n_cols} x {g.n_rows}", colour,
              above=True)
    if part.from_page:
        pen.line((x0, top), (x1, top), COLOURS["continued"], width=3 * pen.w)
        pen.label(pen.px(x1, top), f"continues from page {part.from_page}", COLOURS["continued"],
                  above=True, right=True)
    if part.next_page:
        pen.line((x0, bottom), (x1, bottom), COLOURS["continued"], width=3 * pen.w)
        lx, ly = pen.px(x1, bottom)
        pen.label((lx, ly + pen.w), f"continues on page {part.next_page}", COLOURS["continued"], right=True)


def _legend(pen: _Pen, view: PageView) -> None:
    """In the corner with the fewest drawn boxes."""
    rows = [(COLOURS.get(k, COLOURS["rules"]), k, text) for k, text in LEGEND]
    font = pen.small
    lh = max(pen.d.textbbox((0, 0), t, font=font)[3] for *_, t in rows) + 2 * pen.w
    width = max(pen.d.textlength(t, font=font) for *_, t in rows) + 2 * lh
    height = lh * len(rows) + 2 * pen.w
    W, H = pen.layer.size
    boxes = [pen.box(p.grid.bbox) for p in view.parts] + [pen.box(p.bbox) for p in view.paragraphs if p.bbox]

    def crowd(x, y):
        return sum(max(0, min(x + width, b[2]) - max(x, b[0])) * max(0, min(y + height, b[3]) - max(y, b[1]))
                   for b in boxes)
    m = 4 * pen.w
    x, y = min(((m, m), (W - width - m, m), (m, H - height - m), (W - width - m, H - height - m)),
               key=lambda c: crowd(*c))
    pen.d.rectangle((x, y, x + width, y + height), fill=(255, 255, 255, 235), outline=(0, 0, 0, 255), width=1)
    for i, (colour, kind, text) in enumerate(rows):
        ty = y + pen.w + i * lh
        sw = (x + lh // 3, ty + lh // 4, x + 4 * lh // 3, ty + 3 * lh // 4)
        if kind == "dashed":
            pen.d.line((sw[0], (sw[1] + sw[3]) / 2, (sw[0] + sw[2]) / 2 - 1, (sw[1] + sw[3]) / 2), fill=colour, width=2)
        elif kind == "covered":
            pen.d.rectangle(sw, outline=colour, width=1)
            pen.d.line((sw[0], sw[1], sw[2], sw[3]), fill=colour, width=1)
        elif kind == "span":
            pen.d.rectangle(sw, outline=colour, width=3)
        elif kind == "fill":
            pen.d.rectangle(sw, fill=colour + (90,), outline=colour)
        else:
            pen.d.rectangle(sw, outline=colour, width=2)
        pen.d.text((x + 5 * lh // 3, ty), text, font=font, fill=(0, 0, 0, 255))


def draw_page(view: PageView, scale: float = 2.0):
    """The page picture with what the extractor saw drawn on it (an RGB PIL image)."""
    from PIL import Image
    img, px = render_page(view.path, view.page_no, scale)
    pen = _Pen(img, px, scale)
    m = view.model
    for f in m.fills:
        pen.rect((f.x0, f.top, f.x1, f.bottom), COLOURS["fill"], fill=COLOURS["fill"] + (70,))
    for p in view.paragraphs:
        if p.bbox:
            pen.rect(p.bbox, COLOURS["running" if p.role == "running" else "paragraph"], inset=-pen.w)
            if p.role == "running":
                x1, top = px(p.bbox[2], p.bbox[1])
                pen.label((x1 + 2 * pen.w, top), "running", COLOURS["running"])
    for r in m.hrules + m.vrules:
        ends = ((r.a, r.pos), (r.b, r.pos)) if r.orient == "h" else ((r.pos, r.a), (r.pos, r.b))
        if r.dashed:
            pen.dashed(*ends, COLOURS["dashed"], width=2 * pen.w)
        else:
            pen.line(*ends, COLOURS["rule"], width=2 * pen.w)
    for part in view.parts:
        _table(pen, part)
    _legend(pen, view)
    return Image.alpha_composite(img.convert("RGBA"), pen.layer).convert("RGB")
