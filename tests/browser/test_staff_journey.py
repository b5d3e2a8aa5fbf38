"""Staff: invite people, cut one off while their page is open, pause and resume the studio."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

import pytest

from tests.browser.conftest import (
    PASSWORD,
    Journey,
    Studio,
    activate_totp,
    job_status,
    record_statuses,
    sign_up,
    status_history,
    submit_prompt,
    wait_for_status,
)

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = [pytest.mark.browser, pytest.mark.slow]

LINK_IN_MESSAGE = re.compile(r"shown only this once: (\S+/invite/[^/\s]+/)")
REVOKE_REASON = "Shared their login outside the studio."
PAUSE_REASON = "Moving the GPUs to the new rack, back in ten minutes."
SLOW = {"aspect": "16:9", "resolution": "224x128", "num_frames": 33, "steps": 50}


def invite_in_admin(staff: Page, email: str) -> str:
    """Access -> Invitations -> Add; the link is in the confirmation message, once."""
    staff.goto("/admin/access/invitation/add/")
    staff.fill("#id_email", email)
    staff.select_option("#id_role", "artist")
    staff.get_by_role("button", name="Save", exact=True).click()
    staff.wait_for_url("**/admin/access/invitation/")
    match = LINK_IN_MESSAGE.search(staff.inner_text(".messagelist"))
    assert match, staff.inner_text(".messagelist")
    return match.group(1)


def watch_banner(page: Page) -> None:
    """Note the wall-clock time (ms) at which the site banner changes."""
    page.evaluate(
        """() => {
          window.__bannerChanges = [];
          const banner = document.getElementById('site-banner');
          new MutationObserver(() => window.__bannerChanges.push(
            {at: Date.now(), cls: banner.className, text: banner.textContent})
          ).observe(banner, {attributes: true, childList: true, characterData: true,
                             subtree: true});
          window.__notReloaded = true;
        }"""
    )


def test_staff_invites_revokes_pauses_and_resumes(
    studio: Studio, journey_for: Callable[[str], Journey]
) -> None:
    journey = journey_for("staff")
    used_codes: set[str] = set()

    # The first staff account comes from the link `serve` printed on first start.
    staff = journey.person("staff")
    sign_up(staff, studio.staff_invite_link)
    staff.goto("/admin/")
    activate_totp(staff, used_codes)
    staff.goto("/admin/")
    assert staff.locator("#site-name").is_visible()
    journey.shot(staff, "admin-home")

    # Invite two artists through the admin; each signs up in their own browser.
    erin_link = invite_in_admin(staff, "erin@example.com")
    journey.shot(staff, "invitation-created")
    finn_link = invite_in_admin(staff, "finn@example.com")
    erin = journey.person("erin")
    sign_up(erin, erin_link)
    finn = journey.person("finn")
    sign_up(finn, finn_link)

    # --- revoke Erin while her running job's page is open ---
    erin_job = submit_prompt(erin, "A lighthouse in a storm, slow pan", **SLOW)
    wait_for_status(erin, erin_job, "running", timeout=60)
    watch_banner(erin)
    staff.goto("/admin/auth/user/?q=erin%40example.com")
    staff.locator("tr", has_text="erin@example.com").locator("input.action-select").check()
    staff.select_option("select[name=action]", "revoke_access")
    staff.locator("button[name=index]").first.click()  # the actions bar's "Go"
    staff.fill("#id_reason", REVOKE_REASON)
    journey.shot(staff, "revoke-confirm")
    staff.get_by_role("button", name="Revoke access").click()
    staff.wait_for_load_state()
    revoked_at = time.time()
    assert "Revoked erin@example.com" in staff.inner_text(".messagelist")
    erin.wait_for_selector("#site-banner.revoked", timeout=5_000)
    changes = erin.evaluate("() => window.__bannerChanges")
    shown_at = next(c["at"] for c in changes if "revoked" in c["cls"]) / 1000
    assert shown_at - revoked_at <= 1.0, f"the revocation showed {shown_at - revoked_at:.2f} s late"
    assert "revoked" in erin.inner_text("#site-banner").lower()
    assert erin.locator("form[action$='/cancel/'] button").is_disabled()
    journey.shot(erin, "erin-revoked")
    # Further actions fail: her session is gone and she cannot sign in again.
    erin.goto("/create/")
    assert "/accounts/login/" in erin.url
    erin.fill("#id_login", "erin@example.com")
    erin.fill("#id_password", PASSWORD)
    # Refused with a 403 page (which Chromium also logs) that says why and whom to ask.
    with journey.expecting("/accounts/login/", "status:403", "console"):
        erin.locator("form").filter(has=erin.locator("#id_login")).locator(
            "button[type=submit]"
        ).click()
        erin.wait_for_load_state()
        erin.wait_for_timeout(300)  # let the console event for the 403 arrive
    assert "/create/" not in erin.url and "/accounts/" in erin.url, erin.url
    assert "Your access was revoked" in erin.inner_text("main")
    assert "write to admin@example.com" in erin.inner_text("main")
    journey.shot(erin, "erin-cannot-sign-in")

    # --- pause with Finn's page open: one job running, one waiting ---
    submit_prompt(finn, "Two paper cranes circling a lamp", variations=2, **SLOW)
    finn.wait_for_url("**/videos/")
    tiles = finn.locator(".gallery [data-job]")
    first, second = sorted(int(t.get_attribute("data-job-id") or 0) for t in tiles.all())
    wait_for_status(finn, first, "running", timeout=60)
    assert wait_for_status(finn, second, "queued") == "queued"
    watch_banner(finn)
    record_statuses(finn)
    staff.goto("/admin/access/sitestate/")
    staff.fill("#id_reason", PAUSE_REASON)
    staff.get_by_role("button", name="Pause").click()
    staff.wait_for_selector("#site-state[data-paused='1']")
    paused_at = time.time()
    journey.shot(staff, "site-paused")

    finn.wait_for_selector("#site-banner:not(.hidden)", timeout=5_000)
    assert PAUSE_REASON in finn.inner_text("#site-banner")
    wait_for_status(finn, first, "paused", timeout=30)
    journey.shot(finn, "finn-paused")
    assert finn.evaluate("() => window.__notReloaded === true"), "the page was reloaded"

    status = journey.person("anyone")
    status.goto("/status")
    assert status.get_attribute("#service-state", "data-state") == "paused"
    assert PAUSE_REASON in status.inner_text("main")
    journey.shot(status, "status-paused")

    # New work is refused while paused: the form says so before anyone tries, and the
    # server refuses a submission that gets through anyway.
    attempt = finn.context.new_page()
    attempt.goto("/create/")
    attempt.fill("#id_prompt", "A kite over the dunes")
    assert attempt.get_by_role("button", name="Generate").is_disabled()
    assert PAUSE_REASON in attempt.inner_text("#generate-blocked")
    journey.shot(attempt, "finn-generate-off-while-paused")
    # The refusal is a 503 page, which Chromium also logs to the console: expected here.
    with journey.expecting("/create/", "status:503", "console"):
        with attempt.expect_navigation():
            attempt.evaluate("() => document.querySelector('form.create-form').submit()")
        attempt.wait_for_timeout(300)  # let the console event for the 503 arrive
    assert "/jobs/" not in attempt.url
    assert "paused" in attempt.inner_text("main").lower()
    journey.shot(attempt, "finn-refused-while-paused")
    attempt.close()

    # Nothing ran during the pause: the waiting job is kept (still queued, or parked
    # too if the worker had taken its task when it saw the pause), never finished.
    time.sleep(max(0.0, paused_at + 12 - time.time()))  # longer than one job takes
    during = status_history(finn, second)
    assert job_status(finn, second) in ("queued", "paused"), f"while paused: {during}"
    assert "succeeded" not in during, f"job {second} ran while the studio was paused: {during}"

    # --- resume: the parked and the queued job both finish, live ---
    staff.goto("/admin/access/sitestate/")
    staff.get_by_role("button", name="Resume").click()
    staff.wait_for_selector("#site-state[data-paused='0']")
    finn.wait_for_selector("#site-banner.hidden", state="attached", timeout=5_000)
    wait_for_status(finn, first, "succeeded", timeout=180)
    wait_for_status(finn, second, "succeeded", timeout=180)
    for job_id in (first, second):
        finn.wait_for_selector(f'[data-job-id="{job_id}"] [data-play] img')
    assert finn.evaluate("() => window.__notReloaded === true"), "the page was reloaded"
    journey.shot(finn, "finn-resumed-done")
    status.goto("/status")
    assert status.get_attribute("#service-state", "data-state") == "running"

    journey.assert_clean()
