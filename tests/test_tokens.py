"""Personal API tokens: shown once, stored as HMAC, scoped, expiring, revocable, and
suspended when one token turns up at too many addresses."""

from __future__ import annotations

import hashlib
import hmac
import re
from datetime import timedelta
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import RequestFactory, override_settings
from django.utils import timezone

from access.models import ApiToken, AuditEvent, TokenClient
from access.services import (
    person_revoke,
    token_authenticate,
    token_create,
    token_revoke,
    token_unsuspend,
)
from access.tokens import TokenError, bearer_token
from tests.people import ClientFor, form_post

LIST = "/account/tokens/"
RAW = re.compile(r"sora_[a-z0-9]{8}_[A-Za-z0-9_-]{32,}")


def use(
    raw: str, *, scope: str = "read", ip: str = "203.0.113.1", agent: str = "cli/1.0"
) -> ApiToken:
    return token_authenticate(raw=raw, scope=scope, ip=ip, user_agent=agent)


def refused(raw: str, **kwargs: Any) -> TokenError:
    with pytest.raises(TokenError) as caught:
        use(raw, **kwargs)
    return caught.value


def test_creating_a_token_shows_it_once(alice: User, client_for: ClientFor) -> None:
    client = client_for(alice)
    page = form_post(
        client,
        "/account/tokens/new/",
        {"name": "laptop", "scopes": ["submit", "read"], "expires_in_days": "30"},
        page=LIST,
    )
    assert page.status_code == 200
    raw = RAW.search(page.content.decode())
    assert raw is not None
    assert "no-store" in page["Cache-Control"]
    token = ApiToken.objects.get(user=alice)
    assert raw.group(0).startswith(token.prefix + "_")
    listing = client.get(LIST).content.decode()
    assert token.prefix in listing and "laptop" in listing and "read, submit" in listing
    assert raw.group(0) not in listing


def test_token_is_stored_only_as_hmac(alice: User) -> None:
    token, raw = token_create(user=alice, name="cli", scopes=["read"])
    expected = hmac.new(settings.SECRET_KEY.encode(), raw.encode(), hashlib.sha256).hexdigest()
    assert token.digest == expected
    secret = raw.split("_", 2)[2]
    with connection.cursor() as cursor:
        for table in ("access_apitoken", "access_auditevent"):
            cursor.execute(f"SELECT * FROM {table}")  # noqa: S608 (fixed table names)
            dumped = repr(cursor.fetchall())
            assert raw not in dumped and secret not in dumped


def test_token_format_prefix_and_scopes(alice: User) -> None:
    token, raw = token_create(user=alice, name="cli", scopes=["read"])
    assert RAW.fullmatch(raw)
    assert re.fullmatch(r"sora_[a-z0-9]{8}", token.prefix)
    assert token.scopes == ["read"]
    assert use(raw, scope="read") == token
    error = refused(raw, scope="submit")
    assert (error.code, error.status) == ("insufficient_scope", 403)


def test_bad_token_input_is_refused_and_changes_nothing(alice: User) -> None:
    cases: list[tuple[dict[str, Any], str]] = [
        ({"name": "", "scopes": ["read"]}, "Name the token"),
        ({"name": "x", "scopes": []}, "at least one scope"),
        ({"name": "x", "scopes": ["admin"]}, "Unknown scope"),
        ({"name": "x", "scopes": ["read"], "expires_at": timezone.now()}, "future"),
    ]
    for kwargs, message in cases:
        with pytest.raises(ValidationError, match=message):
            token_create(user=alice, **kwargs)
    assert not ApiToken.objects.exists()


def test_form_errors_are_shown(alice: User, client_for: ClientFor) -> None:
    page = form_post(client_for(alice), "/account/tokens/new/", {"name": "x"}, page=LIST)
    assert page.status_code == 400 and b"This field is required" in page.content
    assert not ApiToken.objects.exists()


