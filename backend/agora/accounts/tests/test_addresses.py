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
    listed = auth_client.get(URL).json()
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
    assert auth_client.get(URL).json() == []


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
