import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from oscar.core.loading import get_model
from oscar.test.factories import ProductFactory, StockRecordFactory

from farmers.models import Village
from testing.factories import SellerFactory, VillageFactory

Product = get_model("catalogue", "Product")
Category = get_model("catalogue", "Category")
ProductClass = get_model("catalogue", "ProductClass")

LANGUAGES = {"zh-hans": 'lang="zh-hans"', "en": 'lang="en"'}


def get(client, url, language):
    return client.get(url, HTTP_ACCEPT_LANGUAGE=language)


def visitor_pages():
    water_chestnut = Product.objects.get(upc="TB-MT-2500")
    fresh = Category.objects.get(slug="fresh-produce")
    return {
        "home": "/",
        "catalogue": "/catalogue/",
        "category": fresh.get_absolute_url(),
        "product": water_chestnut.get_absolute_url(),
        "search": "/search/?q=马蹄",
        "basket": "/basket/",
        "login": "/accounts/login/",
    }


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_visitor_page_renders_with_demo_data(client, demo_world, language):
    for name, url in visitor_pages().items():
        response = get(client, url, language)
        assert response.status_code == 200, (name, url, response.status_code)
        html = response.content.decode()
        assert LANGUAGES[language] in html, (name, language)


def test_pages_speak_the_chosen_language(client, demo_world):
    product_url = Product.objects.get(upc="TB-MT-2500").get_absolute_url()
    zh = get(client, product_url, "zh-hans").content.decode()
    en = get(client, product_url, "en").content.decode()
    assert "/斤" in zh and "产地" in zh
    assert "/jin" in en and "Origin" in en


def test_catalogue_lists_every_demo_product_with_origin_seller_and_weight_prices(
    client, demo_world
):
    html = get(client, "/catalogue/", "zh-hans").content.decode()
    for product in Product.objects.all():
        assert product.title in html
    assert "莲塘村" in html and "丰乐蔬菜种植农民专业合作社" in html
    # 马蹄 2.5 kg box at ¥30: ¥12.00 per kg, ¥6.00 per jin
    assert "¥12.00/kg" in html and "¥6.00/斤" in html


def test_product_page_shows_what_a_produce_buyer_needs(client, demo_world):
    product = Product.objects.get(upc="TB-DM-5000")
    html = get(client, product.get_absolute_url(), "en").content.decode()
    for fact in (
        "¥45.00",
        "¥9.00/kg",
        "¥4.50/jin",
        "沙坪村",
        "太保镇消费帮扶馆",
        "TB-DM-5000",
        product.storage,
        product.harvest_season,
        product.certificate_number,
        product.trace_code,
    ):
        assert fact in html, fact
    assert "365" in html  # shelf life in days


def titles(response):
    return {product.title for product in response.context["products"]}


def test_search_finds_products_by_any_chinese_substring(client, demo_world):
    found = titles(get(client, "/search/?q=马蹄", "zh-hans"))
    assert found == {"马蹄 2.5千克箱装", "马蹄 5千克箱装", "马蹄粉 500克袋装"}
    assert titles(get(client, "/search/?q=蹄粉", "zh-hans")) == {"马蹄粉 500克袋装"}
    assert titles(get(client, "/search/?q=瓜蒌", "zh-hans")) == {
        "瓜蒌籽(生) 500克袋装",
        "炒瓜蒌籽 250克罐装",
    }


def test_search_by_sku_and_by_several_words(client, demo_world):
    assert titles(get(client, "/search/?q=tb-sj-2500", "en")) == {"生姜 2.5千克箱装"}
    assert titles(get(client, "/search/?q=大米 10千克", "en")) == {"太保大米 10千克袋装"}
    assert titles(get(client, "/search/?q=榴莲", "en")) == set()


def test_filters_by_class_village_and_seller(client, demo_world):
    poultry = titles(get(client, "/catalogue/?product_class=poultry", "en"))
    assert poultry == {"冷鲜土鸡 约1.5千克/只", "冷鲜麻鸭 约2千克/只", "土鸡蛋 30枚装"}

    wangdong = Product.objects.filter(origin_village__name="旺洞村")
    village_id = wangdong.first().origin_village_id
    assert titles(get(client, f"/catalogue/?village={village_id}", "en")) == {
        p.title for p in wangdong
    }

    fengle = Product.objects.filter(seller__partner__name="丰乐蔬菜种植农民专业合作社").first()
    shangping = Village.objects.get(name="上坪村")
    combined = titles(
        get(client, f"/catalogue/?seller={fengle.seller_id}&village={shangping.pk}", "en")
    )
    assert combined == {"芥菜干 500克袋装", "萝卜干 500克袋装", "太保菜干礼盒 2千克(4袋)"}


