"""Messages in Chinese and English, whatever the page's language.

Bad input is named in both languages (DESIGN.md, invariant 6): a buyer's
spreadsheet, a seller's lot sheet or a household's ID number gets one message
that the work team and a foreign buyer can both read.
"""

from django.utils import translation
from django.utils.functional import Promise


def bilingual(text: str | Promise, english: str | None = None) -> str:
    """The message as "中文 / English".

    Either both texts, ``bilingual("文件为空", "the file is empty")``, or one
    translatable text, ``bilingual(_("the file is empty"))``, rendered in
    Chinese and in English (once when they are the same).
    """
    if english is not None:
        return f"{text} / {english}"
    with translation.override("zh-hans"):
        chinese = str(text)
    with translation.override("en"):
        in_english = str(text)
    return chinese if chinese == in_english else f"{chinese} / {in_english}"
