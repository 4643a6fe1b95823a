from django.urls import path

from shop.online import views

app_name = "online"

urlpatterns = [
    path("pay/<str:number>/", views.PayView.as_view(), name="pay"),
    path("pay/<str:number>/return/", views.PayReturnView.as_view(), name="pay-return"),
    path(
        "pay/<str:number>/bank-transfer/",
        views.SwitchToBankTransferView.as_view(),
        name="switch-to-bank-transfer",
    ),
    path("stripe/webhook/", views.StripeWebhookView.as_view(), name="stripe-webhook"),
]

dashboard_urlpatterns = (
    [
        path("", views.OnlinePaymentListView.as_view(), name="online-payment-list"),
        path(
            "<str:number>/",
            views.OnlinePaymentRefundView.as_view(),
            name="online-payment-order",
        ),
    ],
    "online-dashboard",
)