def test_facet_counts_follow_the_other_filters(client, demo_world):
    response = get(client, "/catalogue/?product_class=fresh-produce", "en")
    villages = {facet.label: facet.count for facet in response.context["facets"]["village"]}
    assert villages == {"莲塘村": 3}


def test_category_page_lists_its_products_only(client, demo_world):
    dried = Category.objects.get(slug="dried-goods")
    assert len(titles(get(client, dried.get_absolute_url(), "en"))) == 5


def test_nonsense_filters_are_ignored_not_errors(client, demo_world):
    response = get(client, "/catalogue/?village=abc&seller=-1&sort=bogus&page=1", "en")
    assert response.status_code == 200
    assert len(response.context["products"]) == 16


def test_sort_by_price(client, demo_world):
    response = get(client, "/catalogue/?sort=price_asc", "en")
    prices = [p.unit_price_shown for p in response.context["products"]]
    assert prices == sorted(prices)


def _more_products(count: int) -> None:
    seller = SellerFactory()
    village = VillageFactory()
    product_class = ProductClass.objects.get(slug="dried-goods")
    for i in range(count):
        product = ProductFactory(
            title=f"测试菜干 {i}",
            product_class=product_class,
            origin_village=village,
            seller=seller,
            net_weight_g=500,
            stockrecords=None,
            categories=None,
        )
        StockRecordFactory(product=product, partner=seller.partner, price_currency="CNY")


@pytest.mark.parametrize("page_size", [5, 24, 60])
def test_catalogue_page_costs_a_fixed_number_of_queries(client, demo_world, settings, page_size):
    _more_products(60)
    settings.OSCAR_PRODUCTS_PER_PAGE = page_size
    get(client, "/catalogue/", "en")  # warm the session and site caches
    with CaptureQueriesContext(connection) as queries:
        response = get(client, "/catalogue/", "en")
    assert response.content.decode().count('class="product_pod') == page_size  # a kept page
    assert len(queries) <= 15, [q["sql"][:120] for q in queries]


def test_query_count_does_not_grow_with_page_size(client, demo_world, settings):
    _more_products(60)
    counts = []
    for page_size in (5, 60):
        settings.OSCAR_PRODUCTS_PER_PAGE = page_size
        get(client, "/catalogue/?q=菜干", "en")
        with CaptureQueriesContext(connection) as queries:
            get(client, "/catalogue/?q=菜干", "en")
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_a_buyers_paired_village_comes_first_and_is_marked(client, demo_world):
    from oscar.test.factories import UserFactory

    from shop.models import Enterprise, EnterpriseMember

    buyer = UserFactory()
    EnterpriseMember.objects.create(
        enterprise=Enterprise.objects.get(name="广州雄业物流有限公司"), user=buyer
    )
    client.force_login(buyer)
    response = get(client, "/catalogue/?sort=price_asc", "zh-hans")
    products = list(response.context["products"])
    shangping = Village.objects.get(name="上坪村").pk
    paired = [p.origin_village_id == shangping for p in products]
    assert paired == sorted(paired, reverse=True)  # 上坪村 first, then the rest by price
    assert sum(paired) == 4
    assert response.content.decode().count("farm-paired") == 4
    rest = [p.unit_price_shown for p in products if p.origin_village_id != shangping]
    assert rest == sorted(rest)


def test_visitors_see_no_pairing(client, demo_world):
    html = get(client, "/catalogue/", "zh-hans").content.decode()
    assert "farm-paired" not in html


def test_cards_put_the_minimum_quantity_in_the_basket(client, demo_world):
    from shop.models import PurchaseTerms

    terms = PurchaseTerms.objects.select_related("stockrecord").filter(min_quantity__gt=1).first()
    assert terms is not None, "the demo has products sold by the case"
    response = get(client, f"/catalogue/?q={terms.stockrecord.partner_sku}", "en")
    html = response.content.decode()
    assert f'name="quantity" value="{terms.min_quantity}"' in html


