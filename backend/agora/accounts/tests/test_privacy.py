"""Personal data: a copy of everything the shop keeps about a person (prepared on the worker,
link emailed, downloaded by its owner), and account deletion (personal fields erased, the books
kept)."""

import json
from datetime import timedelta
from pathlib import Path

import pytest
from django.core import mail
from django.http import StreamingHttpResponse
from django.utils import timezone

from agora.accounts.models import DataExport, User
from agora.accounts.services import data_export_build, data_exports_cleanup
from agora.accounts.tests.factories import PASSWORD, AddressFactory
from agora.carts.models import Cart
from agora.carts.tests.factories import CartFactory, sellable_variant
from agora.notifications.models import Notification
from agora.orders.fulfilment import LineQuantity
from agora.orders.models import Order, OrderLine, VendorOrder
from agora.orders.services import order_process, vendor_order_ship
from agora.orders.tests.helpers import fill_cart, post_checkout, shipping_methods
from agora.payments.models import Payment
from agora.returns.models import ReturnRequest
from agora.returns.services import return_create, return_dispute, return_reject
from agora.vendors.models import VendorMembership
from agora.vendors.tests.factories import VendorMembershipFactory
from testing.clients import client_for
from testing.outbox import deliver_all
from testing.worker import wait_for

EXPORT = "/api/v1/me/export/"
ME = "/api/v1/me/"


def deliver(order: Order) -> Order:
    """What the worker and the vendors do with a paid order: confirm it, then ship every parcel."""
    order_process(order_id=order.pk)
    for vo in VendorOrder.objects.filter(order=order):
        vendor_order_ship(vendor_order=vo)
    order.refresh_from_db()
    return order


def paid_order(user, **over) -> Order:
    shipping_methods()
    fill_cart(CartFactory.create(user=user), (sellable_variant(price="12.00"), 2))
    r = post_checkout(client_for(user), **{"email": None, **over})
    assert r.status_code == 201, r.content
    return Order.objects.get(number=r.json()["number"])


@pytest.fixture
def shopper(make_user):
    """A shopper with a verified address, an address book entry, a paid and delivered order and a
    cart line."""
    user = make_user(first_name="Ada", last_name="Lovelace", email_verified_at=timezone.now())
    AddressFactory.create(user=user, full_name="Ada Lovelace", line1="12 Analytical Street", city="London")
    deliver(paid_order(user))
    fill_cart(Cart.objects.get(user=user), (sellable_variant(price="3.00"), 1))
    return user


# --- export ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_an_export_is_prepared_emailed_and_downloaded_by_its_owner_only(shopper, make_user, ask_reset):
    client = client_for(shopper)
    r = client.post(EXPORT)
    assert r.status_code == 202 and r.json()["status"] == "queued" and r.json()["download_url"] is None
    assert client.post(EXPORT).json()["id"] == r.json()["id"], "asking again while it is prepared returns it"

    ask_reset(shopper.email, client=client)
    deliver_all()  # an email the archive lists
    assert data_export_build(export_id=r.json()["id"]) == "ready"  # what the worker does
    assert data_export_build(export_id=r.json()["id"]) == "skipped"
    [email] = [m for m in deliver_all() if "data export" in m.subject]
    assert email.to == [shopper.email] and "/account/privacy" in email.body

    listed = client.get(EXPORT).json()[0]
    assert listed["status"] == "ready" and listed["download_url"] == f"/api/v1/me/export/{listed['id']}/download/"
    download = client.get(listed["download_url"])
    assert download.status_code == 200 and download["Content-Type"] == "application/json"
    assert "attachment" in download["Content-Disposition"]
    assert isinstance(download, StreamingHttpResponse)  # streamed, not built in memory
    data = json.loads(b"".join(download.streaming_content))
    assert data["account"]["email"] == shopper.email and data["account"]["first_name"] == "Ada"
    assert data["addresses"][0]["line1"] == "12 Analytical Street"
    assert data["orders"][0]["total"] and data["orders"][0]["lines"][0]["quantity"] == 2
    assert data["cart"]["items"][0]["quantity"] == 1
    assert data["vendor"] is None
    assert {e["template"] for e in data["emails"]} == {"order_confirmed", "parcel_shipped", "password_reset"}, (
        "the emails sent to them"
    )

    # nobody else can download it, not even knowing the id
    assert client_for(make_user()).get(listed["download_url"]).status_code == 404


