from django.urls import path

from shop.statements import views

app_name = "statements"

urlpatterns = [
    path("enterprise/statements/", views.StatementListView.as_view(), name="statement-list"),
    path(
        "enterprise/statements/<int:pk>/pdf/",
        views.StatementPdfView.as_view(),
        name="statement-pdf",
    ),
    path(
        "verify/statement/<str:code>/", views.StatementVerifyView.as_view(), name="statement-verify"
    ),
]
