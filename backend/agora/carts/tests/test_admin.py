"""The carts back office."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from agora.accounts.tests.factories import UserFactory
from agora.carts.models import Cart

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, make_user):
    client.force_login(make_user(is_staff=True, is_superuser=True))
    return client


def _carts(n: int) -> None:
    for _ in range(n):
        Cart.objects.create(user=UserFactory.create())


def test_the_cart_changelist_does_not_query_once_per_row(admin_client):
    url = reverse("admin:carts_cart_changelist")
    _carts(1)
    admin_client.get(url)  # warm up (session, content types)
    with CaptureQueriesContext(connection) as one:
        assert admin_client.get(url).status_code == 200
    _carts(19)
    with CaptureQueriesContext(connection) as twenty:
        page = admin_client.get(url)
    assert page.status_code == 200 and page.context["cl"].result_count == 20
    assert len(twenty) == len(one), f"{len(one)} queries for 1 cart, {len(twenty)} for 20"


def test_a_guest_carts_page_does_not_show_its_token(admin_client):
    """The X-Cart-Token reads and changes the guest's cart (and the order placed from it): staff
    find a guest cart by its number or its lines, and never see, or pass on, that key."""
    cart = Cart.objects.create()
    for url in (reverse("admin:carts_cart_change", args=[cart.pk]), reverse("admin:carts_cart_changelist")):
        page = admin_client.get(url)
        assert page.status_code == 200
        assert cart.token not in page.content.decode(), f"the guest's cart token is on {url}"


def test_staff_cannot_find_a_guest_cart_by_guessing_part_of_its_token(admin_client):
    cart = Cart.objects.create()
    url = reverse("admin:carts_cart_changelist")
    assert admin_client.get(url, {"q": cart.token[:4]}).context["cl"].result_count == 0
    # the whole token (a shopper reading it out to support) still finds it
    assert admin_client.get(url, {"q": cart.token}).context["cl"].result_count == 1