@pytest.mark.django_db
def test_export_files_are_private_and_expire(shopper, settings, django_capture_on_commit_callbacks):
    client = client_for(shopper)
    export_id = client.post(EXPORT).json()["id"]
    data_export_build(export_id=export_id)
    export = DataExport.objects.get(pk=export_id)
    assert export.file.name
    path = Path(settings.PRIVATE_MEDIA_ROOT) / export.file.name
    assert path.is_file() and not (Path(settings.MEDIA_ROOT) / export.file.name).exists()

    DataExport.objects.filter(pk=export_id).update(expires_at=timezone.now() - timedelta(minutes=1))
    assert client.get(f"{EXPORT}{export_id}/download/").status_code == 404
    with django_capture_on_commit_callbacks(execute=True):
        assert data_exports_cleanup() == 1
    assert DataExport.objects.get(pk=export_id).status == "expired"
    assert not path.exists(), "the file is deleted"


@pytest.mark.django_db
def test_exports_are_throttled_per_account(shopper):
    client = client_for(shopper)
    for _ in range(3):
        export_id = client.post(EXPORT).json()["id"]
        data_export_build(export_id=export_id)
    assert client.post(EXPORT).status_code == 429


@pytest.fixture
def worker_private(settings, celery_worker):
    """This test's private storage is the (session-wide) worker's; files it adds are removed."""
    import shutil

    from config.settings.env import REPO_DIR

    root = Path(celery_worker.env().get("PRIVATE_MEDIA_ROOT") or REPO_DIR / ".data" / "private")
    root.mkdir(parents=True, exist_ok=True)
    before = set(root.rglob("*"))
    settings.PRIVATE_MEDIA_ROOT = str(root)
    yield root
    for path in sorted(set(root.rglob("*")) - before, key=lambda p: len(p.parts), reverse=True):
        shutil.rmtree(path, ignore_errors=True) if path.is_dir() else path.unlink(missing_ok=True)


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_the_worker_prepares_the_export_and_the_outbox_sends_the_link(make_user, worker_private):
    user = make_user()
    client = client_for(user)
    export_id = client.post(EXPORT).json()["id"]
    wait_for(lambda: DataExport.objects.get(pk=export_id).status == "ready", message="the worker to build it")
    wait_for(
        lambda: Notification.objects.filter(key=f"data_export_ready:{export_id}", status="sent").exists(),
        message="the link to be emailed",
    )
    download = client.get(f"{EXPORT}{export_id}/download/")
    assert isinstance(download, StreamingHttpResponse)
    assert json.loads(b"".join(download.streaming_content))["account"]["email"] == user.email


# --- deletion ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_deleting_needs_the_password(shopper):
    r = client_for(shopper).delete(ME, {"password": "wrong-password"}, format="json")
    assert r.status_code == 400 and "password" in r.json()["error"]["details"]
    r = client_for(shopper).delete(ME, {}, format="json")
    assert r.status_code == 400
    assert User.objects.get(pk=shopper.pk).is_active


@pytest.mark.django_db
def test_wrong_passwords_at_deletion_are_throttled_like_sign_ins(shopper):
    # a stolen access token must not be a way to try passwords without end
    client = client_for(shopper)
    for i in range(10):
        assert client.delete(ME, {"password": f"guess-{i}"}, format="json").status_code == 400
    r = client.delete(ME, {"password": PASSWORD}, format="json")
    assert r.status_code == 429 and r.json()["error"]["code"] == "throttled"
    assert User.objects.get(pk=shopper.pk).is_active
    assert client.get(ME).status_code == 200  # reading the account is not throttled


@pytest.mark.django_db
def test_a_vendor_owner_cannot_delete_the_account(make_user):
    owner = VendorMembershipFactory.create().user
    r = client_for(owner).delete(ME, {"password": PASSWORD}, format="json")
    assert r.status_code == 409
    assert User.objects.get(pk=owner.pk).is_active