def test_every_error_code(alice: User, bob: User, staff_user: User) -> None:
    for garbage in ["", "nope", "sora_short_x", "sora_abcdefgh_" + "x" * 10]:
        assert (refused(garbage).code, refused(garbage).status) == ("invalid_token", 401)
    _, raw = token_create(user=alice, name="cli", scopes=["read"])
    forged = raw[:-4] + ("AAAA" if not raw.endswith("AAAA") else "BBBB")
    assert refused(forged).code == "invalid_token"

    revoked, revoked_raw = token_create(user=alice, name="old", scopes=["read"])
    token_revoke(token=revoked, by=alice)
    assert (refused(revoked_raw).code, refused(revoked_raw).status) == ("token_revoked", 401)

    expiring, expiring_raw = token_create(
        user=alice, name="short", scopes=["read"], expires_at=timezone.now() + timedelta(days=1)
    )
    ApiToken.objects.filter(pk=expiring.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert (refused(expiring_raw).code, refused(expiring_raw).status) == ("token_expired", 401)

    suspended, suspended_raw = token_create(user=alice, name="s", scopes=["read"])
    ApiToken.objects.filter(pk=suspended.pk).update(suspended_at=timezone.now())
    assert (refused(suspended_raw).code, refused(suspended_raw).status) == ("token_suspended", 403)

    _, bob_raw = token_create(user=bob, name="bob", scopes=["read"])
    bob.is_active = False
    bob.save(update_fields=["is_active"])
    assert (refused(bob_raw).code, refused(bob_raw).status) == ("revoked", 403)


def test_revoking_the_person_revokes_their_tokens(alice: User, staff_user: User) -> None:
    _, raw = token_create(user=alice, name="cli", scopes=["read"])
    person_revoke(user=alice, by=staff_user, reason="Leak")
    assert refused(raw).code == "token_revoked"


def test_last_use_is_recorded(alice: User) -> None:
    token, raw = token_create(user=alice, name="cli", scopes=["read"])
    use(raw, ip="198.51.100.7", agent="render-script/2.1")
    token.refresh_from_db()
    assert token.last_used_at is not None
    assert (token.last_used_ip, token.last_used_agent) == ("198.51.100.7", "render-script/2.1")


def test_owner_lists_last_use_and_status(alice: User, client_for: ClientFor) -> None:
    _, raw = token_create(user=alice, name="cli", scopes=["read"])
    use(raw, ip="198.51.100.7", agent="render-script/2.1")
    page = client_for(alice).get(LIST).content.decode()
    assert "198.51.100.7" in page and "render-script/2.1" in page and "Active" in page


@override_settings(API_TOKEN_MAX_CLIENTS=3)
def test_fourth_distinct_address_suspends_the_token_with_emails_and_audit(
    alice: User, staff_user: User, django_capture_on_commit_callbacks: Any
) -> None:
    token, raw = token_create(user=alice, name="cli", scopes=["read"])
    for ip in ["203.0.113.1", "203.0.113.2", "203.0.113.3", "203.0.113.1"]:
        use(raw, ip=ip)  # three distinct places, repeats are fine
    with django_capture_on_commit_callbacks(execute=True):
        error = refused(raw, ip="203.0.113.4")
    assert (error.code, error.status) == ("token_suspended", 403)
    token.refresh_from_db()
    assert token.suspended_at is not None and "more than 3" in token.suspend_reason
    event = AuditEvent.objects.get(action="token.suspend")
    assert event.target == token.prefix and event.details["ip"] == "203.0.113.4"
    recipients = sorted(address for message in mail.outbox for address in message.to)
    assert recipients == ["alice@example.com", "staff@example.com"]
    assert all(token.prefix in message.subject for message in mail.outbox)
    assert all(raw not in message.body for message in mail.outbox)
    assert refused(raw, ip="203.0.113.1").code == "token_suspended"  # stays suspended


@override_settings(API_TOKEN_MAX_CLIENTS=3)
def test_addresses_older_than_a_day_do_not_count(alice: User) -> None:
    token, raw = token_create(user=alice, name="cli", scopes=["read"])
    for ip in ["203.0.113.1", "203.0.113.2", "203.0.113.3"]:
        use(raw, ip=ip)
    TokenClient.objects.filter(token=token).update(last_seen=timezone.now() - timedelta(hours=25))
    use(raw, ip="203.0.113.4")
    token.refresh_from_db()
    assert token.suspended_at is None


@override_settings(API_TOKEN_MAX_CLIENTS=1)
def test_staff_can_lift_a_suspension(alice: User, staff_user: User) -> None:
    token, raw = token_create(user=alice, name="cli", scopes=["read"])
    use(raw, ip="203.0.113.1")
    refused(raw, ip="203.0.113.2")
    assert token_unsuspend(token=token, by=staff_user)
    assert use(raw, ip="203.0.113.2") == token
    assert AuditEvent.objects.filter(action="token.unsuspend").exists()


def test_owner_revokes_own_token_but_not_others(
    alice: User, bob: User, client_for: ClientFor
) -> None:
    mine, raw = token_create(user=alice, name="mine", scopes=["read"])
    theirs, _ = token_create(user=bob, name="theirs", scopes=["read"])
    client = client_for(alice)
    assert (
        form_post(client, f"/account/tokens/{theirs.pk}/revoke/", {}, page=LIST).status_code == 404
    )
    assert ApiToken.objects.get(pk=theirs.pk).revoked_at is None
    page = form_post(client, f"/account/tokens/{mine.pk}/revoke/", {}, page=LIST)
    assert page.status_code == 302
    assert refused(raw).code == "token_revoked"
    assert "Revoked" in client.get(LIST).content.decode()
    assert AuditEvent.objects.filter(action="token.revoke", target=mine.prefix).exists()


def test_token_pages_need_sign_in(db: None) -> None:
    from django.test import Client

    assert Client().get(LIST).status_code == 302


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("Bearer sora_abcdefgh_secret", "sora_abcdefgh_secret"),
        ("bearer   sora_abcdefgh_secret  ", "sora_abcdefgh_secret"),
        ("Basic dXNlcjpwYXNz", None),
        ("Bearer", None),
        ("Bearer    ", None),
        (None, None),
    ],
)
def test_bearer_header_parsing(header: str | None, expected: str | None) -> None:
    headers = {"Authorization": header} if header is not None else {}
    request = RequestFactory().get("/api/v1/jobs", headers=headers)
    assert bearer_token(request) == expected


def test_staff_see_tokens_in_the_admin_without_digest_and_can_revoke(
    alice: User, staff_user: User, client_for: ClientFor
) -> None:
    token, raw = token_create(user=alice, name="cli", scopes=["read"])
    client = client_for(staff_user)
    listing = client.get("/admin/access/apitoken/").content.decode()
    assert token.prefix in listing and token.digest not in listing
    detail = client.get(f"/admin/access/apitoken/{token.pk}/change/").content.decode()
    assert token.prefix in detail and token.digest not in detail
    form_post(
        client,
        "/admin/access/apitoken/",
        {"action": "revoke_selected", "_selected_action": [str(token.pk)]},
    )
    assert refused(raw).code == "token_revoked"
