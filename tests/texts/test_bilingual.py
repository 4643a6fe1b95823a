from django.utils import translation
from django.utils.translation import gettext_lazy as _

from texts.bilingual import bilingual


def test_two_texts_are_joined_chinese_first():
    assert bilingual("文件为空", "the file is empty") == "文件为空 / the file is empty"


def test_a_translatable_text_is_given_in_both_languages_whatever_the_active_one():
    with translation.override("en"):
        assert bilingual(_("Year")) == "年份 / Year"


def test_a_text_without_translation_is_said_once():
    assert bilingual(_("TB-MT-5000")) == "TB-MT-5000"
