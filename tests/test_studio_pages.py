"""The everyday pages look finished: two-factor setup, sign-in, error pages, the API
token page, the header's queue and review badges, the moderators' inbox."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client, RequestFactory
from django.urls import reverse

from access.adapter import StudioMfaAdapter
from access.roles import Role
from access.services import person_revoke, quota_set, site_pause
from generation.models import JobStatus
from moderation import services
from moderation.models import ReviewStatus, Screening
from sora_site.views import server_error
from tests.jobs import make_job
from tests.people import PASSWORD, form_post, person_create, totp_code
from tests.test_media import make_video
from tests.test_moderation_fixtures import only_rules  # noqa: F401

pytestmark = pytest.mark.django_db

SECRET_FIELD = re.compile(r'id="authenticator_secret"[^>]*value="([A-Z2-7]+)"')


def signed_in_with_password(email: str) -> Client:
    """A client that signed in through the form (allauth then counts the sign-in as
    recent, so security pages do not ask for the password again)."""
    client = Client(enforce_csrf_checks=True)
    response = form_post(client, reverse("account_login"), {"login": email, "password": PASSWORD})
    assert response.status_code == 302, response.content.decode()[:500]
    return client


def activation_page(client: Client) -> str:
    """allauth asks for the password again before a security change, even right after
    signing in; answer it the way a person does."""
    response = client.get(reverse("mfa_activate_totp"))
    if response.status_code == 302 and "/reauthenticate/" in response["Location"]:
        form_post(client, response["Location"], {"password": PASSWORD})
        response = client.get(reverse("mfa_activate_totp"))
    assert response.status_code == 200, response
    return str(response.content.decode())


def activate_totp(client: Client) -> Any:
    page = activation_page(client)
    secret = SECRET_FIELD.search(page)
    assert secret, page[:1000]
    return form_post(client, reverse("mfa_activate_totp"), {"code": totp_code(secret.group(1))})


# --- two-factor setup -----------------------------------------------------------------


def test_the_qr_code_is_dark_on_a_white_square_with_a_quiet_zone() -> None:
    svg = StudioMfaAdapter().build_totp_svg("otpauth://totp/Studio:a@example.com?secret=JBSWY3DP")
    assert re.search(r'<rect[^>]*fill="white"', svg), svg[:300]
    # The modules start four module widths in: the quiet zone phone cameras need.
    width = float(re.search(r'width="([\d.]+)mm"', svg).group(1))  # type: ignore[union-attr]
    path = re.search(r'<path d="M([\d.]+),([\d.]+)', svg)
    assert path and float(path.group(1)) >= 4 * width / 41 * 0.9


def test_the_activation_page_shows_the_tile_and_a_copy_button(alice: User) -> None:
    page = activation_page(signed_in_with_password(alice.email))
    assert '<figure class="qr-tile">' in page and 'src="data:image/svg+xml;base64,' in page
    assert 'data-copy="#authenticator_secret"' in page
    assert "js/site.js" in page


def test_after_activation_a_moderator_is_shown_the_way_to_the_admin(db: None) -> None:
    person_create("newmod@example.com", Role.MODERATOR)
    client = signed_in_with_password("newmod@example.com")
    response = activate_totp(client)
    assert response["Location"] == reverse("mfa_view_recovery_codes")
    page = client.get(response["Location"]).content.decode()
    assert f'href="{reverse("admin:index")}">Continue to the admin' in page


def test_after_activation_an_artist_goes_back_to_the_studio(alice: User) -> None:
    client = signed_in_with_password(alice.email)
    page = client.get(activate_totp(client)["Location"]).content.decode()
    assert f'href="{reverse("job_create")}">Continue to the studio' in page
    assert "Continue to the admin" not in page


# --- signing in -----------------------------------------------------------------------


def test_the_sign_in_page_does_not_ask_to_sign_up(db: None) -> None:
    page = Client().get(reverse("account_login")).content.decode()
    assert "sign up" not in page.lower()
    assert "by invitation only" in page


def test_a_revoked_person_is_told_why_and_whom_to_ask(alice: User, staff_user: User) -> None:
    person_revoke(user=alice, by=staff_user, reason="Shared a token in a public repository.")
    client = Client(enforce_csrf_checks=True)
    response = form_post(
        client, reverse("account_login"), {"login": alice.email, "password": PASSWORD}
    )
    page = response.content.decode()
    assert response.status_code == 403
    assert "Your access was revoked" in page
    assert "Shared a token in a public repository." in page
    assert "write to <strong>staff@example.com</strong>" in page
    assert "_auth_user_id" not in client.session


def test_a_wrong_password_reveals_nothing_about_revocation(alice: User, staff_user: User) -> None:
    person_revoke(user=alice, by=staff_user, reason="Shared a token in a public repository.")
    page = form_post(
        Client(enforce_csrf_checks=True),
        reverse("account_login"),
        {"login": alice.email, "password": "not-the-password-1"},
    ).content.decode()
    assert "revoked" not in page and "public repository" not in page
    assert "not correct" in page


# --- error pages, tokens, small words -------------------------------------------------


def test_a_missing_page_has_the_header_and_a_way_back(alice: User, client_for: Any) -> None:
    response = client_for(alice).get("/no-such-page/")
    page = response.content.decode()
    assert response.status_code == 404
    assert 'class="topbar"' in page and "Nothing here" in page
    assert f'href="{reverse("job_create")}">Back to the studio' in page


def test_the_error_page_needs_neither_request_context_nor_database(settings: Any) -> None:
    settings.SITE_NAME = "Nightjar"
    response = server_error(RequestFactory().get("/"))
    page = response.content.decode()
    assert response.status_code == 500
    assert "Something went wrong" in page and 'class="brand" href="/">Nightjar' in page


def test_the_new_token_page_wraps_the_token_and_shows_curl(alice: User, client_for: Any) -> None:
    client = client_for(alice)
    page = form_post(
        client,
        reverse("token_create"),
        {"name": "laptop", "scopes": ["submit", "read"], "expires": "90"},
        page=reverse("token_list"),
    ).content.decode()
    assert '<textarea id="raw-token" class="token"' in page
    assert 'data-copy="#raw-token"' in page
    assert 'curl -H "Authorization: Bearer $STUDIO_TOKEN" http://testserver/api/v1/jobs' in page


def test_a_cancelled_job_says_cancelled_without_an_ellipsis(alice: User, client_for: Any) -> None:
    job = make_job(alice, status=JobStatus.CANCELLED)
    page = client_for(alice).get(reverse("job_detail", args=[job.pk])).content.decode()
    assert '<span data-field="status_label">Cancelled</span>' in page


# --- header badges --------------------------------------------------------------------


def test_the_header_counts_my_running_and_queued_jobs(
    alice: User, bob: User, client_for: Any
) -> None:
    make_job(alice, status=JobStatus.RUNNING)
    make_job(alice, status=JobStatus.QUEUED)
    make_job(alice, status=JobStatus.QUEUED)
    make_job(alice, status=JobStatus.SUCCEEDED)
    make_job(bob, status=JobStatus.RUNNING)
    page = client_for(alice).get(reverse("my_videos")).content.decode()
    badge = re.search(r'<a id="queue-badge"[^>]*>([^<]*)</a>', page)
    assert badge and badge.group(1) == "1 running, 2 queued"


def test_no_badge_when_nothing_runs(alice: User, client_for: Any) -> None:
    page = client_for(alice).get(reverse("job_create")).content.decode()
    assert 'class="queue-badge hidden"' in page


@pytest.fixture
def held_job(only_rules: Any, alice: User) -> Screening:  # noqa: F811
    only_rules("lava", action="flag", category="gore")
    job = make_job(alice, status=JobStatus.HELD, prompt="A river of LAVA at dusk")
    return services.screen_text(
        text=job.prompt, submitter=alice, subject_type="generation.job", subject_id=job.pk
    )


def test_moderators_see_the_pending_count_in_both_headers(
    held_job: Screening, mod: User, alice: User, client_for: Any
) -> None:
    client = client_for(mod)
    site = client.get(reverse("community")).content.decode()
    assert re.search(r'class="review-count"[^>]*>Review <span class="count">1</span>', site)
    admin_index = client.get(reverse("admin:index")).content.decode()
    assert f'href="{reverse("admin:moderation_queue")}">Moderation queue: 1 waiting' in admin_index
    assert "review-count" not in client_for(alice).get(reverse("community")).content.decode()


# --- the moderators' inbox ------------------------------------------------------------


def test_the_queue_names_subjects_readably(held_job: Screening, mod: User, client_for: Any) -> None:
    page = client_for(mod).get(reverse("admin:moderation_queue")).content.decode()
    assert f"Job #{held_job.subject_id} by alice@example.com" in page
    assert "generation.job:" not in page


def test_the_screenings_list_opens_on_pending_with_the_prompt(
    held_job: Screening, alice: User, mod: User, client_for: Any
) -> None:
    decided = services.screen_text(
        text="Lava again, decided", submitter=alice, subject_type="generation.job", subject_id=999
    )
    services.review_approve(screening=decided, moderator=mod, reason="", request=None)
    page = client_for(mod).get(reverse("admin:moderation_screening_changelist")).content.decode()
    assert "A river of LAVA at dusk" in page
    assert "Lava again, decided" not in page
    assert f"Job #{held_job.subject_id} by alice@example.com" in page
    everything = client_for(mod).get(
        reverse("admin:moderation_screening_changelist") + "?review_status__exact=all"
    )
    assert "Lava again, decided" in everything.content.decode()


def test_no_decision_is_preselected(held_job: Screening, mod: User, client_for: Any) -> None:
    url = reverse("admin:moderation_screening_review", args=[held_job.pk])
    page = client_for(mod).get(url).content.decode()
    assert 'type="radio" name="decision" value="approve"' in page
    assert "checked" not in page


def test_after_a_decision_the_next_held_prompt_opens(
    held_job: Screening, alice: User, mod: User, client_for: Any
) -> None:
    later = services.screen_text(
        text="More lava", submitter=alice, subject_type="generation.job", subject_id=998
    )
    client = client_for(mod)
    url = reverse("admin:moderation_screening_review", args=[held_job.pk])
    response = form_post(client, url, {"decision": "reject", "reason": "Too hot."})
    assert response["Location"] == reverse("admin:moderation_screening_review", args=[later.pk])
    assert later.review_status == ReviewStatus.PENDING
    page = client.get(response["Location"]).content.decode()
    assert f"Job #{held_job.subject_id} by alice@example.com: rejected." in page
    last = form_post(client, response["Location"], {"decision": "approve", "reason": ""})
    assert last["Location"] == reverse("admin:moderation_queue")


def test_a_report_review_shows_the_reported_video(
    alice: User, bob: User, mod: User, client_for: Any
) -> None:
    video = make_video(alice, shared=True)
    report = services.report_create(
        reporter=bob,
        subject_type="generation.video",
        subject_id=video.pk,
        reason="Cruel.",
        subject_owner=alice,
        subject_text=video.job.prompt,
    )
    url = reverse("admin:moderation_report_review", args=[report.pk])
    page = client_for(mod).get(url).content.decode()
    assert f'src="{reverse("video_media", args=[video.pk])}"' in page
    assert f'poster="{reverse("video_poster", args=[video.pk])}"' in page
    assert f"Report on Video #{video.pk} by alice@example.com" in page
    assert client_for(mod).get(reverse("video_media", args=[video.pk])).status_code == 200


# --- the create form ------------------------------------------------------------------


def generate_button(page: str) -> str:
    match = re.search(r'<button type="submit" class="big" id="generate"[^>]*>', page)
    assert match, "no Generate button"
    return match.group(0)


def test_generate_is_on_with_what_the_readout_needs(alice: User, client_for: Any) -> None:
    page = client_for(alice).get(reverse("job_create")).content.decode()
    assert "disabled" not in generate_button(page)
    assert 'data-fps="8"' in page and 'data-frame-multiple="4"' in page
    assert 'id="clip-readout"' in page and 'class="blocked hidden"' in page


def test_generate_is_off_with_the_reason_while_paused(
    alice: User, staff_user: User, client_for: Any
) -> None:
    site_pause(by=staff_user, reason="Moving to a new GPU host.")
    page = client_for(alice).get(reverse("job_create")).content.decode()
    assert "disabled" in generate_button(page)
    assert "The studio is paused: Moving to a new GPU host." in page
    staff_page = client_for(staff_user).get(reverse("job_create")).content.decode()
    assert "disabled" not in generate_button(staff_page)


def test_generate_is_off_at_the_concurrency_cap(
    alice: User, staff_user: User, client_for: Any
) -> None:
    quota_set(user=alice, daily_seconds=None, max_concurrent=1, by=staff_user)
    make_job(alice, status=JobStatus.RUNNING)
    page = client_for(alice).get(reverse("job_create")).content.decode()
    assert "disabled" in generate_button(page)
    assert "You can have 1 unfinished job(s) at once and already have 1." in page