@pytest.mark.django_db
def test_deleting_waits_until_the_paid_orders_are_delivered(make_user):
    # the vendor still has to ship what was paid for: erasing the address now would lose the parcel
    user = make_user(email_verified_at=timezone.now())
    order = paid_order(user)
    r = client_for(user).delete(ME, {"password": PASSWORD}, format="json")
    assert r.status_code == 409, r.content
    error = r.json()["error"]
    assert error["code"] == "orders_in_progress" and error["details"] == {"orders": [order.number]}
    assert order.number in error["message"] and "delivered, cancelled or closed" in error["message"]
    order.refresh_from_db()
    assert User.objects.get(pk=user.pk).is_active and order.shipping_address["line1"] == "12 Analytical Street"
    # confirmed, still not shipped
    order_process(order_id=order.pk)
    assert client_for(user).delete(ME, {"password": PASSWORD}, format="json").status_code == 409
    # delivered: the account may go
    deliver(order)
    assert client_for(user).delete(ME, {"password": PASSWORD}, format="json").status_code == 204


@pytest.mark.django_db
def test_deleting_waits_until_the_returns_are_settled(make_user):
    user = make_user(email_verified_at=timezone.now())
    order = deliver(paid_order(user))
    line = OrderLine.objects.get(order=order)
    rr = return_create(
        order=order, vendor_order_id=line.vendor_order_id, lines=[LineQuantity(line.pk, 1)], reason="Too small."
    )
    r = client_for(user).delete(ME, {"password": PASSWORD}, format="json")
    assert r.status_code == 409 and r.json()["error"]["details"] == {"orders": [order.number]}
    rr = return_reject(return_request=rr, note="Used.")
    rr = return_dispute(return_request=rr, reason="It was not.")
    assert client_for(user).delete(ME, {"password": PASSWORD}, format="json").status_code == 409, "disputed"
    ReturnRequest.objects.filter(pk=rr.pk).update(status=ReturnRequest.Status.CLOSED)
    assert client_for(user).delete(ME, {"password": PASSWORD}, format="json").status_code == 204


@pytest.mark.django_db
def test_deleting_erases_personal_data_and_keeps_the_books(shopper, api_client):
    email = shopper.email
    order = Order.objects.get(user=shopper)
    total, lines, payments = order.total, order.lines.count(), Payment.objects.filter(order=order).count()
    deliver_all()
    mail.outbox.clear()
    tokens = api_client.post("/api/v1/auth/token/", {"email": email, "password": PASSWORD}).json()

    r = client_for(shopper).delete(ME, {"password": PASSWORD}, format="json")
    assert r.status_code == 204

    user = User.objects.get(pk=shopper.pk)
    assert user.email == f"deleted-{user.pk}@deleted.invalid"
    assert (user.first_name, user.last_name, user.is_active, user.has_usable_password()) == ("", "", False, False)
    assert not user.addresses.exists() and not Cart.objects.filter(user=user).exists()
    # the order stays for the books, without the person
    order.refresh_from_db()
    assert order.user_id == user.pk and order.total == total and order.lines.count() == lines
    assert Payment.objects.filter(order=order).count() == payments
    assert order.email == user.email
    assert order.shipping_address["country"] == "GB"
    assert not any(v for k, v in order.shipping_address.items() if k != "country")
    # no email to the old address is left in the outbox, except the goodbye, forgotten once sent
    goodbye = Notification.objects.get(template="account_deleted")
    assert not Notification.objects.filter(to__iexact=email).exclude(pk=goodbye.pk).exists()
    deliver_all()
    assert [m.to for m in mail.outbox] == [[email]] and "deleted" in mail.outbox[0].subject
    goodbye.refresh_from_db()
    assert goodbye.to != email and goodbye.context == {}
    # nobody can sign in as them, and their sessions are gone
    assert api_client.post("/api/v1/auth/token/", {"email": email, "password": PASSWORD}).status_code == 401
    assert api_client.post("/api/v1/auth/token/refresh/", {"refresh": tokens["refresh"]}).status_code == 401
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {tokens['access']}")
    assert api_client.get(ME).status_code == 401
    # and the address may sign up again as a new person
    assert (
        api_client.post("/api/v1/auth/register/", {"email": email, "password": "a-long-passphrase"}).status_code == 201
    )


