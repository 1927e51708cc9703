"""Draws the app's icons with Pillow (run again after changing the drawing):

    .venv/bin/python public/make_icons.py

A plant by a river on the header's dark blue: icon-192/512 (rounded corners), a maskable 512
(full bleed, the drawing inside the central 80 % safe zone), favicon.ico (16, 32, 48), the
same drawing as icon.svg and the podcast's 1400 px artwork."""
from pathlib import Path

from PIL import Image, ImageDraw

HERE = Path(__file__).resolve().parent.parent / "static" / "icons"
BLUE, WHITE, YELLOW = "#12263a", "#ffffff", "#ffbf47"


def shapes(scale, offset=0):
    """The drawing on a 100-unit grid: (kind, points, colour)."""
    def p(*xy):
        return [(offset + x * scale, offset + y * scale) for x, y in zip(xy[::2], xy[1::2])]
    return [
        ("polygon", p(22, 70, 22, 46, 34, 54, 34, 46, 46, 54, 46, 46, 58, 54, 58, 26, 68, 26, 68, 70), WHITE),  # plant
        ("ellipse", p(60, 10, 74, 22), WHITE), ("ellipse", p(68, 4, 84, 18), WHITE),  # steam
        ("polygon", p(14, 78, 30, 74, 46, 78, 62, 74, 78, 78, 86, 76, 86, 84, 78, 86, 62, 82, 46, 86, 30, 82, 14, 86), YELLOW),  # river
    ]


def draw(size, maskable=False):
    image = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    d = ImageDraw.Draw(image)
    if maskable:
        d.rectangle((0, 0, size, size), fill=BLUE)
        scale, offset = size * 0.7 / 100, size * 0.15
    else:
        d.rounded_rectangle((0, 0, size - 1, size - 1), radius=size // 6, fill=BLUE)
        scale, offset = size / 100, 0
    for kind, points, colour in shapes(scale, offset):
        if kind == "polygon":
            d.polygon(points, fill=colour)
        else:
            d.ellipse(points, fill=colour)
    return image


def svg():
    parts = []
    for kind, points, colour in shapes(1):
        if kind == "polygon":
            parts.append(f'<polygon fill="{colour}" points="{" ".join(f"{x:g},{y:g}" for x, y in points)}"/>')
        else:
            (x1, y1), (x2, y2) = points
            parts.append(f'<ellipse fill="{colour}" cx="{(x1 + x2) / 2:g}" cy="{(y1 + y2) / 2:g}" rx="{(x2 - x1) / 2:g}" ry="{(y2 - y1) / 2:g}"/>')
    return ('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 100">'
            f'<rect width="100" height="100" rx="16" fill="{BLUE}"/>' + "".join(parts) + "</svg>\n")


if __name__ == "__main__":
    draw(192).save(HERE / "icon-192.png", optimize=True)
    draw(512).save(HERE / "icon-512.png", optimize=True)
    draw(512, maskable=True).save(HERE / "icon-maskable-512.png", optimize=True)
    draw(180, maskable=True).convert("RGB").save(HERE / "apple-touch-icon.png", optimize=True)
    draw(256).save(HERE / "favicon.ico", sizes=[(16, 16), (32, 32), (48, 48)])
    (HERE / "icon.svg").write_text(svg())
    # The podcast's artwork (public/podcast.py): square, RGB, 1400 px as Apple's directory asks.
    draw(1400, maskable=True).convert("RGB").save(HERE / "podcast-1400.jpg", quality=88, optimize=True)
