"""The authorization matrix: every URL, every role, GET and POST, running and paused.

The test walks the whole URLconf and fails on any URL of ours that is unnamed or
missing from EXPECTED, so a new view cannot ship without stating who may use it.
The admin and allauth are included; the admin is one unit (its internal redirect
URLs are unnamed) checked through representative pages.

Each row lists, per role, "GET/POST" statuses in ROLES order:
anonymous, invited (holds an invitation, not signed up), artist (alice, owns the
objects), other_artist (bob), revoked (carol, revoked by staff), moderator, staff.
"""

from __future__ import annotations

import json

import pytest
from django.test import Client
from django.urls import reverse

from access.services import person_revoke, site_pause, token_create
from tests.authz import ROLES, walk
from tests.jobs import make_job
from tests.test_media import make_video

LOGIN = "302/302 302/302"  # anonymous and invited: sent to the login page
OUT = "302/302"  # revoked: their session no longer authenticates
E = "503/405"  # healthz in tests: public, unhealthy (no worker), GET only

EXPECTED: dict[str, str] = {
    # public pages
    "healthz": f"{E} {E} {E} {E} {E} {E} {E}",
    "status": "200/405 200/405 200/405 200/405 200/405 200/405 200/405",
    # METRICS_ALLOW is empty by default: only a staff API token reads it (tests/test_metrics.py)
    "metrics": "403/405 403/405 403/405 403/405 403/405 403/405 403/405",
    "invitation_accept": "200/405 200/405 200/405 200/405 200/405 200/405 200/405",
    "account_login": "200/200 200/200 302/302 302/302 200/200 302/302 302/302",
    "account_signup": "200/200 200/200 302/302 302/302 200/200 302/302 302/302",
    "account_inactive": "200/405 200/405 200/405 200/405 200/405 200/405 200/405",
    "account_reset_password": "200/200 200/200 200/200 200/200 200/200 200/200 200/200",
    "account_reset_password_done": "200/405 200/405 200/405 200/405 200/405 200/405 200/405",
    "account_reset_password_from_key": "200/200 200/200 200/200 200/200 200/200 200/200 200/200",
    "account_reset_password_from_key_done": "200/405 " * 6 + "200/405",
    "account_email_verification_sent": "200/405 " * 6 + "200/405",
    "account_confirm_email": "200/404 200/404 200/404 200/404 200/404 200/404 200/404",
    "account_confirm_login_code": "302/302 302/302 302/302 302/302 302/302 302/302 302/302",
    # signed-in people: their own account
    "account_logout": f"{LOGIN} 200/302 200/302 {OUT} 200/302 200/302",
    "account_email": f"{LOGIN} 200/302 200/302 {OUT} 200/302 200/302",
    "account_change_password": f"{LOGIN} 200/200 200/200 {OUT} 200/200 200/200",
    "account_reauthenticate": f"{LOGIN} 200/200 200/200 {OUT} 200/200 200/200",
    # allauth 65.22's reauthentication by emailed code: signed-in only, and refused
    # (403) to everyone because ACCOUNT_REAUTHENTICATION_METHODS leaves "code" out.
    "account_request_reauthentication_code": f"{LOGIN} 403/403 403/403 {OUT} 403/403 403/403",
    "account_confirm_reauthentication_code": f"{LOGIN} 403/403 403/403 {OUT} 403/403 403/403",
    "account_set_password": f"{LOGIN} 302/302 302/302 {OUT} 302/302 302/302",
    "usersessions_list": f"{LOGIN} 200/302 200/302 {OUT} 200/302 200/302",
    "mfa_index": f"{LOGIN} 200/405 200/405 {OUT} 200/405 200/405",
    "mfa_authenticate": f"{LOGIN} 302/302 302/302 {OUT} 302/302 302/302",
    "mfa_activate_totp": f"{LOGIN} 302/302 302/302 {OUT} 302/302 302/302",
    "mfa_reauthenticate": f"{LOGIN} 302/302 302/302 {OUT} 200/200 200/200",
    "mfa_deactivate_totp": f"{LOGIN} 404/404 404/404 {OUT} 302/302 302/302",
    "mfa_generate_recovery_codes": f"{LOGIN} 302/302 302/302 {OUT} 302/302 302/302",
    "mfa_view_recovery_codes": f"{LOGIN} 404/405 404/405 {OUT} 404/405 404/405",
    "mfa_download_recovery_codes": f"{LOGIN} 404/404 404/404 {OUT} 404/404 404/404",
    "token_list": f"{LOGIN} 200/405 200/405 {OUT} 200/405 200/405",
    "token_create": f"{LOGIN} 405/400 405/400 {OUT} 405/400 405/400",
    "token_revoke": f"{LOGIN} 405/302 405/404 {OUT} 405/404 405/404",
    # the studio
    "home": f"{LOGIN} 302/405 302/405 {OUT} 302/405 302/405",
    "job_create": f"{LOGIN} 200/302 200/302 {OUT} 200/302 200/302",
    "job_detail": f"{LOGIN} 200/405 404/405 {OUT} 404/405 404/405",
    "job_status": f"{LOGIN} 200/405 404/405 {OUT} 404/405 404/405",
    "job_cancel": f"{LOGIN} 405/302 405/404 {OUT} 405/404 405/404",
    # the owner only; a job with nothing to appeal answers with a message
    "job_appeal": f"{LOGIN} 405/302 405/404 {OUT} 405/404 405/404",
    # alice's job is queued: deleting it is refused with a message (back to its page)
    "job_delete": f"{LOGIN} 405/302 405/404 {OUT} 405/404 405/404",
    # alice's job has no preview yet: a 404 to her as to everyone
    "job_preview": f"{LOGIN} 404/405 404/405 {OUT} 404/405 404/405",
    # only cancelled/failed/held/rejected jobs: the queued one is a 404 even to alice
    "job_resubmit": f"{LOGIN} 404/405 404/405 {OUT} 404/405 404/405",
    # POST only; acts on the poster's own jobs (an empty form: a message, back to the list)
    "videos_bulk": f"{LOGIN} 405/302 405/302 {OUT} 405/302 405/302",
    "my_videos": f"{LOGIN} 200/405 200/405 {OUT} 200/405 200/405",
    "community": f"{LOGIN} 200/405 200/405 {OUT} 200/405 200/405",
    # alice's unshared video: hers, and visible to moderators and staff
    "video_detail": f"{LOGIN} 200/405 404/405 {OUT} 200/405 200/405",
    "video_media": f"{LOGIN} 200/405 404/405 {OUT} 200/405 200/405",
    "video_poster": f"{LOGIN} 200/405 404/405 {OUT} 200/405 200/405",
    "video_remix": f"{LOGIN} 200/405 404/405 {OUT} 200/405 200/405",
    "video_share": f"{LOGIN} 405/302 405/404 {OUT} 405/404 405/404",
    "video_report": f"{LOGIN} 405/302 405/404 {OUT} 405/302 405/302",
    # JSON API: 401 instead of a redirect
    "api_jobs": "401/401 401/401 405/201 405/201 401/401 405/201 405/201",
    "api_job": "401/401 401/401 200/405 404/405 401/401 404/405 404/405",
    "api_videos": "401/401 401/401 200/405 200/405 401/401 200/405 200/405",
    "api_openapi": "401/401 401/401 200/405 200/405 401/401 200/405 200/405",
    # staff only
    "audit_export_csv": f"{LOGIN} 403/403 403/403 {OUT} 403/403 200/405",
    "audit_export_jsonl": f"{LOGIN} 403/403 403/403 {OUT} 403/403 200/405",
    # the admin: moderators and staff (TOTP enrolled) only
    "admin:index": f"{LOGIN} 302/302 302/302 {OUT} 200/200 200/200",
    "admin:generation_job_changelist": f"{LOGIN} 302/302 302/302 {OUT} 200/200 200/200",
    "admin:moderation_screening_changelist": f"{LOGIN} 302/302 302/302 {OUT} 200/200 200/200",
    # tracing a file names an account: staff only, not moderators
    "admin:generation_video_trace": f"{LOGIN} 302/302 302/302 {OUT} 403/403 200/200",
}

