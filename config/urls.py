import re

from django.apps import apps
from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.static import serve
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from catalog.views import HomeView
from config.health import healthz
from security.views import obtain_auth_token
from shop import urls as shop_urls
from shop.dashboard.team_home.views import TeamHomeView
from shop.online import urls as online_urls

urlpatterns = [
    path("healthz", healthz, name="healthz"),  # no login; for monitors and load balancers
    path("i18n/", include("django.conf.urls.i18n")),
    path(settings.ADMIN_URL, admin.site.urls),  # not /admin/: see ADMIN_URL
    # REST API (token authentication), its OpenAPI schema and self-hosted docs.
    path("api/v1/auth/token/", obtain_auth_token, name="api-token"),
    path("api/v1/", include("farmers.api.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("", HomeView.as_view(), name="home"),
    # The work team's household register, inside Oscar's dashboard (before Oscar's own URLs).
    path("dashboard/households/", apps.get_app_config("household_register").urls),
    # The seller's pages (stock, lots, intake, imports), inside Oscar's dashboard.
    path("dashboard/seller/", apps.get_app_config("seller_dashboard").urls),
    # The work team's landing page (one figure per report), then the reports themselves.
    path("dashboard/team/", TeamHomeView.as_view(), name="team-home"),
    path("dashboard/team/", apps.get_app_config("team_dashboard").urls),
    # The buyer side (quick order, enterprise pages) and the work team's bank transfers.
    path("dashboard/transfers/", include(shop_urls.dashboard_urlpatterns)),
    # Households' settlement slips: the public verification page of a slip's code.
    path("", include("farmers.settlement_urls")),
    # Enterprises' assistance statements and their public verification page.
    path("", include("shop.statements.urls")),
    path("", include("shop.urls")),
    # Online payment (Stripe): the buyer's pay pages, the webhook, the team's refunds.
    path("dashboard/online-payments/", include(online_urls.dashboard_urlpatterns)),
    path("", include("shop.online.urls")),
    path("", include(apps.get_app_config("oscar").urls[0])),
]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
elif settings.SERVE_MEDIA:
    # Production on one machine (`make prod`): uploads served by Django, as no proxy is in front.
    media_prefix = re.escape(settings.MEDIA_URL.lstrip("/"))
    urlpatterns += [
        re_path(rf"^{media_prefix}(?P<path>.*)$", serve, {"document_root": settings.MEDIA_ROOT})
    ]

handler404 = "farmers.api.errors.page_not_found"  # JSON under /api/, the shop page elsewhere
