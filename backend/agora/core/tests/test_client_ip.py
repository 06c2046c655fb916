"""Behind the ALB every request comes from a load balancer node: the client is the address the
trusted proxies appended to X-Forwarded-For (NUM_PROXIES of them), never a hop the client wrote."""

import json

import pytest

from agora.core.client_ip import client_ip_from

ALB = "10.0.1.23"  # the load balancer node: REMOTE_ADDR of every request


@pytest.mark.parametrize(
    "forwarded_for,num_proxies,expected",
    [
        (None, 1, ALB),  # a direct request (health check): the peer
        ("203.0.113.7", 0, ALB),  # no proxy trusted: the header is ignored
        ("203.0.113.7", 1, "203.0.113.7"),
        ("6.6.6.6, 203.0.113.7", 1, "203.0.113.7"),  # a spoofed extra hop is ignored
        ("6.6.6.6,203.0.113.7", 1, "203.0.113.7"),
        ("6.6.6.6, 203.0.113.7, 130.176.0.1", 2, "203.0.113.7"),  # CloudFront, then the ALB
        ("203.0.113.7", 2, "203.0.113.7"),  # fewer hops than proxies: the first one
        ("2001:db8::1", 1, "2001:db8::1"),
        ("not-an-address", 1, ALB),  # garbage is never an identity
        ("", 1, ALB),
        ("6.6.6.6, ", 1, ALB),
    ],
)
def test_client_ip_from_forwarded_hops(forwarded_for, num_proxies, expected):
    assert client_ip_from(forwarded_for, ALB, num_proxies) == expected


def _login(client, email, password, ip, spoof=None):
    forwarded = f"{spoof}, {ip}" if spoof else ip
    return client.post(
        "/api/v1/auth/token/",
        {"email": email, "password": password},
        format="json",
        REMOTE_ADDR=ALB,
        HTTP_X_FORWARDED_FOR=forwarded,
    )


@pytest.mark.django_db
def test_login_throttle_keys_on_the_client_behind_the_alb_not_the_alb(api_client, settings, make_user):
    # given the app behind one proxy (the ALB) and 3 failed logins per address per minute
    settings.NUM_PROXIES = 1
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "login_ip": "3/min"},
    }
    victims = [make_user() for _ in range(3)]
    # when one client fails three times on different accounts
    for victim in victims:
        assert _login(api_client, victim.email, "wrong-password", "198.51.100.9").status_code == 401
    # then that client is throttled, even when it writes another client's address in front
    assert _login(api_client, victims[0].email, "wrong-password", "198.51.100.9").status_code == 429
    assert _login(api_client, victims[0].email, "x", "198.51.100.9", spoof="203.0.113.50").status_code == 429
    # and every other shopper behind the same load balancer still signs in
    shopper = make_user()
    from agora.accounts.tests.factories import PASSWORD

    assert _login(api_client, shopper.email, PASSWORD, "203.0.113.50").status_code == 200


@pytest.mark.django_db
def test_sign_up_throttle_is_per_client_not_site_wide(api_client, settings):
    settings.NUM_PROXIES = 1
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "register": "2/hour"},
    }

    def register(n, ip):
        return api_client.post(
            "/api/v1/auth/register/",
            {"email": f"new{n}@example.com", "password": "a-long-passphrase"},
            format="json",
            REMOTE_ADDR=ALB,
            HTTP_X_FORWARDED_FOR=ip,
        )

    assert register(1, "198.51.100.1").status_code == 201
    assert register(2, "198.51.100.1").status_code == 201
    assert register(3, "198.51.100.1").status_code == 429
    assert register(4, "203.0.113.2").status_code == 201, "another shopper behind the same ALB may sign up"


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_the_access_log_records_the_client_not_a_spoofed_hop(tmp_path):
    import urllib.request

    from testing.server import GunicornServer

    access_log = tmp_path / "access.log"
    server = GunicornServer(tmp_path / "web.log", workers=1, access_log=access_log, extra_env={"NUM_PROXIES": "1"})
    server.start()
    try:
        request = urllib.request.Request(  # noqa: S310 - loopback
            f"{server.url}/health/?from=test", headers={"X-Forwarded-For": "6.6.6.6, 203.0.113.7"}
        )
        urllib.request.urlopen(request, timeout=5).read()  # noqa: S310 - loopback
    finally:
        server.stop()
    lines = [json.loads(line) for line in access_log.read_text().splitlines() if line.startswith("{")]
    entry = next(line for line in lines if line["query"] == "from=test")
    assert entry["client_ip"] == "203.0.113.7", entry
    assert entry["forwarded_for"] == "6.6.6.6, 203.0.113.7" and entry["peer"] == "127.0.0.1"
