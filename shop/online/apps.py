from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OnlinePaymentsConfig(AppConfig):
    """Online payment through Stripe (card, Alipay, WeChat Pay): attempts, webhooks, refunds."""

    name = "shop.online"
    label = "online_payments"
    verbose_name = _("Online payments")
    default_auto_field = "django.db.models.BigAutoField"
