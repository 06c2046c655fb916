"""The vendor's money in the portal API: balance, ledger with filters, earnings, statements."""

import csv
import io
from datetime import UTC, datetime
from decimal import Decimal
from unittest import mock

import pytest
from django.utils import timezone
from pypdf import PdfReader

from agora.ledger.services import adjustment_post
from agora.ledger.tests.helpers import one_vendor_order, refund, ship
from agora.vendors.tests.factories import VendorMembershipFactory
from testing.clients import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def seller(db):
    """A vendor's owner with a shipped 100.00 sale (10 % commission) and a 20.00 refund of it."""
    membership = VendorMembershipFactory.create(vendor__commission_rate=Decimal("10.00"))
    order, vo = one_vendor_order("100.00", vendor=membership.vendor)
    ship(vo)
    refund(order, "20.00", vo)
    return membership


def test_the_balance_shows_held_sales_and_refunds_taken_at_once(seller):
    body = client_for(seller.user).get("/api/v1/vendor/balance/").json()
    assert body["hold_days"] == 7
    assert body["balances"] == [
        {
            "currency": "EUR",
            "pending": "90.00",
            "available": "-18.00",
            "paid_out": "0.00",
            "in_transit": "0.00",
            "total": "72.00",
        }
    ]


def test_the_ledger_lists_entries_newest_first_and_filters_by_type_and_date(seller):
    client = client_for(seller.user)
    rows = client.get("/api/v1/vendor/ledger/").json()
    assert rows["count"] == 4
    assert [r["type"] for r in rows["results"]][-2:] == ["commission", "sale"] or {
        r["type"] for r in rows["results"]
    } == {
        "sale",
        "commission",
        "refund",
        "refund_commission",
    }
    sale = next(r for r in rows["results"] if r["type"] == "sale")
    assert (sale["amount"], sale["state"], sale["order_number"]) == ("100.00", "pending", sale["order_number"])
    refunds = client.get("/api/v1/vendor/ledger/?type=refund,refund_commission").json()
    assert sorted(r["amount"] for r in refunds["results"]) == ["-20.00", "2.00"]
    today = timezone.localdate().isoformat()
    assert client.get(f"/api/v1/vendor/ledger/?date_from={today}&date_to={today}").json()["count"] == 4
    assert client.get("/api/v1/vendor/ledger/?date_to=2001-01-01").json()["count"] == 0
    # the last day a date can be bounds nothing
    assert client.get("/api/v1/vendor/ledger/?date_from=0001-01-01&date_to=9999-12-31").json()["count"] == 4


@pytest.mark.parametrize(
    "query,field",
    [
        ("type=bogus", "type"),
        ("date_from=yesterday", "date_from"),
        ("date_from=2030-01-02&date_to=2030-01-01", "date_to"),
    ],
)
def test_bad_ledger_filters_are_a_400(seller, query, field):
    r = client_for(seller.user).get(f"/api/v1/vendor/ledger/?{query}")
    assert r.status_code == 400
    assert field in r.json()["error"]["details"]


def test_another_vendors_entry_is_404(seller):
    other = VendorMembershipFactory.create()
    entry_id = client_for(seller.user).get("/api/v1/vendor/ledger/").json()["results"][0]["id"]
    assert client_for(seller.user).get(f"/api/v1/vendor/ledger/{entry_id}/").status_code == 200
    r = client_for(other.user).get(f"/api/v1/vendor/ledger/{entry_id}/")
    assert r.status_code == 404 and r.json()["error"]["code"] == "not_found"


def test_daily_earnings_have_one_point_per_day_with_todays_sales(seller):
    body = client_for(seller.user).get("/api/v1/vendor/earnings/?days=30").json()
    assert body["currency"] == "EUR" and len(body["points"]) == 30
    assert body["points"][-1] == {"date": timezone.localdate().isoformat(), "sales": "100.00", "payouts": "0.00"}
    assert all(p["sales"] == "0.00" for p in body["points"][:-1])
    assert client_for(seller.user).get("/api/v1/vendor/earnings/?days=0").status_code == 400


def test_the_monthly_statement_as_json_csv_and_pdf(seller):
    client = client_for(seller.user)
    month = timezone.localdate().strftime("%Y-%m")
    assert client.get("/api/v1/vendor/statements/").json() == [{"month": month, "entries": 4}]
    statement = client.get(f"/api/v1/vendor/statements/{month}/").json()
    [eur] = statement["currencies"]
    assert (eur["opening_balance"], eur["closing_balance"]) == ("0.00", "72.00")
    assert eur["totals"] == {"sale": "100.00", "commission": "-10.00", "refund": "-20.00", "refund_commission": "2.00"}

    r = client.get(f"/api/v1/vendor/statements/{month}/csv/")
    assert r.status_code == 200 and r["Content-Type"].startswith("text/csv")
    assert r["Content-Disposition"] == f'attachment; filename="statement-{seller.vendor.slug}-{month}.csv"'
    rows = list(csv.DictReader(io.StringIO(r.content.decode())))
    assert rows[0]["type"] == "opening_balance" and rows[-1]["type"] == "closing_balance"
    assert rows[-1]["amount"] == "72.00"
    assert sum(Decimal(row["amount"]) for row in rows[1:-1]) == Decimal("72.00")

    pdf = client.get(f"/api/v1/vendor/statements/{month}/pdf/")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF-") and len(pdf.content) > 800
    # the same statement is the same file
    assert client.get(f"/api/v1/vendor/statements/{month}/pdf/").content == pdf.content


