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
