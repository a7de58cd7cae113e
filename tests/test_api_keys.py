"""API keys: shown once, stored hashed, accepted raw or as Bearer, revocable; the manage.py command."""
from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from remixes import apikeys
from remixes.models import ApiKey

pytestmark = pytest.mark.django_db


def test_a_new_key_is_stored_only_as_a_hash(owner):
    key, raw = apikeys.create_api_key(owner, "laptop")
    assert raw.startswith("rmx_") and len(raw) > 40
    assert raw not in (key.key_hash, key.prefix) and raw.startswith(key.prefix)
    assert key.name == "laptop" and key.is_active


def test_it_authenticates_raw_and_bearer_keys(owner):
    _, raw = apikeys.create_api_key(owner)
    assert apikeys.authenticate(raw).user == owner
    assert apikeys.authenticate(f"Bearer {raw}").user == owner
    assert apikeys.authenticate(f"bearer   {raw} ").user == owner
    assert apikeys.authenticate(raw[:-1]) is None
    assert apikeys.authenticate("") is None and apikeys.authenticate(None) is None


def test_revoked_keys_and_inactive_accounts_do_not_authenticate(owner, other_user):
    key, raw = apikeys.create_api_key(owner)
    apikeys.revoke_api_key(key)
    assert key.revoked_at is not None and apikeys.authenticate(raw) is None
    _, other_raw = apikeys.create_api_key(other_user)
    other_user.is_active = False
    other_user.save()
    assert apikeys.authenticate(other_raw) is None


def test_the_command_prints_a_working_key(owner):
    out, err = io.StringIO(), io.StringIO()
    call_command("create_api_key", "owner", "--name", "ci", stdout=out, stderr=err)
    raw = out.getvalue().strip()
    assert apikeys.authenticate(raw).user == owner
    assert ApiKey.objects.get(user=owner).name == "ci"
    assert "will not be shown again" in err.getvalue()


def test_the_command_rejects_unknown_users():
    with pytest.raises(CommandError, match="nobody"):
        call_command("create_api_key", "nobody", stdout=io.StringIO(), stderr=io.StringIO())
