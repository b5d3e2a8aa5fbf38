"""The audit log is readable in the admin and can be changed by nobody."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.test import Client

from access.audit import audit_record
from access.models import AuditEvent
from tests.people import PASSWORD, ClientFor, form_post

LIST = "/admin/access/auditevent/"


def test_staff_read_the_audit_log(staff_user: User, client_for: ClientFor) -> None:
    audit_record(action="site.pause", actor=staff_user, target="everyone")
    page = client_for(staff_user).get(LIST)
    assert page.status_code == 200
    assert b"site.pause" in page.content
    assert b"staff@example.com" in page.content


def test_moderators_read_the_audit_log(mod: User, client_for: ClientFor) -> None:
    assert client_for(mod).get(LIST).status_code == 200


def test_nobody_adds_changes_or_deletes_audit_events(
    staff_user: User, client_for: ClientFor
) -> None:
    event = audit_record(action="site.pause", actor=staff_user, target="everyone")
    client = client_for(staff_user)
    page = client.get(LIST).content
    assert b"Add audit event" not in page
    assert client.get(f"{LIST}add/").status_code == 403
    assert form_post(client, f"{LIST}{event.pk}/change/", {"action": "x"}).status_code == 403
    assert form_post(client, f"{LIST}{event.pk}/delete/", {"post": "yes"}).status_code == 403
    bulk = {"action": "delete_selected", "_selected_action": [str(event.pk)], "post": "yes"}
    form_post(client, LIST, bulk)
    assert AuditEvent.objects.get(pk=event.pk).action == "site.pause"


def test_artists_cannot_read_the_audit_log(alice: User, client_for: ClientFor) -> None:
    assert client_for(alice).get(LIST).status_code == 302


def test_sign_in_and_failed_sign_in_are_recorded_without_password(alice: User) -> None:
    client = Client(enforce_csrf_checks=True)
    form_post(client, "/accounts/login/", {"login": "alice@example.com", "password": "wrong"})
    failed = AuditEvent.objects.get(action="auth.login_failed")
    assert failed.target == "alice@example.com"
    assert "wrong" not in str(failed.details) and failed.actor is None
    form_post(client, "/accounts/login/", {"login": "alice@example.com", "password": PASSWORD})
    login = AuditEvent.objects.get(action="auth.login")
    assert login.actor == alice
    assert login.ip == "127.0.0.1"
