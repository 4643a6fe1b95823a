"""Readable product URLs: pinyin slugs, the SKU as a fallback, collisions, 301s from old links."""

import importlib

import pytest
from django.apps import apps as django_apps
from oscar.core.loading import get_model
from oscar.core.utils import slugify

from catalog.slugs import pinyin_slugify, product_slug

Product = get_model("catalogue", "Product")
ProductClass = get_model("catalogue", "ProductClass")


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("芥菜干 500克袋装", "jiecaigan-500kedaizhuang"),
        ("马蹄粉", "matifen"),
        ("太保菜干礼盒 2千克(4袋)", "taibaocaiganlihe-2qianke-4dai"),
        ("马蹄 2.5千克箱装", "mati-2-5qiankexiangzhuang"),
        ("冷鲜土鸡 约1.5千克/只", "lengxiantuji-yue1-5qianke-zhi"),
        ("土鸡蛋 30枚装", "tujidan-30meizhuang"),
        ("瓜蒌籽（生）500g", "gualouzi-sheng-500g"),
        ("Organic 生姜", "organic-shengjiang"),
        ("★★★", ""),
    ],
)
def test_chinese_names_digits_and_units_become_readable_ascii_slugs(name, slug):
    assert pinyin_slugify(name) == slug
    assert slugify(name) == slug  # Oscar's own slugify goes through it (OSCAR_SLUG_FUNCTION)


def test_a_very_long_name_is_cut_without_a_trailing_dash():
    slug = pinyin_slugify("马蹄" * 200)
    assert 0 < len(slug) <= 96 and not slug.endswith("-")


def test_a_name_with_nothing_to_spell_falls_back_to_the_sku():
    assert product_slug(title="★", sku="TB-MT-2500", taken=lambda s: False) == "tb-mt-2500"


def test_a_slug_already_taken_gets_the_sku():
    taken = {"mati-5qiankexiangzhuang"}.__contains__
    assert (
        product_slug(title="马蹄 5千克箱装", sku="TB-MT-5000", taken=taken)
        == "mati-5qiankexiangzhuang-tb-mt-5000"
    )
    assert product_slug(title="马蹄 5千克箱装", sku="X-1", taken=lambda s: False) == (
        "mati-5qiankexiangzhuang"
    )


@pytest.mark.django_db
def test_two_products_with_one_name_get_different_slugs_and_urls():
    product_class = ProductClass.objects.create(name="鲜品", slug="fresh")
    first = Product.objects.create(
        title="马蹄 5千克箱装", upc="TB-MT-5000", product_class=product_class
    )
    second = Product.objects.create(
        title="马蹄 5千克箱装", upc="XY-MT-5", product_class=product_class
    )
    assert first.slug == "mati-5qiankexiangzhuang"
    assert second.slug == "mati-5qiankexiangzhuang-xy-mt-5"
    assert first.get_absolute_url() == f"/catalogue/mati-5qiankexiangzhuang_{first.pk}/"


@pytest.mark.django_db
def test_old_links_redirect_permanently_to_the_pinyin_url(client, demo_world):
    product = Product.objects.get(upc="TB-CG-JC-500")
    assert product.slug == "jiecaigan-500kedaizhuang"
    old = f"/catalogue/u82a5u83dcu5e72-500u514bu888bu88c5_{product.pk}/"
    response = client.get(old)
    assert response.status_code == 301
    assert response["Location"] == f"/catalogue/jiecaigan-500kedaizhuang_{product.pk}/"
    assert client.get(response["Location"]).status_code == 200


@pytest.mark.django_db
def test_the_migration_reslugs_products_saved_with_oscars_escaped_slugs():
    product_class = ProductClass.objects.create(name="干货", slug="dried")
    product = Product.objects.create(
        title="芥菜干 500克袋装", upc="TB-CG-JC-500", product_class=product_class
    )
    twin = Product.objects.create(
        title="芥菜干 500克袋装", upc="OTHER-1", product_class=product_class
    )
    Product.objects.filter(pk__in=[product.pk, twin.pk]).update(
        slug="u82a5u83dcu5e72-500u514bu888bu88c5"
    )
    migration = importlib.import_module("catalog.migrations.0035_product_slugs_in_pinyin")
    migration.products_reslug(django_apps, None)
    product.refresh_from_db()
    twin.refresh_from_db()
    assert product.slug == "jiecaigan-500kedaizhuang"
    assert twin.slug == "jiecaigan-500kedaizhuang-other-1"
