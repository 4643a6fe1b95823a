from django.urls import path

from farmers.api import views

urlpatterns = [
    path("stock-records/", views.StockRecordList.as_view(), name="api-stock-record-list"),
    path("stock-records/<int:pk>/intakes/", views.IntakeCreate.as_view(), name="api-intake"),
    path(
        "stock-records/<int:pk>/adjustments/",
        views.AdjustmentCreate.as_view(),
        name="api-adjustment",
    ),
    path(
        "stock-records/<int:pk>/stocktakes/", views.StockTakeCreate.as_view(), name="api-stocktake"
    ),
    path("lots/", views.LotList.as_view(), name="api-lot-list"),
]
