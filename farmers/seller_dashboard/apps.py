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
    # Settlement pages: the seller's staff, or the work team (it runs the town shop's payouts).
    permissions_map = {
        name: (["partner.dashboard_access"], ["is_staff", "farmers.add_payoutbatch"])
        for name in (
            "seller-settlement-index",
            "seller-settlement",
            "seller-terms",
            "seller-batch-create",
            "seller-batch",
            "seller-bank-file",
            "seller-batch-result",
            "seller-line-action",
            "seller-line-receipt",
            "seller-payee",
            "seller-surplus-create",
            "seller-surplus-confirm",
            "seller-slip-create",
            "seller-slip-pdf",
            "seller-dispose",
        )
    }

    def get_urls(self):
        from farmers.seller_dashboard import settlement_views as settlement
        from farmers.seller_dashboard import views

        batch = "settlement/<int:pk>/batches/<int:batch_pk>/"
        urls = [
            path(
                "settlement/",
                settlement.SettlementIndexView.as_view(),
                name="seller-settlement-index",
            ),
            path(
                "settlement/<int:pk>/",
                settlement.SettlementView.as_view(),
                name="seller-settlement",
            ),
            path(
                "settlement/<int:pk>/terms/",
                settlement.TermsSetView.as_view(),
                name="seller-terms",
            ),
            path(
                "settlement/<int:pk>/batches/new/",
                settlement.BatchCreateView.as_view(),
                name="seller-batch-create",
            ),
            path(batch, settlement.BatchDetailView.as_view(), name="seller-batch"),
            path(
                f"{batch}bank-file.<str:file_format>",
                settlement.BankFileView.as_view(),
                name="seller-bank-file",
            ),
            path(
                f"{batch}result/",
                settlement.ResultUploadView.as_view(),
                name="seller-batch-result",
            ),
            path(
                f"{batch}lines/<int:line_pk>/<slug:action>/",
                settlement.LineActionView.as_view(),
                name="seller-line-action",
            ),
            path(
                f"{batch}lines/<int:line_pk>/receipt/",
                settlement.ReceiptView.as_view(),
                name="seller-line-receipt",
            ),
            path(
                "settlement/<int:pk>/payees/<int:household_pk>/",
                settlement.PayeeView.as_view(),
                name="seller-payee",
            ),
            path(
                "settlement/<int:pk>/surplus/",
                settlement.SurplusCreateView.as_view(),
                name="seller-surplus-create",
            ),
            path(
                "settlement/<int:pk>/surplus/<int:surplus_pk>/confirm/",
                settlement.SurplusConfirmView.as_view(),
                name="seller-surplus-confirm",
            ),
            path(
                "settlement/<int:pk>/slips/new/",
                settlement.SlipCreateView.as_view(),
                name="seller-slip-create",
            ),
            path(
                "settlement/<int:pk>/slips/<int:slip_pk>.pdf",
                settlement.SlipPdfView.as_view(),
                name="seller-slip-pdf",
            ),
            path(
                "lots/<int:lot_pk>/unsold/",
                settlement.DisposeView.as_view(),
                name="seller-dispose",
            ),
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
