"""Product pictures drawn locally, so the demo catalogue looks like a shop offline.

Each picture is a card: the product class's colour, a simple drawing of what
the class holds (a sack of dried vegetables, a box of fresh produce, a jar of
seeds, a hen, a bag of rice, a cut of meat), the product's name in large type
and, under it, the village it comes from. The name is written when the system
has a font that covers Chinese (fontconfig); otherwise the SKU stands in.
"""

import io
import shutil
import subprocess
from functools import lru_cache

from PIL import Image, ImageDraw, ImageFont

WIDTH, HEIGHT = 480, 360

# class slug → (background, drawing, accent)
PALETTES = {
    "dried-goods": ("#f3ead6", "#a0783f", "#5b7f3a"),
    "fresh-produce": ("#e6f0dc", "#5a3d28", "#6fa24a"),
    "medicinal-seeds": ("#f6ecdf", "#7a5b3a", "#b5412c"),
    "poultry": ("#fbf1e4", "#c4874a", "#b23a2a"),
    "grain-oil": ("#f7f2dc", "#c9a94f", "#7d6a2f"),
    "meat": ("#f7e4e0", "#a8372e", "#f0c4b8"),
}
DEFAULT_PALETTE = ("#eef2ea", "#2f6b3a", "#7aa95c")
INK = "#23321f"
SOFT_INK = "#5b6657"


@lru_cache(maxsize=1)
def _cjk_font_file() -> str | None:
    """A font file that can draw Chinese, found through fontconfig, if there is one."""
    if not shutil.which("fc-match"):
        return None
    try:
        out = subprocess.run(
            ["fc-match", "--format=%{file}", ":lang=zh-cn"],
            capture_output=True,
            text=True,
            timeout=5,
            check=False,
        ).stdout.strip()
        families = subprocess.run(
            ["fc-list", ":lang=zh-cn", "file"], capture_output=True, text=True, timeout=5
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    return out if out and out in families else None


@lru_cache(maxsize=8)
def _font(size: int, *, cjk: bool) -> ImageFont.ImageFont:
    path = _cjk_font_file() if cjk else None
    if path:
        return ImageFont.truetype(path, size)
    return ImageFont.load_default(size)


def _sack(draw, x, y, ink, accent):  # dried vegetables: a tied sack with a leaf
    draw.rounded_rectangle((x - 52, y - 30, x + 52, y + 62), radius=26, fill=ink)
    draw.polygon([(x - 26, y - 30), (x + 26, y - 30), (x + 14, y - 48), (x - 14, y - 48)], fill=ink)
    draw.line((x - 20, y - 34, x + 20, y - 34), fill="#3d2f1a", width=4)
    draw.ellipse((x - 16, y + 2, x + 28, y + 26), fill=accent)
    draw.line((x - 16, y + 14, x + 28, y + 14), fill="#2f4a1e", width=2)


def _box(draw, x, y, ink, accent):  # fresh produce: an open box of round corms
    draw.rectangle((x - 62, y + 4, x + 62, y + 62), fill="#b98a55", outline="#6b4a2f", width=3)
    for dx in (-40, -12, 16, 44):
        draw.ellipse((x + dx - 16, y - 22, x + dx + 12, y + 8), fill=ink)
        draw.line((x + dx - 2, y - 22, x + dx + 2, y - 34), fill=accent, width=4)
    draw.line((x - 62, y + 24, x + 62, y + 24), fill="#6b4a2f", width=2)


def _jar(draw, x, y, ink, accent):  # seeds: a jar with a label and seeds beside it
    draw.rectangle((x - 30, y - 50, x + 30, y - 36), fill=accent)
    draw.rounded_rectangle((x - 42, y - 36, x + 42, y + 62), radius=16, fill=ink)
    draw.rectangle((x - 42, y - 2, x + 42, y + 30), fill="#f6ecdf")
    for dx, dy in ((64, 40), (80, 52), (70, 60)):
        draw.ellipse((x + dx - 9, y + dy - 5, x + dx + 9, y + dy + 5), fill=ink)


def _hen(draw, x, y, ink, accent):  # poultry: a hen and an egg
    draw.ellipse((x - 56, y - 10, x + 30, y + 60), fill=ink)
    draw.ellipse((x + 6, y - 46, x + 46, y - 6), fill=ink)
    draw.polygon([(x + 46, y - 30), (x + 62, y - 24), (x + 46, y - 18)], fill="#e0a21b")
    draw.polygon([(x + 16, y - 46), (x + 24, y - 60), (x + 32, y - 46)], fill=accent)
    draw.ellipse((x + 28, y - 32, x + 34, y - 26), fill="#222222")
    draw.ellipse((x + 44, y + 26, x + 72, y + 62), fill="#f8efe0", outline="#c4874a", width=2)


def _rice(draw, x, y, ink, accent):  # grain: a bag of rice and ears of grain
    draw.rounded_rectangle(
        (x - 48, y - 40, x + 48, y + 62), radius=10, fill="#ffffff", outline=accent, width=3
    )
    draw.rectangle((x - 48, y - 8, x + 48, y + 24), fill=ink)
    for n in range(5):
        draw.ellipse((x - 30 + n * 13, y - 28, x - 22 + n * 13, y - 16), fill=accent)


def _meat(draw, x, y, ink, accent):  # meat: a cut with its marbling
    draw.ellipse((x - 62, y - 30, x + 62, y + 50), fill=ink)
    draw.ellipse((x - 30, y - 12, x + 10, y + 20), fill=accent)
    draw.ellipse((x + 18, y + 4, x + 40, y + 24), fill="#ffffff")


DRAWINGS = {
    "dried-goods": _sack,
    "fresh-produce": _box,
    "medicinal-seeds": _jar,
    "poultry": _hen,
    "grain-oil": _rice,
    "meat": _meat,
}


def _wrap(draw, text: str, font, width: int) -> list[str]:
    """Break a title into lines that fit ``width`` (Chinese breaks anywhere; spaces first)."""
    lines, line = [], ""
    for char in text:
        trial = line + char
        if line and draw.textlength(trial, font=font) > width:
            cut = line.rfind(" ")
            if cut > 0:
                lines.append(line[:cut])
                line = line[cut + 1 :] + char
            else:
                lines.append(line)
                line = char.lstrip()
        else:
            line = trial
    if line:
        lines.append(line)
    return lines[:2]


@lru_cache(maxsize=256)
def product_image_png(*, title: str, sku: str, class_slug: str, village: str = "") -> bytes:
    """A deterministic picture for a product (same inputs, same bytes)."""
    background, ink, accent = PALETTES.get(class_slug, DEFAULT_PALETTE)
    image = Image.new("RGB", (WIDTH, HEIGHT), background)
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, WIDTH, 10), fill=accent)
    DRAWINGS.get(class_slug, _sack)(draw, WIDTH // 2, 112, ink, accent)
    has_cjk = _cjk_font_file() is not None
    name_font = _font(34, cjk=has_cjk)
    y = 214
    for line in _wrap(draw, title if has_cjk else sku, name_font, WIDTH - 48):
        draw.text((24, y), line, fill=INK, font=name_font)
        y += 44
    if village and has_cjk:
        draw.text((24, HEIGHT - 40), f"太保镇 · {village}", fill=SOFT_INK, font=_font(22, cjk=True))
    draw.text((WIDTH - 24, HEIGHT - 36), sku, fill=SOFT_INK, font=_font(16, cjk=False), anchor="ra")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()
