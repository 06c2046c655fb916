import pytest

from agora.accounts.tests.factories import AddressFactory
from testing.clients import client_for

pytestmark = pytest.mark.django_db

URL = "/api/v1/me/addresses/"
ADDRESS = {"full_name": "Ann Lee", "line1": "1 Main St", "city": "Berlin", "postal_code": "10115", "country": "de"}


def test_address_crud(auth_client):
    created = auth_client.post(URL, ADDRESS, format="json")
    assert created.status_code == 201
    body = created.json()
    assert body["country"] == "DE" and body["is_default"] is True  # the first address is the default

    second = auth_client.post(URL, {**ADDRESS, "city": "Hamburg", "is_default": True}, format="json").json()
    listed = auth_client.get(URL).json()["results"]
    assert [a["city"] for a in listed] == ["Hamburg", "Berlin"]
    assert [a["is_default"] for a in listed] == [True, False]

    patched = auth_client.patch(f"{URL}{body['id']}/", {"city": "Munich"}, format="json")
    assert patched.status_code == 200 and patched.json()["city"] == "Munich"

    assert auth_client.delete(f"{URL}{second['id']}/").status_code == 204
    assert auth_client.get(f"{URL}{second['id']}/").status_code == 404


def test_another_users_address_is_404_for_every_method(auth_client, make_user):
    theirs = AddressFactory.create(user=make_user())
    for method in ("get", "patch", "delete"):
        r = getattr(auth_client, method)(f"{URL}{theirs.id}/", {"city": "X"}, format="json")
        assert r.status_code == 404, method
        assert r.json()["error"]["code"] == "not_found"
    theirs.refresh_from_db()
    assert theirs.city != "X"
    assert auth_client.get(URL).json()["results"] == []


def test_saved_addresses_are_a_paginated_list_default_first(auth_client):
    """Every list of the API is paginated ({count, next, previous, results}, ?page, ?page_size up to
    100, larger values clamped): the saved addresses too, the default one first, then oldest first."""
    cities = ["Berlin", "Hamburg", "Munich", "Bonn", "Essen"]
    for city in cities:
        auth_client.post(URL, {**ADDRESS, "city": city, "is_default": city == "Munich"}, format="json")
    order = ["Munich", "Berlin", "Hamburg", "Bonn", "Essen"]

    first = auth_client.get(URL, {"page_size": 2})
    assert first.status_code == 200
    body = first.json()
    assert body["count"] == 5 and body["previous"] is None
    assert [a["city"] for a in body["results"]] == order[:2]
    assert body["results"][0]["is_default"] is True
    second = auth_client.get(body["next"]).json()
    assert [a["city"] for a in second["results"]] == order[2:4]
    last = auth_client.get(second["next"]).json()
    assert [a["city"] for a in last["results"]] == order[4:] and last["next"] is None

    clamped = auth_client.get(URL, {"page_size": 1000}).json()
    assert [a["city"] for a in clamped["results"]] == order and clamped["next"] is None
    assert auth_client.get(URL, {"page": 9}).status_code == 404


def test_the_saved_addresses_list_reads_in_two_queries(auth_client, django_assert_num_queries):
    """The caller, then one page of addresses with their count: no separate COUNT."""
    for city in ("Berlin", "Hamburg", "Munich"):
        auth_client.post(URL, {**ADDRESS, "city": city}, format="json")
    with django_assert_num_queries(2):
        body = auth_client.get(URL, {"page_size": 2}).json()
    assert body["count"] == 3 and len(body["results"]) == 2


@pytest.mark.parametrize(
    "body,field",
    [
        ({**ADDRESS, "country": "Germany"}, "country"),
        ({k: v for k, v in ADDRESS.items() if k != "city"}, "city"),
        ({**ADDRESS, "user": 1}, "user"),
        ({**ADDRESS, "line1": "x" * 500}, "line1"),
    ],
)
def test_bad_address_is_400_and_saves_nothing(auth_client, user, body, field):
    r = auth_client.post(URL, body, format="json")
    assert r.status_code == 400
    assert field in r.json()["error"]["details"]
    assert not user.addresses.exists()


def test_addresses_require_authentication(api_client, user):
    assert api_client.get(URL).status_code == 401
    assert client_for(user).get(URL).status_code == 200