def _pdf_text(pdf: bytes) -> str:
    """The text a PDF's pages show, as a reader would copy it out."""
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def test_a_statement_dates_its_entries_in_the_shops_time_zone(settings, staff_user):
    # given a shop in Berlin and an entry booked at 00:30 on 1 April there (22:30 UTC on 31 March)
    settings.TIME_ZONE = "Europe/Berlin"
    seller = VendorMembershipFactory.create()
    with mock.patch("django.utils.timezone.now", return_value=datetime(2025, 3, 31, 22, 30, tzinfo=UTC)):
        adjustment_post(
            vendor=seller.vendor, amount=Decimal("5.00"), currency="EUR", reason="bonus", created_by_id=staff_user.pk
        )
    client = client_for(seller.user)
    # it is April's entry
    assert client.get("/api/v1/vendor/statements/").json() == [{"month": "2025-04", "entries": 1}]

    # then April's CSV and PDF date it in April, as the shop's clock read, not 31 March
    rows = list(csv.DictReader(io.StringIO(client.get("/api/v1/vendor/statements/2025-04/csv/").content.decode())))
    [entry] = [row for row in rows if row["type"] == "adjustment"]
    assert (entry["date"], entry["available_at"]) == ("2025-04-01", "2025-04-01T00:30:00+02:00")
    shown = _pdf_text(client.get("/api/v1/vendor/statements/2025-04/pdf/").content)
    assert "2025-04-01" in shown and "2025-03-31" not in shown, shown


def test_a_pdf_statement_prints_the_vendors_name_and_reasons_beyond_latin_1(staff_user):
    # given a vendor whose name and entries' reasons are not Latin-1
    seller = VendorMembershipFactory.create(vendor__name="Łódź Ceramika")
    for reason in ("Gutschrift 5 €", "Ευχαριστούμε Αθήνα"):
        adjustment_post(
            vendor=seller.vendor, amount=Decimal("5.00"), currency="EUR", reason=reason, created_by_id=staff_user.pk
        )
    month = timezone.localdate().strftime("%Y-%m")
    client = client_for(seller.user)
    assert client.get(f"/api/v1/vendor/statements/{month}/").json()["vendor"] == "Łódź Ceramika"

    # then the PDF shows them as the JSON does, not as question marks
    shown = _pdf_text(client.get(f"/api/v1/vendor/statements/{month}/pdf/").content)
    assert "Łódź Ceramika" in shown and "Gutschrift 5 €" in shown and "Ευχαριστούμε Αθήνα" in shown, shown
    assert "?" not in shown, shown


@pytest.mark.parametrize("month", ["2024-13", "1999-01", "next", "2999-01", "9999-12"])
def test_a_statement_of_no_month_or_a_future_one_is_404(seller, month):
    for suffix in ("", "csv/", "pdf/"):
        r = client_for(seller.user).get(f"/api/v1/vendor/statements/{month}/{suffix}")
        assert r.status_code == 404, (month, suffix)


def test_a_statement_escapes_text_a_spreadsheet_would_run(seller, staff_user):
    from agora.ledger.services import adjustment_post

    adjustment_post(
        vendor=seller.vendor,
        amount=Decimal("1.00"),
        currency="EUR",
        reason="=HYPERLINK(1)",
        created_by_id=staff_user.pk,
    )
    month = timezone.localdate().strftime("%Y-%m")
    body = client_for(seller.user).get(f"/api/v1/vendor/statements/{month}/csv/").content.decode()
    assert "'=HYPERLINK(1)" in body


def test_portal_money_reads_stay_within_their_query_budgets(seller, django_assert_max_num_queries):
    from agora.accounts.tests.factories import UserFactory
    from agora.ledger.services import adjustment_post

    staff = UserFactory.create(is_staff=True)
    for i in range(15):  # more rows must not mean more queries
        adjustment_post(
            vendor=seller.vendor, amount=Decimal("1.00"), currency="EUR", reason=f"r{i}", created_by_id=staff.pk
        )
    client = client_for(seller.user)
    month = timezone.localdate().strftime("%Y-%m")
    for path, budget in (
        ("/api/v1/vendor/ledger/", 6),
        ("/api/v1/vendor/balance/", 4),
        ("/api/v1/vendor/earnings/", 4),
        (f"/api/v1/vendor/statements/{month}/", 5),
    ):
        with django_assert_max_num_queries(budget):
            assert client.get(path).status_code == 200, path
