"""Readable slugs for Chinese names: pinyin, one word per run of characters.

``芥菜干 500克袋装`` becomes ``jiecaigan-500kedaizhuang``: the words of a name
(split at spaces and punctuation) are spelled in toneless pinyin and joined
without spaces, so a shared link reads as the name does. A name with nothing
spellable falls back to the SKU; a slug another product already has gets the
SKU added. Product URLs keep their primary key, so old links (Oscar's escaped
slugs) still find the product, and Oscar's detail view answers them with a
301 to the new path.
"""

import re

from django.utils.text import slugify as django_slugify
from pypinyin import lazy_pinyin

MAX_LENGTH = 96
WORD_BREAK = re.compile(r"[\W_]+")  # \w holds Chinese characters, letters and digits


def pinyin_slugify(value, allow_unicode: bool = False) -> str:
    """OSCAR_SLUG_FUNCTION: a lower-case ASCII slug, Chinese spelled in pinyin."""
    words = ["".join(lazy_pinyin(word)) for word in WORD_BREAK.split(str(value)) if word]
    slug = django_slugify("-".join(words))[:MAX_LENGTH].strip("-")
    return slug


def product_slug(*, title: str, sku: str, taken) -> str:
    """The slug of a product: pinyin of its title, the SKU when that is empty or ``taken``.

    ``taken(slug)`` says whether another product already has ``slug``.
    """
    from_sku = pinyin_slugify(sku)
    slug = pinyin_slugify(title) or from_sku
    if slug and from_sku and slug != from_sku and taken(slug):
        slug = f"{slug[: MAX_LENGTH - len(from_sku) - 1]}-{from_sku}"
    return slug
