"""The account page: balance and ledger, API keys (shown once, listed by prefix, revoked), the
webhook secret (reveal, rotate) and recent webhook deliveries."""
from __future__ import annotations

import pytest
from django.urls import reverse

from remixes import apikeys
from remixes.models import ApiKey, WebhookDelivery
from tests.test_views_helpers import submit_task

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def test_it_shows_the_balance_and_the_ledger(owner_client, owner):
    submit_task(owner)
    body = owner_client.get(reverse("account")).content.decode()
    assert "195.00" in body  # 200 starter credits less a 5-credit hold
    assert "Held while remixing" in body and "-5.00" in body


def test_it_creates_an_api_key_and_shows_it_once(owner_client, owner):
    response = owner_client.post(reverse("api_key_create"), {"name": "laptop"}, **HTMX)
    assert response.status_code == 200
    key = ApiKey.objects.get(user=owner)
    body = response.content.decode()
    raw = body.split("data-new-key>")[1].split("<")[0]
    assert apikeys.authenticate(raw) == key
    assert "<html" not in body and key.prefix in body
    later = owner_client.get(reverse("account")).content.decode()
    assert raw not in later and f"{key.prefix}…" in later
    assert "ago" in later  # authenticate() above marked the key used


def test_it_revokes_an_api_key(owner_client, owner):
    key, raw = apikeys.create_api_key(owner, "ci")
    response = owner_client.post(reverse("api_key_revoke", args=[key.pk]), **HTMX)
    assert response.status_code == 200 and "Revoked" in response.content.decode()
    assert apikeys.authenticate(raw) is None


def test_it_will_not_revoke_someone_elses_key(client, owner, other_user):
    key, raw = apikeys.create_api_key(owner, "mine")
    client.force_login(other_user)
    assert client.post(reverse("api_key_revoke", args=[key.pk])).status_code == 404
    assert apikeys.authenticate(raw) == key


def test_it_reveals_and_rotates_the_webhook_secret(owner_client, owner):
    page = owner_client.get(reverse("account")).content.decode()
    assert owner.webhook_secret not in page
    revealed = owner_client.get(reverse("webhook_secret"), **HTMX).content.decode()
    assert owner.webhook_secret in revealed
    rotated = owner_client.post(reverse("webhook_secret_rotate"), **HTMX).content.decode()
    owner.refresh_from_db()
    assert owner.webhook_secret.startswith("whsec_") and owner.webhook_secret in rotated
    assert "Rotated" in rotated


def test_it_lists_recent_webhook_deliveries(owner_client, owner, other_user):
    task = submit_task(owner)
    WebhookDelivery.objects.create(
        webhook_id="msg_1", user=owner, task=task, url="https://hooks.example.com/in", event="conversion",
        payload={}, status="failed", attempts=3, last_status_code=500, last_error="<b>boom</b>",
    )
    WebhookDelivery.objects.create(
        webhook_id="msg_2", user=other_user, url="https://theirs.example.com/", event="conversion", payload={},
    )
    body = owner_client.get(reverse("account")).content.decode()
    assert "https://hooks.example.com/in" in body and "HTTP 500" in body
    assert "&lt;b&gt;boom&lt;/b&gt;" in body
    assert "theirs.example.com" not in body


@pytest.mark.parametrize(
    "name, method, args",
    [
        ("account", "get", []),
        ("api_key_create", "post", []),
        ("webhook_secret", "get", []),
        ("webhook_secret_rotate", "post", []),
        ("history", "get", []),
    ],
)
def test_its_views_need_login_and_the_right_method(client, owner, name, method, args):
    url = reverse(name, args=args)
    response = getattr(client, method)(url)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    client.force_login(owner)
    assert getattr(client, method)(url).status_code == 200
    wrong = client.post if method == "get" else client.get
    assert wrong(url).status_code == 405


def test_its_revoke_view_needs_login_and_post(client, owner):
    key, _ = apikeys.create_api_key(owner)
    url = reverse("api_key_revoke", args=[key.pk])
    assert client.post(url).status_code == 302
    client.force_login(owner)
    assert client.get(url).status_code == 405
    assert client.post(url).status_code == 200
