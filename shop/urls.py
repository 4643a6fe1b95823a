from django.urls import path

from shop.views import enterprise, orders, quick_order, transfers

app_name = "shop"

urlpatterns = [
    path("quick-order/", quick_order.QuickOrderView.as_view(), name="quick-order"),
    path("enterprise/", enterprise.EnterpriseView.as_view(), name="enterprise"),
    path(
        "enterprise/register/",
        enterprise.EnterpriseRegisterView.as_view(),
        name="enterprise-register",
    ),
    path("enterprise/members/", enterprise.MembersView.as_view(), name="members"),
    path(
        "enterprise/members/<int:pk>/",
        enterprise.MemberChangeView.as_view(),
        name="member-change",
    ),
    path(
        "enterprise/invitations/<str:token>/",
        enterprise.InvitationAcceptView.as_view(),
        name="invitation-accept",
    ),
    path(
        "enterprise/invoice-profile/",
        enterprise.InvoiceProfileView.as_view(),
        name="invoice-profile",
    ),
    path("enterprise/addresses/", enterprise.AddressListView.as_view(), name="addresses"),
    path("enterprise/addresses/new/", enterprise.AddressFormView.as_view(), name="address-create"),
    path(
        "enterprise/addresses/<int:pk>/",
        enterprise.AddressFormView.as_view(),
        name="address-update",
    ),
    path(
        "enterprise/addresses/<int:pk>/delete/",
        enterprise.AddressDeleteView.as_view(),
        name="address-delete",
    ),
    path("enterprise/orders/", orders.OrderListView.as_view(), name="orders"),
    path(
        "enterprise/orders/<str:number>/",
        orders.OrderDetailView.as_view(),
        name="order-detail",
    ),
    path(
        "enterprise/orders/<str:number>/cancel/",
        orders.OrderCancelView.as_view(),
        name="order-cancel",
    ),
    path(
        "enterprise/orders/<str:number>/reorder/",
        orders.OrderReorderView.as_view(),
        name="order-reorder",
    ),
    path("enterprise/invoices/", orders.InvoiceListView.as_view(), name="invoices"),
    path(
        "enterprise/invoices/<int:pk>/",
        orders.InvoiceDetailView.as_view(),
        name="invoice-detail",
    ),
]

dashboard_urlpatterns = (
    [
        path("", transfers.TransferListView.as_view(), name="transfers"),
        path(
            "<str:number>/",
            transfers.TransferRecordView.as_view(),
            name="transfer-record",
        ),
    ],
    "shop-dashboard",
)
