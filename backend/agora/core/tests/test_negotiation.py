"""The API answers JSON to every request that accepts it, and 406 to one that accepts no JSON,
whether the fast path or DRF's own negotiation decided (agora.core.negotiation)."""

import pytest

pytestmark = pytest.mark.django_db

URL = "/api/v1/categories/"


@pytest.mark.parametrize(
    "accept",
    [
        None,
        "*/*",
        "application/json",
        " application/json ",
        "application/json, text/plain, */*",
        "text/html;q=0.9, */*;q=0.1",
        "application/*",
    ],
)
def test_a_request_that_accepts_json_gets_json(client, accept):
    headers = {} if accept is None else {"HTTP_ACCEPT": accept}
    response = client.get(URL, **headers)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert isinstance(response.json(), list | dict)


@pytest.mark.parametrize("accept", ["text/html", "application/xml", "image/png, text/plain"])
def test_a_request_that_accepts_no_json_gets_406_in_the_error_shape(client, accept):
    response = client.get(URL, HTTP_ACCEPT=accept)
    assert response.status_code == 406
    assert response.json()["error"]["code"] == "not_acceptable"


def test_a_format_the_api_does_not_render_is_not_found(client):
    assert client.get(URL, {"format": "xml"}).status_code == 404
    assert client.get(URL, {"format": "json"}).status_code == 200
