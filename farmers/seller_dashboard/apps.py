from django.urls import path
from django.utils.translation import gettext_lazy as _
from oscar.core.application import OscarDashboardConfig


class SellerDashboardConfig(OscarDashboardConfig):
    """The seller's pages inside Oscar's dashboard, for the partner's staff."""

    label = "seller_dashboard"
    name = "farmers.seller_dashboard"
    verbose_name = _("Seller dashboard")
    namespace = "seller-dashboard"
    default_permissions = ["partner.dashboard_access"]

    def get_urls(self):
        from farmers.seller_dashboard import views

        urls = [
            path("", views.StockListView.as_view(), name="seller-stock-list"),
            path("stock/<int:pk>/", views.StockDetailView.as_view(), name="seller-stock-detail"),
            path("stock/<int:pk>/intake/", views.IntakeView.as_view(), name="seller-intake"),
            path(
                "stock/<int:pk>/stocktake/", views.StockTakeView.as_view(), name="seller-stocktake"
            ),
            path("stock/<int:pk>/adjust/", views.AdjustmentView.as_view(), name="seller-adjust"),
            path(
                "stock/<int:pk>/threshold/", views.ThresholdView.as_view(), name="seller-threshold"
            ),
            path(
                "sellers/<int:pk>/threshold/",
                views.SellerThresholdView.as_view(),
                name="seller-seller-threshold",
            ),
            path("lots/", views.LotListView.as_view(), name="seller-lot-list"),
            path("adjustments/", views.AdjustmentListView.as_view(), name="seller-adjustment-list"),
            path("members/", views.MemberListView.as_view(), name="seller-member-list"),
            path("import/", views.LotImportView.as_view(), name="seller-lot-import"),
            path(
                "import/commit/",
                views.LotImportCommitView.as_view(),
                name="seller-lot-import-commit",
            ),
        ]
        return self.post_process_urls(urls)
