"""Draw the application icon: resources/icons/caseapp.svg, .png (256) and .ico (16-256).

Why a script: the icon is a few shapes; keeping them as code lets anyone re-tint or resize it
without a drawing program. Run: .venv/bin/python tools/make_icon.py
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw

ICONS = Path(__file__).resolve().parent.parent / "resources" / "icons"
TEAL, TEAL_DARK, WHITE = (13, 148, 136), (15, 118, 110), (255, 255, 255)
SIZE = 512  # design grid; every coordinate below is in these units
CELL = (256, 256, 150)  # a cell: centre x, y and radius
NUCLEUS = 58
RECEPTORS = 6  # Y-shaped chimeric antigen receptors around the T cell


def _hex(rgb: tuple[int, int, int]) -> str:
    return "#{:02x}{:02x}{:02x}".format(*rgb)


Segment = tuple[float, float, float, float]


def _receptors() -> list[Segment]:
    """Three strokes per receptor: a stem out of the membrane and the two arms of the Y."""
    import math

    cx, cy, r = CELL
    out: list[Segment] = []
    for i in range(RECEPTORS):
        a = math.tau * i / RECEPTORS - math.pi / 2 + math.pi / RECEPTORS
        x1, y1 = cx + math.cos(a) * (r - 4), cy + math.sin(a) * (r - 4)
        x2, y2 = cx + math.cos(a) * (r + 34), cy + math.sin(a) * (r + 34)
        out.append((x1, y1, x2, y2))
        for side in (-0.6, 0.6):
            b = a + side
            out.append((x2, y2, x2 + math.cos(b) * 34, y2 + math.sin(b) * 34))
    return out


def svg() -> str:
    cx, cy, r = CELL
    parts = [
        '<svg xmlns="http://www.w3.org/2000/svg" width="512" height="512" viewBox="0 0 512 512">',
        "  <title>CaseApp</title>",
        '  <defs><linearGradient id="bg" x1="0" y1="0" x2="0" y2="1">'
        f'<stop offset="0" stop-color="{_hex(TEAL)}"/>'
        f'<stop offset="1" stop-color="{_hex(TEAL_DARK)}"/></linearGradient></defs>',
        '  <rect x="16" y="16" width="480" height="480" rx="104" fill="url(#bg)"/>',
    ]
    for x1, y1, x2, y2 in _receptors():
        parts.append(
            f'  <line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" '
            'stroke="#fff" stroke-width="20" stroke-linecap="round"/>'
        )
    parts += [
        f'  <circle cx="{cx}" cy="{cy}" r="{r}" fill="none" stroke="#fff" stroke-width="30"/>',
        # the cross inside the cell: care; its arms are the nucleus
        f'  <rect x="{cx - 26}" y="{cy - NUCLEUS - 20}" width="52" height="{2 * NUCLEUS + 40}" '
        'rx="12" fill="#fff"/>',
        f'  <rect x="{cx - NUCLEUS - 20}" y="{cy - 26}" width="{2 * NUCLEUS + 40}" height="52" '
        'rx="12" fill="#fff"/>',
        "</svg>",
    ]
    return "\n".join(parts) + "\n"


def raster(size: int) -> Image.Image:
    """Draw at 4x and scale down: Pillow's shapes are not anti-aliased on their own."""
    k = size * 4 / SIZE
    big = Image.new("RGBA", (size * 4, size * 4), (0, 0, 0, 0))
    d = ImageDraw.Draw(big)
    top, bottom = TEAL, TEAL_DARK
    grad = Image.new("RGBA", big.size)
    gd = ImageDraw.Draw(grad)
    for y in range(big.size[1]):
        t = y / max(1, big.size[1] - 1)
        gd.line(
            [(0, y), (big.size[0], y)],
            fill=tuple(round(a + (b - a) * t) for a, b in zip(top, bottom, strict=True)),
        )
    mask = Image.new("L", big.size, 0)
    ImageDraw.Draw(mask).rounded_rectangle(
        [16 * k, 16 * k, 496 * k, 496 * k], radius=104 * k, fill=255
    )
    big.paste(grad, (0, 0), mask)
    cx, cy, r = CELL
    small = size <= 24  # at 16 px receptors blur into noise: keep the cell and cross only
    if not small:
        w = 20 * k
        for x1, y1, x2, y2 in _receptors():
            d.line([(x1 * k, y1 * k), (x2 * k, y2 * k)], fill=WHITE, width=round(w))
            for x, y in ((x1, y1), (x2, y2)):  # round caps
                d.ellipse([x * k - w / 2, y * k - w / 2, x * k + w / 2, y * k + w / 2], fill=WHITE)
    ring = 30 if not small else 44
    d.ellipse([(cx - r - ring / 2) * k, (cy - r - ring / 2) * k, (cx + r + ring / 2) * k,
               (cy + r + ring / 2) * k], fill=WHITE)  # fmt: skip
    # refill the inside with the gradient to leave a ring
    inner = Image.new("L", big.size, 0)
    ImageDraw.Draw(inner).ellipse(
        [(cx - r + ring / 2) * k, (cy - r + ring / 2) * k, (cx + r - ring / 2) * k,
         (cy + r - ring / 2) * k], fill=255)  # fmt: skip
    big.paste(grad, (0, 0), inner)
    arm = 26 if not small else 34
    d.rounded_rectangle([(cx - arm) * k, (cy - NUCLEUS - 20) * k, (cx + arm) * k,
                         (cy + NUCLEUS + 20) * k], radius=12 * k, fill=WHITE)  # fmt: skip
    d.rounded_rectangle([(cx - NUCLEUS - 20) * k, (cy - arm) * k, (cx + NUCLEUS + 20) * k,
                         (cy + arm) * k], radius=12 * k, fill=WHITE)  # fmt: skip
    return big.resize((size, size), Image.Resampling.LANCZOS)


def main() -> None:
    ICONS.mkdir(parents=True, exist_ok=True)
    (ICONS / "caseapp.svg").write_text(svg(), encoding="utf-8")
    raster(256).save(ICONS / "caseapp.png", optimize=True)
    raster(512).save(ICONS / "caseapp-512.png", optimize=True)
    sizes = [16, 24, 32, 48, 64, 128, 256]
    images = [raster(s) for s in sizes]
    images[-1].save(ICONS / "caseapp.ico", sizes=[(s, s) for s in sizes], append_images=images)
    for s in (16, 32, 48, 64, 128):
        raster(s).save(ICONS / f"caseapp-{s}.png", optimize=True)


if __name__ == "__main__":
    main()
