"""Settings for Taibao Market, read from the environment with safe local defaults.

Locally nothing needs to be set: SQLite in the project folder, tasks run
in-process, e-mail goes to the console, online payment is not offered.
Production (DEBUG=0) refuses to start without SECRET_KEY.
"""

import datetime
import os
from email.utils import parseaddr
from pathlib import Path

import dj_database_url
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _
from oscar.defaults import *  # noqa: F403  (Oscar's settings, overridden below)

from config.errors import errors_to_sentry
from config.logs import logging_settings

# Classes of ours for two Oscar apps the project does not fork (shop/class_loading.py).
OSCAR_DYNAMIC_CLASS_LOADER = "shop.class_loading.class_loader"

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", True)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY must be set when DEBUG is off (production). "
            "生产环境（DEBUG 关闭）必须设置 SECRET_KEY。"
        )
    SECRET_KEY = "taibao-local-development-key-not-for-production"

# Households' ID numbers and phones are encrypted with this Fernet key
# (farmers.crypto; make one with `Fernet.generate_key()`). Losing it loses the data.
FIELD_ENCRYPTION_KEY = os.environ.get("FIELD_ENCRYPTION_KEY", "")
if not FIELD_ENCRYPTION_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "FIELD_ENCRYPTION_KEY must be set when DEBUG is off (production). "
            "生产环境（DEBUG 关闭）必须设置 FIELD_ENCRYPTION_KEY。"
        )
    # DEVELOPMENT ONLY: base64 of "taibao-dev-only-field-key-000000". Never in production.
    FIELD_ENCRYPTION_KEY = "dGFpYmFvLWRldi1vbmx5LWZpZWxkLWtleS0wMDAwMDA="

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

# --- Database -------------------------------------------------------------

DATABASE_URL = os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}"
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
# A kept connection is checked before a request reuses it: one PostgreSQL ended
# (restart, failover, pg_terminate_backend) is replaced instead of failing the request.
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers run beside a writer; IMMEDIATE transactions take the
    # write lock at BEGIN, so concurrent writers queue (busy_timeout) instead
    # of failing with "database is locked" halfway through.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Applications ---------------------------------------------------------

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sites",
    "django.contrib.flatpages",
    "django.contrib.humanize",
    # Oscar, with the catalogue forked as catalog/ (label "catalogue")
    "oscar.config.Shop",
    "oscar.apps.analytics.apps.AnalyticsConfig",
    "shop.checkout.apps.CheckoutConfig",
    "oscar.apps.address.apps.AddressConfig",
    "oscar.apps.shipping.apps.ShippingConfig",
    "catalog.apps.CatalogueConfig",
    "oscar.apps.catalogue.reviews.apps.CatalogueReviewsConfig",
    "oscar.apps.communication.apps.CommunicationConfig",
    "shop.partner.apps.PartnerConfig",
    "shop.basket.apps.BasketConfig",
    "oscar.apps.payment.apps.PaymentConfig",
    "shop.offer.apps.OfferConfig",
    "shop.order.apps.OrderConfig",
    "oscar.apps.customer.apps.CustomerConfig",
    "shop.search.apps.SearchConfig",
    "oscar.apps.voucher.apps.VoucherConfig",
    "oscar.apps.wishlists.apps.WishlistsConfig",
    "shop.dashboard.apps.DashboardConfig",
    "oscar.apps.dashboard.reports.apps.ReportsDashboardConfig",
    "oscar.apps.dashboard.users.apps.UsersDashboardConfig",
    "shop.dashboard.orders.apps.OrdersDashboardConfig",
    "shop.dashboard.catalogue.apps.CatalogueDashboardConfig",
    "oscar.apps.dashboard.offers.apps.OffersDashboardConfig",
    "oscar.apps.dashboard.partners.apps.PartnersDashboardConfig",
    "oscar.apps.dashboard.pages.apps.PagesDashboardConfig",
    "oscar.apps.dashboard.ranges.apps.RangesDashboardConfig",
    "oscar.apps.dashboard.reviews.apps.ReviewsDashboardConfig",
    "oscar.apps.dashboard.vouchers.apps.VouchersDashboardConfig",
    "oscar.apps.dashboard.communications.apps.CommunicationsDashboardConfig",
    "oscar.apps.dashboard.shipping.apps.ShippingDashboardConfig",
    "widget_tweaks",
    "haystack",
    "treebeard",
    "sorl.thumbnail",
    "django_tables2",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "axes",  # failed logins (security.login_failures)
    # Ours
    "outbox.apps.OutboxConfig",
    "farmers.apps.FarmersConfig",
    "farmers.seller_dashboard.apps.SellerDashboardConfig",  # a seller's own stock and lots
    "farmers.team_dashboard.apps.TeamDashboardConfig",  # the work team's sales and pipeline
    "farmers.register.apps.HouseholdRegisterConfig",  # the work team's household register
    "shop.apps.ShopConfig",
    "shop.online.apps.OnlinePaymentsConfig",  # Stripe: attempts, webhook events, refunds
    "shop.statements.apps.StatementsConfig",  # buyer impact and assistance statements
    "security.apps.SecurityConfig",  # login cool-off, rate limits, upload limits, headers
    "demo.apps.DemoConfig",  # the Taibao demo world and load_demo; nothing depends on it
]

