"""Product pictures drawn locally, so the demo catalogue looks like a shop offline.

Each product class has its colours and a motif (leaves for dried vegetables,
round corms for water chestnuts, seeds, eggs, grains …). The product's name
is written on it when the system has a font that covers Chinese.
"""

import hashlib
import io
import random
import shutil
import subprocess
from functools import lru_cache

from PIL import Image, ImageDraw, ImageFont

WIDTH, HEIGHT = 480, 360

PALETTES = {
    "dried-goods": ("#e9dcc0", "#8a6d3b", "#5b7f3a"),
    "fresh-produce": ("#e3efd9", "#6b4a2f", "#c9a13b"),
    "medicinal-seeds": ("#f3e6d3", "#6e5a3a", "#b5412c"),
    "poultry": ("#f5ede2", "#c0894f", "#8e3b2e"),
    "grain-oil": ("#f6f1de", "#d8c691", "#9a8a4f"),
    "meat": ("#f4e1de", "#a23b32", "#e9b9ae"),
}
DEFAULT_PALETTE = ("#eef2ea", "#5b7f3a", "#8a6d3b")


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


def _motif(draw: ImageDraw.ImageDraw, rng: random.Random, class_slug: str, ink: str, accent: str):
    for _ in range(14):
        x = rng.randint(20, WIDTH - 20)
        y = rng.randint(20, HEIGHT - 110)
        r = rng.randint(14, 34)
        if class_slug == "dried-goods":  # leaves
            draw.ellipse((x - r, y - r // 3, x + r, y + r // 3), fill=rng.choice((ink, accent)))
            draw.line((x - r, y, x + r, y), fill="#3d2f1a", width=2)
        elif class_slug == "fresh-produce":  # corms and roots
            draw.ellipse((x - r, y - r * 3 // 4, x + r, y + r * 3 // 4), fill=ink)
            draw.line((x, y - r * 3 // 4, x + 4, y - r), fill=accent, width=4)
        elif class_slug == "medicinal-seeds":  # seeds
            draw.ellipse((x - r // 2, y - r // 4, x + r // 2, y + r // 4), fill=ink, outline=accent)
        elif class_slug == "poultry":  # eggs
            draw.ellipse((x - r * 2 // 3, y - r, x + r * 2 // 3, y + r), fill=ink, outline=accent)
        elif class_slug == "grain-oil":  # grains
            draw.ellipse((x - r // 3, y - r // 6, x + r // 3, y + r // 6), fill=accent)
        else:
            draw.rounded_rectangle((x - r, y - r // 2, x + r, y + r // 2), radius=8, fill=ink)


@lru_cache(maxsize=256)
def product_image_png(*, title: str, sku: str, class_slug: str) -> bytes:
    """A deterministic picture for a product (same inputs, same bytes)."""
    background, ink, accent = PALETTES.get(class_slug, DEFAULT_PALETTE)
    seed = int.from_bytes(hashlib.sha256(sku.encode()).digest()[:8], "big")
    rng = random.Random(seed)
    image = Image.new("RGB", (WIDTH, HEIGHT), background)
    draw = ImageDraw.Draw(image)
    _motif(draw, rng, class_slug, ink, accent)
    draw.rectangle((0, HEIGHT - 96, WIDTH, HEIGHT), fill="#ffffffdd")
    has_cjk = _cjk_font_file() is not None
    name = title if has_cjk else sku
    draw.text((18, HEIGHT - 86), name, fill="#2b2b2b", font=_font(30, cjk=has_cjk))
    draw.text((18, HEIGHT - 38), sku, fill="#6b6b6b", font=_font(20, cjk=False))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()
