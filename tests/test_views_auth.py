"""Sign-up, log-in, log-out and password change: Django's auth views, styled, on stable URLs."""
from __future__ import annotations

import pytest
from django.conf import settings

from remixes.models import User

pytestmark = pytest.mark.django_db


def test_it_signs_up_a_new_account_with_starter_credits(client):
    response = client.post(
        "/accounts/signup/",
        {"username": "newbie", "email": "", "password1": "a quiet river 42", "password2": "a quiet river 42"},
    )
    assert response.status_code == 302 and response["Location"] == "/"
    user = User.objects.get(username="newbie")
    assert user.credit_balance == settings.STARTER_CREDITS
    assert "Welcome" in client.get("/").content.decode()


def test_it_shows_sign_up_errors_inline(client):
    response = client.post("/accounts/signup/", {"username": "x", "password1": "123", "password2": "456"})
    assert response.status_code == 422
    assert "didn’t match" in response.content.decode() or "didn't match" in response.content.decode()


def test_it_logs_in_and_out(client, owner):
    page = client.get("/accounts/login/")
    assert page.status_code == 200 and 'name="password"' in page.content.decode()
    response = client.post("/accounts/login/", {"username": "owner", "password": "correct horse battery staple"})
    assert response.status_code == 302
    assert client.get("/account/").status_code == 200
    assert client.get("/accounts/logout/").status_code == 405
    assert client.post("/accounts/logout/").status_code == 302
    assert client.get("/account/").status_code == 302


def test_it_changes_the_password(owner_client, owner):
    assert owner_client.get("/accounts/password_change/").status_code == 200
    response = owner_client.post(
        "/accounts/password_change/",
        {"old_password": "correct horse battery staple", "new_password1": "purple tide 77x", "new_password2": "purple tide 77x"},
    )
    assert response.status_code == 302
    owner.refresh_from_db()
    assert owner.check_password("purple tide 77x")


def test_its_password_change_needs_login(client):
    response = client.get("/accounts/password_change/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