SITE_ID = 1

MIDDLEWARE = [
    "config.request_id.RequestIdMiddleware",  # first: every line of the request carries its id
    "config.middleware.RetryOnLostDatabaseMiddleware",  # outermost: repeats a whole request when safe
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.contrib.flatpages.middleware.FlatpageFallbackMiddleware",
    "oscar.apps.basket.middleware.BasketMiddleware",
    "security.middleware.SecurityMiddleware",  # after auth: limits are per user
    "axes.middleware.AxesMiddleware",  # last: a login refused by axes becomes the 429 page
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.media",
                "django.template.context_processors.static",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "oscar.apps.search.context_processors.search_form",
                "oscar.apps.communication.notifications.context_processors.notifications",
                "oscar.apps.checkout.context_processors.checkout",
                "oscar.core.context_processors.metadata",
            ],
        },
    }
]

AUTHENTICATION_BACKENDS = [
    "security.login_failures.LoginFailureBackend",  # first: axes refuses during a cool-off
    "security.permissions.CachedPermissionsBackend",  # permission sets from the cache
    "oscar.apps.customer.auth_backends.EmailBackend",
    "django.contrib.auth.backends.ModelBackend",
    "shop.roles.EnterpriseRoleBackend",  # an enterprise member: the permissions of their role
]
LOGIN_REDIRECT_URL = "/"

# Password policy (security): Django's validators wherever a password is chosen — sign-up
# (also how an invited buyer joins), password change and reset, the admin.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Language, time, money -----------------------------------------------

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

OSCAR_DEFAULT_CURRENCY = "CNY"
OSCAR_CURRENCY_FORMAT = {"CNY": {"format": "¥#,##0.00"}}
OSCAR_SHOP_NAME = _("Taibao Market")
OSCAR_SHOP_TAGLINE = _("Consumption assistance for Taibao town")
OSCAR_ALLOW_ANON_CHECKOUT = False
OSCAR_PRODUCTS_PER_PAGE = 24
OSCAR_INITIAL_ORDER_STATUS = "Pending"
OSCAR_INITIAL_LINE_STATUS = "Pending"
OSCAR_ORDER_STATUS_PIPELINE = {
    "Pending": ("Being processed", "Cancelled"),
    "Being processed": ("Complete", "Cancelled"),
    "Cancelled": (),
    "Complete": (),
}
# Product reviews are off (docs/security.md): buyers are enterprises ordering for canteens and
# gifts, and Oscar's reviews would be anonymous, unmoderated and unthrottled text on our pages.
OSCAR_HIDDEN_FEATURES = ["reviews"]
OSCAR_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "noreply@taibao.example")

# --- Static and media -----------------------------------------------------

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
# Uploads (product images) are served by Django itself only while debugging or when
# SERVE_MEDIA=1 (one machine, `make prod`); on several hosts a proxy or object storage
# serves MEDIA_ROOT instead.
SERVE_MEDIA = env_bool("SERVE_MEDIA", DEBUG)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
THUMBNAIL_KVSTORE = "sorl.thumbnail.kvstores.cached_db_kvstore.KVStore"

# --- Search ---------------------------------------------------------------
# Browsing and search are served from the database (catalog.selectors);
# Haystack stays installed only because Oscar's apps import it.

HAYSTACK_CONNECTIONS = {"default": {"ENGINE": "haystack.backends.simple_backend.SimpleEngine"}}