@pytest.mark.django_db
def test_an_unverified_account_neither_reads_nor_erases_the_mail_of_the_address_it_claims(api_client):
    from agora.notifications.models import Notification

    # given a guest's order, its confirmation sent and a parcel notice still queued
    shipping_methods()
    cart = fill_cart(CartFactory.create(), (sellable_variant(), 1))
    assert post_checkout(api_client, token=cart.token, email="guest@example.com").status_code == 201
    Notification.objects.create(template="parcel_shipped", to="guest@example.com", context={"n": 1}, key="parcel-1")
    theirs = set(Notification.objects.filter(to="guest@example.com").values_list("pk", "status", "to"))
    # when someone signs up with the guest's address, never verifies it, exports, then deletes the account
    r = api_client.post("/api/v1/auth/register/", {"email": "guest@example.com", "password": "a-long-passphrase"})
    assert r.status_code == 201
    intruder = User.objects.get(email="guest@example.com")
    assert data_export_build(export_id=DataExport.objects.create(user=intruder).pk) == "ready"
    export = DataExport.objects.get(user=intruder)
    with export.file.open("rb") as f:
        assert json.load(f)["emails"] == []
    assert client_for(intruder).delete(ME, {"password": "a-long-passphrase"}, format="json").status_code == 204
    # then the guest's mail is as it was: addressed to them, the queued notice still to go
    assert theirs <= set(Notification.objects.filter(to="guest@example.com").values_list("pk", "status", "to"))


@pytest.mark.django_db
def test_no_email_is_queued_to_a_deleted_accounts_placeholder_address(shopper):
    # given a shopper who deleted their account: their delivered order stays for the books,
    # addressed to the account's placeholder
    order = Order.objects.get(user=shopper)
    assert client_for(shopper).delete(ME, {"password": PASSWORD}, format="json").status_code == 204
    order.refresh_from_db()
    assert order.email.endswith("@deleted.invalid")
    deliver_all()
    mail.outbox.clear()

    # when something about that order is still emailed to its contact address afterwards
    from agora.returns.notifications import lines_cancelled

    line = order.lines.all()[0]
    lines_cancelled(vendor_order=order.vendor_orders.get(), quantities={line.pk: 1}, amount=line.unit_price, reason="x")

    # then nothing is queued to the placeholder (only the forgotten mail of the account is
    # addressed to it), and nothing is sent to it
    assert list(Notification.objects.filter(to=order.email).exclude(status="failed")) == []
    deliver_all()
    assert [m.to for m in mail.outbox if any(to.endswith(".invalid") for to in m.to)] == []


# --- deletion by staff, in the admin ---------------------------------------------------------


