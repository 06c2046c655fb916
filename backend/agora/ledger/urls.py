from django.urls import path

from agora.ledger import apis

urlpatterns = [
    path("vendor/balance/", apis.BalanceApi.as_view(), name="vendor-balance"),
    path("vendor/ledger/", apis.LedgerListApi.as_view(), name="vendor-ledger"),
    path("vendor/ledger/<int:pk>/", apis.LedgerEntryApi.as_view(), name="vendor-ledger-entry"),
    path("vendor/earnings/", apis.EarningsApi.as_view(), name="vendor-earnings"),
    path("vendor/statements/", apis.StatementListApi.as_view(), name="vendor-statements"),
    path("vendor/statements/<str:month>/", apis.StatementApi.as_view(), name="vendor-statement"),
    path("vendor/statements/<str:month>/csv/", apis.StatementCsvApi.as_view(), name="vendor-statement-csv"),
    path("vendor/statements/<str:month>/pdf/", apis.StatementPdfApi.as_view(), name="vendor-statement-pdf"),
]
