"""Draw the app icons (web app manifest, iOS home screen) from the favicon's own shapes, at every size they are
needed: `.venv/bin/python scripts/make_icons.py` writes quillium_site/static/quillium/icons/. Pillow can't read SVG,
so the shapes are read from favicon.svg's path (the commands it uses: M, c, l, z) and drawn 4× larger, then
scaled down for smooth edges."""

from __future__ import annotations

import re
from pathlib import Path

from PIL import Image, ImageDraw

ROOT = Path(__file__).resolve().parent.parent
STATIC = ROOT / "quillium_site" / "static" / "quillium"
BLUE = "#3b5bdb"
SIZES = {"icon-192.png": (192, False), "icon-512.png": (512, False), "maskable-512.png": (512, True),
         "apple-touch-icon.png": (180, True)}  # fmt: skip


def quill(svg: str) -> list[tuple[float, float]]:
    """The quill's outline in the favicon's 32×32 units, Bézier curves sampled into points."""
    path = re.search(r'<path d="([^"]+)"', svg).group(1)  # type: ignore[union-attr]
    tokens = re.findall(r"[MmCcLlZz]|-?\d*\.?\d+", path)
    points: list[tuple[float, float]] = []
    x = y = 0.0
    command = ""
    numbers: list[float] = []

    def flush() -> None:
        nonlocal x, y
        while numbers:
            if command == "M":
                x, y = numbers.pop(0), numbers.pop(0)
                points.append((x, y))
            elif command in "lL":
                dx, dy = numbers.pop(0), numbers.pop(0)
                x, y = (x + dx, y + dy) if command == "l" else (dx, dy)
                points.append((x, y))
            elif command == "c":
                c1x, c1y, c2x, c2y, ex, ey = (numbers.pop(0) for _ in range(6))
                start = (x, y)
                for step in range(1, 25):
                    t = step / 24
                    u = 1 - t
                    px = u**3 * start[0] + 3 * u * u * t * (x + c1x) + 3 * u * t * t * (x + c2x) + t**3 * (x + ex)
                    py = u**3 * start[1] + 3 * u * u * t * (y + c1y) + 3 * u * t * t * (y + c2y) + t**3 * (y + ey)
                    points.append((px, py))
                x, y = x + ex, y + ey
            else:
                raise ValueError(f"favicon.svg uses a path command this script can't draw: {command}")

    for token in tokens:
        if token.isalpha():
            flush()
            command = token
        else:
            numbers.append(float(token))
    flush()
    return points


def draw(size: int, maskable: bool, outline: list[tuple[float, float]]) -> Image.Image:
    scale = 4
    big = size * scale
    image = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    canvas = ImageDraw.Draw(image)
    if maskable:  # full bleed: the platform cuts its own shape; the quill stays in the middle 80 %
        canvas.rectangle((0, 0, big, big), fill=BLUE)
        unit, offset = big * 0.8 / 32, big * 0.1
    else:
        canvas.rounded_rectangle((0, 0, big - 1, big - 1), radius=big * 7 / 32, fill=BLUE)
        unit, offset = big / 32, 0.0
    canvas.polygon([(offset + px * unit, offset + py * unit) for px, py in outline], fill="white")
    return image.resize((size, size), Image.Resampling.LANCZOS)


def main() -> None:
    outline = quill((STATIC / "favicon.svg").read_text())
    for name, (size, maskable) in SIZES.items():
        icon = draw(size, maskable, outline)
        if name == "apple-touch-icon.png":  # iOS shows transparency as black
            icon = icon.convert("RGB")
        icon.save(STATIC / "icons" / name, optimize=True)
        print(f"wrote icons/{name} ({size}×{size})")


if __name__ == "__main__":
    main()