@pytest.fixture
def admin(make_user):
    from django.test import Client

    staff = make_user(is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(staff)
    client.staff = staff  # type: ignore[attr-defined]
    return client


def _messages(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def _erased(user) -> bool:
    user = User.objects.get(pk=user.pk)
    return user.email == f"deleted-{user.pk}@deleted.invalid" and not user.is_active and not user.first_name


@pytest.mark.django_db
def test_staff_deleting_an_account_in_the_admin_erases_it_as_the_account_would(
    shopper, admin, django_capture_on_commit_callbacks
):
    from django.urls import reverse

    email = shopper.email
    order = Order.objects.get(user=shopper)
    export = DataExport.objects.create(user=shopper)
    assert data_export_build(export_id=export.pk) == "ready"
    export.refresh_from_db()
    stored = Path(export.file.path)
    assert stored.exists()
    url = reverse("admin:accounts_user_delete", args=[shopper.pk])

    confirm = admin.get(url)
    page = confirm.content.decode()
    assert confirm.status_code == 200 and email in page
    # staff are told what erasing keeps, not Django's "related items will be deleted"
    assert "will be deleted" not in page and "stay, anonymised" in page
    with django_capture_on_commit_callbacks(execute=True):
        r = admin.post(url, {"post": "yes"}, follow=True)
    assert r.status_code == 200 and r.redirect_chain[-1][0] == reverse("admin:accounts_user_changelist")
    assert any("deleted" in m for m in _messages(r))

    # the account is erased, not removed: its orders stay for the books, without the person
    assert _erased(shopper)
    order.refresh_from_db()
    assert order.user_id == shopper.pk and order.email != email
    assert order.shipping_address["country"] == "GB"
    assert not any(v for k, v in order.shipping_address.items() if k != "country")
    assert not DataExport.objects.filter(user=shopper).exists() and not stored.exists()
    assert not Notification.objects.filter(to__iexact=email).exclude(template="account_deleted").exists()


@pytest.mark.django_db
def test_the_admin_refuses_to_delete_what_the_account_could_not(make_user, admin):
    from django.urls import reverse

    owner = VendorMembershipFactory.create().user
    buyer = make_user(email_verified_at=timezone.now())
    order = paid_order(buyer)  # paid, not shipped yet
    for user, why in ((owner, "own a vendor"), (buyer, order.number), (admin.staff, "themselves")):
        r = admin.post(reverse("admin:accounts_user_delete", args=[user.pk]), {"post": "yes"}, follow=True)
        assert r.status_code == 200
        assert any(why in m for m in _messages(r)), _messages(r)
        assert User.objects.get(pk=user.pk).is_active and not _erased(user)
    assert VendorMembership.objects.filter(user=owner, role="owner").exists()
    order.refresh_from_db()
    assert order.shipping_address["line1"] == "12 Analytical Street"


@pytest.mark.django_db
def test_the_admins_delete_selected_action_erases_each_account_or_says_why_not(shopper, make_user, admin):
    from django.urls import reverse

    owner = VendorMembershipFactory.create().user
    url = reverse("admin:accounts_user_changelist")
    chosen = {"action": "delete_selected", "_selected_action": [shopper.pk, owner.pk, admin.staff.pk]}
    confirm = admin.post(url, chosen)
    page = confirm.content.decode()
    assert confirm.status_code == 200 and shopper.email in page  # the confirmation page
    assert "will be deleted" not in page and "stay, anonymised" in page
    r = admin.post(url, {**chosen, "post": "yes"}, follow=True)
    assert r.status_code == 200
    messages = _messages(r)
    assert _erased(shopper) and not Order.objects.get(user=shopper).shipping_address.get("line1")
    assert (
        User.objects.get(pk=owner.pk).is_active and VendorMembership.objects.filter(user=owner, role="owner").exists()
    )
    assert User.objects.get(pk=admin.staff.pk).is_active
    assert any("own a vendor" in m for m in messages) and any("themselves" in m for m in messages), messages


@pytest.mark.django_db
def test_deleting_forgets_the_emails_sent_to_the_orders_own_contact_address(make_user, api_client):
    # a signed-in shopper gave another address at checkout; a guest used that address too
    user = make_user(email_verified_at=timezone.now())
    order = deliver(paid_order(user, email="ada.orders@example.com"))
    guest = Order.objects.get(
        number=post_checkout(
            api_client,
            token=fill_cart(CartFactory.create(), (sellable_variant(), 1)).token,
            email="ada.orders@example.com",
        ).json()["number"]
    )
    deliver(guest)
    mine = Notification.objects.filter(to="ada.orders@example.com", context__order_number=order.number)
    assert {n.template for n in mine} == {"order_confirmed", "parcel_shipped"}
    theirs = set(
        Notification.objects.filter(to="ada.orders@example.com", context__order_number=guest.number).values_list(
            "pk", "to", "template", "status"
        )
    )
    assert theirs

    assert client_for(user).delete(ME, {"password": PASSWORD}, format="json").status_code == 204
    left = list(Notification.objects.filter(context__order_number=order.number).values_list("to", "template"))
    assert all(to != "ada.orders@example.com" for to, _ in left), left
    assert not Notification.objects.filter(to="ada.orders@example.com", context__order_number=order.number).exists()
    assert Notification.objects.filter(template="order_confirmed", context={}, to=f"deleted-{user.pk}@deleted.invalid")
    # the guest's emails about their own order are theirs, untouched
    assert theirs == set(
        Notification.objects.filter(to="ada.orders@example.com").values_list("pk", "to", "template", "status")
    )


@pytest.mark.django_db
def test_the_orders_access_token_stops_working_once_the_account_is_deleted(make_user, api_client):
    user = make_user(email_verified_at=timezone.now())
    shipping_methods()
    fill_cart(CartFactory.create(user=user), (sellable_variant(price="12.00"), 1))
    r = post_checkout(client_for(user), email=None)
    number, token = r.json()["number"], r.json()["access_token"]
    deliver(Order.objects.get(number=number))
    url = f"/api/v1/orders/{number}/"
    assert api_client.get(url, HTTP_X_ORDER_TOKEN=token).status_code == 200

    assert client_for(user).delete(ME, {"password": PASSWORD}, format="json").status_code == 204
    assert api_client.get(url, HTTP_X_ORDER_TOKEN=token).status_code == 404
    assert api_client.post(f"{url}returns/", {}, format="json", HTTP_X_ORDER_TOKEN=token).status_code == 404
    assert Order.objects.get(number=number).access_token not in ("", token)