def test_huge_ids_in_filters_are_ignored(client, demo_world):
    response = get(
        client, "/catalogue/?village=99999999999999999999&seller=99999999999999999999", "en"
    )
    assert response.status_code == 200 and len(response.context["products"]) == 16


def test_the_category_menu_is_cached_and_follows_category_changes(client, demo_world):
    from oscar.apps.catalogue.categories import create_from_breadcrumbs

    get(client, "/catalogue/", "zh-hans")  # renders and caches the menu
    with CaptureQueriesContext(connection) as queries:
        html = get(client, "/basket/", "zh-hans").content.decode()
    assert not [q for q in queries if "catalogue_category" in q["sql"]]  # from the cache
    fresh = Category.objects.get(slug="fresh-produce")
    assert fresh.get_absolute_url() in html

    fresh.name = "时令鲜货"  # renamed: every language's menu is rendered afresh
    fresh.save()
    added = create_from_breadcrumbs("山货")
    html = get(client, "/basket/", "zh-hans").content.decode()
    assert "时令鲜货" in html and added.get_absolute_url() in html
    assert added.get_absolute_url() in get(client, "/basket/", "en").content.decode()
    added.delete()
    assert added.get_absolute_url() not in get(client, "/basket/", "zh-hans").content.decode()


def test_the_basket_dropdown_lists_lines_without_thumbnails(client, demo_world):
    from django.contrib.auth import get_user_model

    buyer = get_user_model().objects.get(email="buyer@guoguang.example")
    client.force_login(buyer)
    product = Product.objects.get(upc="TB-MT-2500")
    client.post(f"/basket/add/{product.pk}/", {"quantity": 4}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    html = get(client, "/catalogue/", "zh-hans").content.decode()
    dropdown = html[html.index('class="basket-mini-item') :].split("</ul>", 1)[0]
    assert product.get_title() in dropdown and "¥30.00" in dropdown
    assert "<img" not in dropdown


def test_recently_viewed_products_are_catalogue_cards_loaded_in_one_batch(client, demo_world):
    from django.contrib.auth import get_user_model

    client.force_login(get_user_model().objects.get(email="buyer@guoguang.example"))
    products = list(Product.objects.browsable().order_by("pk")[:8])
    current, viewed = products[0], products[1:]

    def product_page():
        with CaptureQueriesContext(connection) as queries:
            html = get(client, current.get_absolute_url(), "zh-hans").content.decode()
        section = (
            html.split("farm-recently-viewed", 1)[1].split("</ol>", 1)[0]
            if ("farm-recently-viewed" in html)
            else ""
        )
        return section, len(queries)

    get(client, current.get_absolute_url(), "zh-hans")  # warms the menu and session caches
    get(client, viewed[0].get_absolute_url(), "zh-hans")
    one_section, one_viewed = product_page()
    for product in viewed[1:]:
        get(client, product.get_absolute_url(), "zh-hans")
    section, six_viewed = product_page()

    assert one_section.count("<article") == 1
    assert section.count("<article") == 6  # Oscar shows six, the newest first
    newest_first = [p.title for p in reversed(viewed)][:6]
    assert [t for t in newest_first if t in section] == newest_first
    assert section.index(newest_first[0]) < section.index(newest_first[-1])
    assert current.title not in section and "/斤" in section  # cards, with the per-jin price
    assert six_viewed == one_viewed, "each recently viewed product cost queries of its own"


def test_the_header_counts_basket_lines_without_a_query_of_its_own(client, demo_world):
    from django.contrib.auth import get_user_model

    client.force_login(get_user_model().objects.get(email="buyer@guoguang.example"))
    product = Product.objects.get(upc="TB-MT-2500")
    client.post(f"/basket/add/{product.pk}/", {"quantity": 4}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    with CaptureQueriesContext(connection) as queries:
        html = get(client, "/catalogue/", "zh-hans").content.decode()
    assert product.get_title() in html.split('class="basket-mini-item', 1)[1]
    counts = [q["sql"] for q in queries if "COUNT(*)" in q["sql"] and "basket_line" in q["sql"]]
    assert counts == []