# While paused, new work is refused to everyone but staff; everything else stands.
PAUSED_CHANGES: dict[str, str] = {
    "job_create": f"{LOGIN} 200/503 200/503 {OUT} 200/503 200/302",
    "api_jobs": "401/401 401/401 405/503 405/503 401/401 405/503 405/201",
}

ADMIN_REPRESENTATIVES = {n for n in EXPECTED if n.startswith("admin:")}
SUBMISSION = {"prompt": "a calm lake at dawn", "steps": "1", "num_frames": "5"}


def expected_for(name: str, paused: bool) -> dict[str, tuple[int, int]]:
    row = (PAUSED_CHANGES.get(name) if paused else None) or EXPECTED[name]
    cells = row.split()
    assert len(cells) == len(ROLES), f"{name}: {len(cells)} cells for {len(ROLES)} roles"
    return {
        role: (int(cell.split("/")[0]), int(cell.split("/")[1]))
        for role, cell in zip(ROLES, cells, strict=True)
    }


def test_every_url_of_ours_is_named_and_has_a_row() -> None:
    missing, unnamed = [], []
    for route in walk():
        if route.namespace.startswith("admin"):
            continue  # the admin is checked as a unit through its representatives
        if route.name is None:
            unnamed.append(route.pattern)
        elif route.name not in EXPECTED:
            missing.append(route.name)
    assert not unnamed, f"unnamed URLs: {unnamed}"
    assert not missing, f"URLs without a row in EXPECTED: {missing}"
    stale = set(EXPECTED) - {r.name for r in walk()} - ADMIN_REPRESENTATIVES
    assert not stale, f"rows for URLs that no longer exist: {stale}"


