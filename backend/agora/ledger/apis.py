"""The vendor's money in the portal: balance, ledger, daily earnings and monthly statements.
Every read is scoped to the caller's vendor (pending and suspended vendors read their own)."""

import re
from datetime import date

from django.conf import settings
from django.http import HttpResponse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from agora.core.pagination import PAGE_PARAMETERS, paginated_response
from agora.core.schema import ERRORS, paginated
from agora.core.serializers import validated
from agora.ledger import selectors
from agora.ledger.errors import StatementNotFound
from agora.ledger.exports import statement_csv, statement_pdf
from agora.ledger.serializers import (
    BalancesSerializer,
    EarningsQuerySerializer,
    EarningsSerializer,
    LedgerEntrySerializer,
    LedgerQuerySerializer,
    StatementMonthSerializer,
    StatementSerializer,
)
from agora.vendors.permissions import IsVendorMember

TAGS = ["vendor money"]
MONTH = re.compile(r"^(\d{4})-(\d{2})$")


class BalanceApi(APIView):
    permission_classes = [IsVendorMember]

    @extend_schema(
        tags=TAGS,
        responses={200: BalancesSerializer, **ERRORS(401, 403)},
        description="Your balance per currency, derived from your ledger: `pending` (sales held until "
        "shipment + `hold_days`), `available` (may be paid out now; payouts already taken off, so a "
        "refund after a payout can make it negative: it is carried into the next payout), `paid_out` "
        "(transferred, net of reversals) and `in_transit` (payouts made, their transfer not done yet).",
    )
    def get(self, request):
        balances = selectors.vendor_balances(vendor=request.vendor)
        return Response(BalancesSerializer({"balances": balances, "hold_days": settings.LEDGER_HOLD_DAYS}).data)


class LedgerListApi(APIView):
    permission_classes = [IsVendorMember]

    @extend_schema(
        tags=TAGS,
        operation_id="vendor_ledger_list",
        parameters=[LedgerQuerySerializer, *PAGE_PARAMETERS],
        responses={200: paginated(LedgerEntrySerializer, "PaginatedLedgerEntryList"), **ERRORS(400, 401, 403, 404)},
        description="Your ledger entries, newest first: every sale, commission, shipping share, refund, "
        "payout and adjustment, with its signed amount. Entries are never changed: corrections are new entries.",
    )
    def get(self, request):
        f = validated(LedgerQuerySerializer, request.query_params.dict())
        entries = selectors.vendor_entry_list(
            vendor=request.vendor,
            types=f.get("type") or None,
            date_from=f.get("date_from"),
            date_to=f.get("date_to"),
            currency=f.get("currency") or None,
        )
        return paginated_response(self, entries, LedgerEntrySerializer, context={"now": timezone.now()})


class LedgerEntryApi(APIView):
    permission_classes = [IsVendorMember]

    @extend_schema(tags=TAGS, responses={200: LedgerEntrySerializer, **ERRORS(401, 403, 404)})
    def get(self, request, pk: int):
        return Response(LedgerEntrySerializer(selectors.vendor_entry_get(vendor=request.vendor, pk=pk)).data)


class EarningsApi(APIView):
    permission_classes = [IsVendorMember]

    @extend_schema(
        tags=TAGS,
        parameters=[EarningsQuerySerializer],
        responses={200: EarningsSerializer, **ERRORS(400, 401, 403)},
        description="Daily sales and payouts for the last `days` days (default 90), oldest first, one "
        "point per day (zeros included): the Payouts page's chart.",
    )
    def get(self, request):
        query = validated(EarningsQuerySerializer, request.query_params.dict())
        days = query["days"]
        currency = (query.get("currency") or settings.AGORA_CURRENCY).upper()
        points = selectors.vendor_daily_series(vendor=request.vendor, days=days, currency=currency)
        return Response(EarningsSerializer({"currency": currency, "days": days, "points": points}).data)


class StatementListApi(APIView):
    permission_classes = [IsVendorMember]

    @extend_schema(
        tags=TAGS,
        responses={200: StatementMonthSerializer(many=True), **ERRORS(401, 403)},
        description="The months with ledger entries, newest first: each has a statement.",
    )
    def get(self, request):
        months = selectors.vendor_statement_months(vendor=request.vendor)
        return Response(StatementMonthSerializer(months, many=True).data)


def _statement(request, month: str) -> selectors.Statement:
    match = MONTH.match(month)
    if not match or not 1 <= int(match[2]) <= 12 or int(match[1]) < 2000:
        raise StatementNotFound()
    return selectors.vendor_statement(vendor=request.vendor, month=date(int(match[1]), int(match[2]), 1))


MONTH_PARAM = OpenApiParameter("month", OpenApiTypes.STR, OpenApiParameter.PATH, description="YYYY-MM")


class StatementApi(APIView):
    permission_classes = [IsVendorMember]

    @extend_schema(
        tags=TAGS,
        parameters=[MONTH_PARAM],
        responses={200: StatementSerializer, **ERRORS(401, 403, 404)},
        description="One calendar month: per currency the opening balance, the month's totals by type and "
        "the closing balance, and the month's entries (oldest first). A month that has not begun is 404.",
    )
    def get(self, request, month: str):
        return Response(StatementSerializer(_statement(request, month)).data)


def _download(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


class StatementCsvApi(APIView):
    permission_classes = [IsVendorMember]

    @extend_schema(
        tags=TAGS,
        parameters=[MONTH_PARAM],
        responses={
            (200, "text/csv"): OpenApiResponse(OpenApiTypes.STR, description="The statement as CSV."),
            **ERRORS(401, 403, 404),
        },
        description="The month's statement as a CSV file: an `opening_balance` row, one row per entry, a "
        "`closing_balance` row, per currency.",
    )
    def get(self, request, month: str):
        statement = _statement(request, month)
        return _download(
            statement_csv(statement),
            "text/csv; charset=utf-8",
            f"statement-{statement.vendor.slug}-{statement.label}.csv",
        )


class StatementPdfApi(APIView):
    permission_classes = [IsVendorMember]

    @extend_schema(
        tags=TAGS,
        parameters=[MONTH_PARAM],
        responses={
            (200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY, description="The statement as PDF."),
            **ERRORS(401, 403, 404),
        },
        description="The month's statement as a PDF document.",
    )
    def get(self, request, month: str):
        statement = _statement(request, month)
        return _download(
            statement_pdf(statement), "application/pdf", f"statement-{statement.vendor.slug}-{statement.label}.pdf"
        )
