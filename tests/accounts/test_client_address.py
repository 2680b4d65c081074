"""The login throttle counts per real client: a forged X-Forwarded-For neither dodges it nor frames someone else."""

import pytest
from django.test import RequestFactory

from quillium_site.client_address import client_address

pytestmark = pytest.mark.django_db

TOKEN = "/api/v1/auth/token/"


def test_thirty_spoofed_forwarded_for_attempts_are_throttled(api, alice):
    statuses = [
        api.post(
            TOKEN, {"email": alice.email, "password": "wrong"}, HTTP_X_FORWARDED_FOR=f"203.0.113.{attempt}"
        ).status_code
        for attempt in range(30)
    ]

    assert statuses[:10] == [401] * 10
    assert set(statuses[10:]) == {429}


def test_spoofed_forwarded_for_on_the_sign_in_page_is_throttled(client, alice):
    statuses = [
        client.post(
            "/accounts/login/",
            {"username": alice.email, "password": "nope"},
            HTTP_X_FORWARDED_FOR=f"198.51.100.{attempt}",
        ).status_code
        for attempt in range(30)
    ]

    assert statuses.count(429) == 20


def test_a_trusted_proxy_passes_on_each_clients_own_allowance(api, alice, settings):
    settings.TRUSTED_PROXIES = ["127.0.0.0/8"]

    first = [
        api.post(TOKEN, {"email": alice.email, "password": "wrong"}, HTTP_X_FORWARDED_FOR="203.0.113.7").status_code
        for _ in range(11)
    ]
    other = api.post(TOKEN, {"email": alice.email, "password": "wrong"}, HTTP_X_FORWARDED_FOR="203.0.113.8")

    assert first[-1] == 429
    assert other.status_code == 401


@pytest.mark.parametrize(
    ("remote", "forwarded", "trusted", "expected"),
    [
        ("10.0.0.5", "1.2.3.4", [], "10.0.0.5"),
        ("10.0.0.5", "1.2.3.4", ["192.168.0.0/16"], "10.0.0.5"),
        ("10.0.0.5", "1.2.3.4", ["10.0.0.0/8"], "1.2.3.4"),
        # The client prepends a lie; the proxy appends what it saw: the right-most untrusted hop wins.
        ("10.0.0.5", "6.6.6.6, 1.2.3.4", ["10.0.0.0/8"], "1.2.3.4"),
        ("10.0.0.5", "1.2.3.4, 10.0.0.9", ["10.0.0.0/8"], "1.2.3.4"),
        ("10.0.0.5", "not-an-ip", ["10.0.0.0/8"], "10.0.0.5"),
        ("10.0.0.5", "", ["10.0.0.0/8"], "10.0.0.5"),
        ("::1", "2001:db8::1", ["::1/128"], "2001:db8::1"),
    ],
)
def test_client_address(settings, remote, forwarded, trusted, expected):
    settings.TRUSTED_PROXIES = trusted
    request = RequestFactory().get("/", REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded)

    assert client_address(request) == expected