@pytest.fixture
def world(alice, bob, carol, mod, staff_user, invited):
    job = make_job(alice)
    video = make_video(alice)
    token, _ = token_create(user=alice, name="cli", scopes=["read"])
    job_urls = (
        "job_detail",
        "job_status",
        "job_cancel",
        "job_appeal",
        "job_delete",
        "job_resubmit",
        "job_preview",
        "api_job",
    )
    video_urls = ("video_detail", "video_remix", "video_share", "video_report", "video_media")
    args = {
        **{name: [job.pk] for name in job_urls},
        **{name: [video.pk] for name in (*video_urls, "video_poster")},
        "token_revoke": [token.pk],
        "invitation_accept": [invited.token],
        "account_confirm_email": ["no-such-key"],
        "account_reset_password_from_key": ["1", "no-such-key"],
    }
    revoked = bob.__class__.objects.get(pk=carol.pk)
    revoked.is_active = True
    revoked.save()
    person_revoke(user=revoked, by=staff_user, reason="matrix")
    people = {"artist": alice, "other_artist": bob, "revoked": revoked, "moderator": mod}
    people["staff"] = staff_user
    return args, people, invited


def client_as(role: str, people: dict, invited) -> Client:
    client = Client()
    if role == "invited":
        client.get(reverse("invitation_accept", args=[invited.token]))
    elif role in people:
        client.force_login(people[role])
    return client


def request(client: Client, method: str, name: str, url: str) -> int:
    if method == "GET":
        return client.get(url).status_code
    if name == "api_jobs":
        body = json.dumps({"prompt": "a calm lake at dawn", "steps": 1, "num_frames": 5})
        return client.post(url, data=body, content_type="application/json").status_code
    return client.post(url, data=SUBMISSION if name == "job_create" else {}).status_code


@pytest.mark.django_db
@pytest.mark.parametrize("paused", [False, True], ids=["running", "paused"])
@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_role_gets_the_expected_status(world, name: str, paused: bool, staff_user) -> None:
    args, people, invited = world
    if paused:
        site_pause(by=staff_user, reason="Matrix check")
    url = reverse(name, args=args.get(name, []))
    expected = expected_for(name, paused)
    actual = {
        role: tuple(
            request(client_as(role, people, invited), m, name, url) for m in ("GET", "POST")
        )
        for role in ROLES
    }
    assert actual == expected