# --- Cache, Redis, Celery -------------------------------------------------

REDIS_URL = os.environ.get("REDIS_URL", "")
CACHES = {
    "default": (
        {
            # Django's RedisCache, except that Redis being down is a miss, not an error page.
            "BACKEND": "config.cache.ForgivingRedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

# The broker is Redis (REDIS_URL) unless CELERY_BROKER_URL names another, e.g.
# amqp://user:pass@rabbit:5672// for RabbitMQ; with neither, tasks run in-process.
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL") or REDIS_URL or "memory://"
if CELERY_BROKER_URL.startswith(("redis://", "rediss://")):
    CELERY_BROKER_TRANSPORT = "config.broker:Transport"  # kombu's, surviving a Redis restart
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = CELERY_BROKER_URL == "memory://"
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_TASK_QUEUES_USED = ("default", "notifications", "attribution")  # for `make worker`
# A task must finish well inside the time Redis waits before handing an
# unacknowledged task to another worker.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": int(os.environ.get("CELERY_VISIBILITY_TIMEOUT", "3600"))
}
CELERY_TASK_SOFT_TIME_LIMIT = 240
CELERY_TASK_TIME_LIMIT = 300
# Publishing must not hang a buyer's request when Redis is down: fail fast,
# the outbox relay sends it again.
CELERY_BROKER_CONNECTION_TIMEOUT = 3
CELERY_TASK_PUBLISH_RETRY = False
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULE = {
    "outbox-relay": {"task": "outbox.relay", "schedule": 30.0},
    "attribution-reconcile": {"task": "farmers.attribution_reconcile", "schedule": 600.0},
}
RECONCILE_SETTLE_MINUTES = 15  # give the pipeline this long before calling a paid order stuck
RECONCILE_LOOK_BACK_DAYS = 30
OUTBOX_RELAY_AFTER_SECONDS = int(os.environ.get("OUTBOX_RELAY_AFTER_SECONDS", "60"))
OUTBOX_MAX_ATTEMPTS = 20  # a message sent this often without success is left to the team

# --- E-mail ----------------------------------------------------------------

EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
    EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = OSCAR_FROM_EMAIL
EMAIL_TIMEOUT = int(
    os.environ.get("EMAIL_TIMEOUT", "10")
)  # a slow mail server must not hold a worker

# --- Stripe (absent keys: online payment is simply not offered) -------------

STRIPE_SECRET_KEY = os.environ.get("STRIPE_SECRET_KEY", "")
STRIPE_PUBLISHABLE_KEY = os.environ.get("STRIPE_PUBLISHABLE_KEY", "")
STRIPE_WEBHOOK_SECRET = os.environ.get("STRIPE_WEBHOOK_SECRET", "")
STRIPE_API_BASE = os.environ.get("STRIPE_API_BASE", "")
# Where the pay page loads Stripe.js from (a stand-in only for tests and the offline demo).
STRIPE_JS_URL = os.environ.get("STRIPE_JS_URL", "https://js.stripe.com/v3/")
ONLINE_PAYMENT_ENABLED = bool(STRIPE_SECRET_KEY and STRIPE_PUBLISHABLE_KEY)
STRIPE_TIMEOUT_SECONDS = float(os.environ.get("STRIPE_TIMEOUT_SECONDS", "20"))
STRIPE_MAX_NETWORK_RETRIES = int(os.environ.get("STRIPE_MAX_NETWORK_RETRIES", "2"))
# Online orders not paid within this many hours are cancelled and their stock released.
TAIBAO_ONLINE_UNPAID_ORDER_HOURS = int(os.environ.get("TAIBAO_ONLINE_UNPAID_ORDER_HOURS", "24"))

# --- API --------------------------------------------------------------------

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "security.api_tokens.ExpiringTokenAuthentication",  # DRF's, with an expiry
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "farmers.api.schema.ErrorDocumentingAutoSchema",  # documents errors
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
}
# Revealing a household's personal data needs a login within this many seconds; past it,
# the password is asked again (security.recent_login).
TAIBAO_REVEAL_LOGIN_SECONDS = int(os.environ.get("TAIBAO_REVEAL_LOGIN_SECONDS", "900"))
# API tokens expire this many hours after they were issued (security.api_tokens);
# signing in again at /api/v1/auth/token/ issues a new one.
TAIBAO_API_TOKEN_HOURS = int(os.environ.get("TAIBAO_API_TOKEN_HOURS", "720"))
SPECTACULAR_SETTINGS = {
    "TITLE": "Taibao Market API",
    "DESCRIPTION": "Sellers' stock, lots, intakes and adjustments. Token authentication: "
    "POST e-mail and password to /api/v1/auth/token/, then send 'Authorization: Token <key>'.",
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "VERSION": "1.0.0",
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

# --- Security (security/ app; README "Security") ---------------------------------

# Django's admin is not at /admin/: set ADMIN_URL to a path of your own.
ADMIN_URL = os.environ.get("ADMIN_URL", "taibao-backoffice/").strip("/") + "/"

if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)
    CSRF_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
# Sessions live in PostgreSQL; with Redis they are read from the cache first (one query
# less on every page), and Redis being down or restarted only sends reads to the database.
SESSION_ENGINE = (
    "django.contrib.sessions.backends.cached_db"
    if REDIS_URL
    else "django.contrib.sessions.backends.db"
)
PERMISSIONS_POLICY = (
    "camera=(), microphone=(), geolocation=(), usb=(), "
    'payment=(self "https://js.stripe.com")'  # Stripe's Payment Element
)

# Scripts only from our own origin or with the response's nonce
# (<script nonce="{{ request.csp_nonce }}">); Stripe.js is added on the pay page
# only (shop.online.views.PayView). Styles allow inline: Oscar's templates and
# widgets use style attributes.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, "'unsafe-inline'"],
        "img-src": [SELF, "data:"],
        "font-src": [SELF, "data:"],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# Failed logins per account and IP: this many, then a cool-off (never permanent).
# How long an answer kept in Redis may stand in for the database: users' permission sets
# (security/permissions.py), whether any offer or voucher exists (shop/offer/applicator.py). Each is
# dropped as soon as what it summarises changes; this bounds it should Redis miss that.
# 0, as without Redis (each process would have its own memory), always asks the database.
TAIBAO_SHARED_CACHE_SECONDS = int(
    os.environ.get("TAIBAO_SHARED_CACHE_SECONDS", "300" if REDIS_URL else "0")
)
# The request header a reverse proxy of ours puts the client's address in (e.g.
# HTTP_X_REAL_IP); empty: the connection's address. Every limit keys on it
# (security.client_address); client-sent headers such as X-Forwarded-For are never read.
TAIBAO_CLIENT_IP_HEADER = os.environ.get("TAIBAO_CLIENT_IP_HEADER", "")
# Failed logins (django-axes, security.login_failures), every login path alike (site,
# dashboard, admin, API token): TAIBAO_LOGIN_FAILURE_LIMIT failures of one account from
# one address, then that pair waits TAIBAO_LOGIN_COOLOFF_SECONDS after its last failure.
TAIBAO_LOGIN_FAILURE_LIMIT = int(os.environ.get("TAIBAO_LOGIN_FAILURE_LIMIT", "5"))
TAIBAO_LOGIN_COOLOFF_SECONDS = int(os.environ.get("TAIBAO_LOGIN_COOLOFF_SECONDS", "900"))
AXES_FAILURE_LIMIT = TAIBAO_LOGIN_FAILURE_LIMIT
AXES_COOLOFF_TIME = datetime.timedelta(seconds=TAIBAO_LOGIN_COOLOFF_SECONDS)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False  # refused attempts do not extend it
AXES_USERNAME_CALLABLE = "security.login_failures.login_identity"
AXES_CLIENT_IP_CALLABLE = "security.login_failures.login_client_ip"
AXES_LOCKOUT_CALLABLE = "security.login_failures.lockout_response"
AXES_VERBOSE = False
# POSTs per signed-in user (else per IP): scope -> (requests, seconds).
TAIBAO_RATE_LIMITS = {
    "login": (int(os.environ.get("TAIBAO_RATE_LOGIN_PER_5_MIN", "30")), 300),
    "quick-order": (int(os.environ.get("TAIBAO_RATE_QUICK_ORDER_PER_MIN", "30")), 60),
    "import": (int(os.environ.get("TAIBAO_RATE_IMPORT_PER_5_MIN", "30")), 300),
    # Views that send mail: counted per signed-in user, per address and per recipient apart.
    "invitation": (int(os.environ.get("TAIBAO_RATE_INVITATIONS_PER_HOUR", "20")), 3600),
    "password-reset": (int(os.environ.get("TAIBAO_RATE_PASSWORD_RESETS_PER_HOUR", "5")), 3600),
}
# The POST field naming the recipient of a mail-sending scope (its own counter).
TAIBAO_RATE_LIMIT_RECIPIENT_FIELDS = {"invitation": "email", "password-reset": "email"}
TAIBAO_RATE_LIMITED_VIEWS = {
    "customer:login": "login",
    "customer:register": "login",
    "dashboard:login": "login",
    "admin:login": "login",
    "api-token": "login",
    "shop:quick-order": "quick-order",
    "seller-dashboard:seller-lot-import": "import",
    "seller-dashboard:seller-lot-import-commit": "import",
    "shop:members": "invitation",
    "password-reset": "password-reset",
}
# Upload limits are in bytes, whole MB of 1024 × 1024 (security.uploads.MB, which the
# messages use). Any multipart request larger than this is refused with 413 before it is read.
TAIBAO_UPLOAD_MAX_BYTES = int(os.environ.get("TAIBAO_UPLOAD_MAX_BYTES", 10 * 1024 * 1024))
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440  # request bodies other than files (Django's default)
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440  # larger files are spooled to a temporary file
DATA_UPLOAD_MAX_NUMBER_FIELDS = 7000  # quick order posts 3 fields per row, up to 2,000 rows


# --- Taibao -----------------------------------------------------------------

# Production (DEBUG=0) loads the demo world and its accounts only when this is 1
# (`load_demo` refuses otherwise; `make prod` skips it): they share a published password.
TAIBAO_LOAD_DEMO = env_bool("TAIBAO_LOAD_DEMO", False)
# Shared by every demo account; satisfies AUTH_PASSWORD_VALIDATORS (tests/security/test_passwords.py).
TAIBAO_DEMO_PASSWORD = os.environ.get("TAIBAO_DEMO_PASSWORD", "Mati-Guolou-2026")
TAIBAO_IMPORT_MAX_BYTES = int(os.environ.get("TAIBAO_IMPORT_MAX_BYTES", 5 * 1024 * 1024))

# --- Enterprise buyers (shop/) ----------------------------------------------------

# The account enterprises pay into by bank transfer (对公转账); the order number
# is the transfer reference. Demo defaults are fictional.
TAIBAO_PAYEE_NAME = os.environ.get(
    "TAIBAO_PAYEE_NAME", "连山壮族瑶族自治县太保镇消费帮扶馆（示例）"
)
TAIBAO_PAYEE_BANK = os.environ.get("TAIBAO_PAYEE_BANK", "中国农业银行连山支行（示例）")
TAIBAO_PAYEE_ACCOUNT = os.environ.get("TAIBAO_PAYEE_ACCOUNT", "4400 0000 0000 0000 000")
# Unpaid bank-transfer orders are cancelled (and their stock released) after this many days.
TAIBAO_UNPAID_ORDER_DAYS = int(os.environ.get("TAIBAO_UNPAID_ORDER_DAYS", "7"))
TAIBAO_QUICK_ORDER_MAX_BYTES = 2 * 1024 * 1024
TAIBAO_QUICK_ORDER_MAX_ROWS = 2000

CELERY_BEAT_SCHEDULE = {
    **globals().get("CELERY_BEAT_SCHEDULE", {}),
    "shop-cancel-unpaid-orders": {
        "task": "shop.tasks.orders_cancel_unpaid_task",
        "schedule": 3600.0,
    },
}

from shop.dashboard_access import permission_access  # noqa: E402  (plain functions, no models)
from shop.roles import CONFIRM_TRANSFERS, REFUND_ONLINE  # noqa: E402  (names, no models)

OSCAR_DASHBOARD_NAVIGATION = [
    *OSCAR_DASHBOARD_NAVIGATION,  # noqa: F405
    {
        "label": _("Bank transfers"),
        "icon": "fas fa-money-check",
        "url_name": "shop-dashboard:transfers",
        "access_fn": permission_access(CONFIRM_TRANSFERS),
    },
]

# The work team's household register (farmers.register), mounted at /dashboard/households/.
OSCAR_DASHBOARD_NAVIGATION = [
    *OSCAR_DASHBOARD_NAVIGATION,
    {
        "label": _("Households"),
        "icon": "fas fa-home",
        "children": [
            {
                "label": _("Household register"),
                "url_name": "household-register:register-household-list",
            },
            {
                "label": _("Register a household"),
                "url_name": "household-register:register-household-create",
            },
            {
                "label": _("Sellers and members"),
                "url_name": "household-register:register-seller-list",
            },
        ],
    },
]

# The seller's dashboard (farmers.seller_dashboard), mounted at /dashboard/seller/.
OSCAR_DASHBOARD_NAVIGATION = [
    *OSCAR_DASHBOARD_NAVIGATION,
    {
        "label": _("My stock"),
        "icon": "fas fa-seedling",
        "children": [
            {"label": _("Stock and intake"), "url_name": "seller-dashboard:seller-stock-list"},
            {"label": _("Lots"), "url_name": "seller-dashboard:seller-lot-list"},
            {"label": _("Adjustments"), "url_name": "seller-dashboard:seller-adjustment-list"},
            {"label": _("Import a lot sheet"), "url_name": "seller-dashboard:seller-lot-import"},
            {"label": _("Member households"), "url_name": "seller-dashboard:seller-member-list"},
            {
                "label": _("Settlement and payouts"),
                "url_name": "seller-dashboard:seller-settlement-index",
            },
        ],
    },
]

# The work team's pages (farmers.team_dashboard), mounted at /dashboard/team/.
OSCAR_DASHBOARD_NAVIGATION = [
    *OSCAR_DASHBOARD_NAVIGATION,
    {
        "label": _("Reconciliation"),
        "icon": "fas fa-balance-scale",
        "url_name": "team-dashboard:team-reconciliation",
    },
    {
        "label": _("Sales reports"),
        "icon": "fas fa-chart-bar",
        "children": [
            {"label": _("Per household"), "url_name": "team-dashboard:team-sales-household"},
            {"label": _("Per village"), "url_name": "team-dashboard:team-sales-village"},
            {"label": _("Per seller"), "url_name": "team-dashboard:team-sales-seller"},
            {"label": _("Per product"), "url_name": "team-dashboard:team-sales-product"},
            {"label": _("Per enterprise"), "url_name": "team-dashboard:team-sales-enterprise"},
            {"label": _("Monitored households"), "url_name": "team-dashboard:team-monitored"},
            {"label": _("Pairing pledges"), "url_name": "team-dashboard:team-pledges"},
            {"label": _("Household settlement"), "url_name": "team-dashboard:team-settlement"},
            {"label": _("Sales charts"), "url_name": "team-dashboard:team-charts"},
            {"label": _("My exports"), "url_name": "team-dashboard:team-export-list"},
        ],
    },
]

# A monitored household earning less than this (CNY) on the platform in 30 days is flagged.
TAIBAO_MONITORED_MIN_INCOME_30D = os.environ.get("TAIBAO_MONITORED_MIN_INCOME_30D", "100.00")

# Online payments (shop.online), mounted at /dashboard/online-payments/: the team's refunds.
OSCAR_DASHBOARD_NAVIGATION = [
    *OSCAR_DASHBOARD_NAVIGATION,
    {
        "label": _("Online payments"),
        "icon": "fas fa-credit-card",
        "url_name": "online-dashboard:online-payment-list",
        "access_fn": permission_access(REFUND_ONLINE),
    },
]
CELERY_BEAT_SCHEDULE["online-expire-unpaid-orders"] = {
    "task": "shop.online.tasks.online_orders_expire_task",
    "schedule": 900.0,
}

# Report exports (farmers.team_dashboard): bigger than this many rows, a task writes the
# file and the page shows its progress; files live in private storage, not under MEDIA.
TAIBAO_EXPORT_BACKGROUND_ROWS = int(os.environ.get("TAIBAO_EXPORT_BACKGROUND_ROWS", "5000"))
TAIBAO_EXPORT_CHUNK_ROWS = int(os.environ.get("TAIBAO_EXPORT_CHUNK_ROWS", "1000"))
TAIBAO_EXPORT_KEEP_DAYS = int(os.environ.get("TAIBAO_EXPORT_KEEP_DAYS", "7"))
STORAGES["exports"] = {
    "BACKEND": "farmers.team_dashboard.storage.PrivateFileStorage",
    "OPTIONS": {
        "location": os.environ.get("TAIBAO_PRIVATE_ROOT", str(BASE_DIR / "var" / "private"))
    },
}
CELERY_BEAT_SCHEDULE["team-report-exports-purge"] = {
    "task": "team_dashboard.report_exports_purge",
    "schedule": 24 * 3600.0,
}

# The work team's landing page (shop.dashboard.team_home), at /dashboard/team/: first in the menu.
from shop.dashboard_access import team_home_access  # noqa: E402  (a plain function, no models)

OSCAR_DASHBOARD_NAVIGATION = [
    {
        "label": _("Work team"),
        "icon": "fas fa-seedling",
        "url_name": "team-home",
        "access_fn": team_home_access,
    },
    *OSCAR_DASHBOARD_NAVIGATION,
]

# Readable URLs (catalog/slugs.py): Chinese names spelled in pinyin, for Oscar's every slug.
OSCAR_SLUG_FUNCTION = "catalog.slugs.pinyin_slugify"

# Spreadsheet imports (sheets/, every import): bounds checked before any cell is built.
# Rows are data rows (titles, header, totals and signatures come on top, up to 100 rows);
# the uncompressed bound is the whole .xlsx inflated, or an .xls's workbook stream.
TAIBAO_IMPORT_MAX_ROWS = int(os.environ.get("TAIBAO_IMPORT_MAX_ROWS", "20000"))
TAIBAO_IMPORT_MAX_COLUMNS = int(os.environ.get("TAIBAO_IMPORT_MAX_COLUMNS", "64"))
TAIBAO_IMPORT_MAX_UNCOMPRESSED_BYTES = int(
    os.environ.get("TAIBAO_IMPORT_MAX_UNCOMPRESSED_BYTES", "40000000")
)
# Lot sheets waiting for their confirmation live in the private storage of exports
# (never under MEDIA) and are deleted on commit, on refusal, or after this many seconds.
TAIBAO_PENDING_SHEET_SECONDS = int(os.environ.get("TAIBAO_PENDING_SHEET_SECONDS", "3600"))
CELERY_BEAT_SCHEDULE["lot-sheets-pending-purge"] = {
    "task": "farmers.lot_sheets_pending_purge",
    "schedule": 600.0,
}

# --- Logs, health, errors (config/logs.py, config/health.py, config/errors.py) ---------------

# One line per event with a timestamp and the request id; JSON when DEBUG is off.
LOG_JSON = env_bool("LOG_JSON", not DEBUG)
LOG_LEVEL = os.environ.get("LOG_LEVEL", "WARNING")
# Errors go to Sentry when SENTRY_DSN is set, otherwise by mail to ADMINS
# ("Name <mail@example.org>, ..." or plain addresses, comma-separated).
SENTRY_DSN = os.environ.get("SENTRY_DSN", "")
ADMINS = [parseaddr(entry) for entry in env_list("ADMINS")]
SERVER_EMAIL = os.environ.get("SERVER_EMAIL", OSCAR_FROM_EMAIL)
LOGGING_CONFIG = "config.logs.logging_configure"
LOGGING = logging_settings(json=LOG_JSON, level=LOG_LEVEL, mail_admins=not SENTRY_DSN)
CELERY_WORKER_HIJACK_ROOT_LOGGER = False  # workers log through LOGGING too
if SENTRY_DSN:
    errors_to_sentry(
        dsn=SENTRY_DSN,
        environment=os.environ.get(
            "SENTRY_ENVIRONMENT", "production" if not DEBUG else "development"
        ),
        traces_sample_rate=float(os.environ.get("SENTRY_TRACES_SAMPLE_RATE", "0")),
    )
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # monitors may ask over plain HTTP inside the network
# /healthz answers 503 when a message has waited in the outbox longer than this.
HEALTHZ_OUTBOX_MAX_AGE_SECONDS = int(os.environ.get("HEALTHZ_OUTBOX_MAX_AGE_SECONDS", "900"))

# Household settlement (farmers: settlement terms, payee details, payout batches, slips).
# A monitored household owed money for longer than this many days is flagged to the team.
TAIBAO_PAYOUT_OVERDUE_DAYS = int(os.environ.get("TAIBAO_PAYOUT_OVERDUE_DAYS", "30"))
