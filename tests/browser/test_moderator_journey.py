"""A moderator signs in with TOTP and decides two held prompts; the artist sees it live."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest

from tests.browser.conftest import (
    PASSWORD,
    Journey,
    Studio,
    activate_totp,
    sign_in,
    sign_out,
    sign_up,
    submit_prompt,
    wait_for_status,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow]

# Both are "flag" in the default rule set (extremism and gore named alone).
HELD_APPROVED = "Archival newsreel footage about nazis marching, black and white"
HELD_REJECTED = "A gory zombie movie scene in a dark forest"
REJECT_REASON = "Too graphic for this studio; try the scene without the gore."
QUEUE = "/admin/moderation/screening/queue/"


def test_moderator_approves_and_rejects_held_prompts_while_the_artist_watches(
    studio: Studio, journey_for: Callable[[str], Journey]
) -> None:
    journey = journey_for("moderator")
    used_codes: set[str] = set()

    # Set-up: a moderator invited on the command line enrols an authenticator app
    # through the page the admin sends them to.
    moderator = journey.person("moderator")
    sign_up(moderator, studio.invite("mia@example.com", "moderator"))
    moderator.goto("/admin/")
    assert "must set up two-factor authentication" in moderator.inner_text("main")
    journey.shot(moderator, "totp-needed")
    if "/accounts/reauthenticate/" in moderator.url:
        moderator.fill("#id_password", PASSWORD)
        moderator.get_by_role("button", name="Confirm").click()
    moderator.wait_for_url(re.compile(r".*/accounts/2fa/totp/activate/?$"))
    # The QR code sits on a light tile a phone camera can read, at both sizes.
    tile = moderator.locator(".qr-tile")
    assert tile.evaluate("el => getComputedStyle(el).backgroundColor") == "rgb(255, 255, 255)"
    assert moderator.locator("[data-copy='#authenticator_secret']").is_visible()
    journey.shot(moderator, "totp-activation")
    moderator.set_viewport_size({"width": 390, "height": 844})
    assert moderator.evaluate("() => document.documentElement.scrollWidth") <= 390
    journey.shot(moderator, "totp-activation-phone")
    moderator.set_viewport_size({"width": 1280, "height": 800})
    secret = activate_totp(moderator, used_codes)
    # After activation: the recovery codes, and the way on to the admin.
    continue_link = moderator.get_by_role("link", name="Continue to the admin")
    assert continue_link.is_visible()
    journey.shot(moderator, "totp-activated")
    sign_out(moderator)

    # An artist submits two prompts the rules hold for a person; both pages stay open.
    artist = journey.person("bea")
    sign_up(artist, studio.invite("bea@example.com"))
    approved_id = submit_prompt(artist, HELD_APPROVED, steps=8, num_frames=9)
    assert wait_for_status(artist, approved_id, "held") == "held"
    assert "Held for review" in artist.inner_text("[data-field=moderation]")
    approved_page = artist
    rejected_page = artist.context.new_page()
    rejected_page.goto("/create/")
    rejected_id = submit_prompt(rejected_page, HELD_REJECTED, steps=8, num_frames=9)
    assert wait_for_status(rejected_page, rejected_id, "held") == "held"
    for page in (approved_page, rejected_page):
        page.evaluate("() => { window.__notReloaded = true; }")
    journey.shot(rejected_page, "artist-held")

    # The moderator signs in with a code computed here, and works the queue.
    sign_in(moderator, "mia@example.com", totp_secret=secret, used=used_codes)
    # The site header counts what waits; the admin links the queue with the count.
    assert moderator.locator(".review-count .count").inner_text() == "2"
    moderator.goto("/admin/")
    moderator.get_by_role("link", name="Moderation queue: 2 waiting").click()
    moderator.wait_for_url(f"**{QUEUE}")
    rows = moderator.locator("#content-main table").first.locator("tbody tr")
    assert rows.filter(has_text=HELD_APPROVED[:40]).count() == 1
    assert rows.filter(has_text=HELD_REJECTED[:40]).count() == 1
    assert rows.filter(has_text=f"Job #{approved_id} by bea@example.com").count() == 1
    assert "generation.job:" not in moderator.inner_text("#content-main")
    journey.shot(moderator, "queue")

    rows.filter(has_text=HELD_APPROVED[:40]).get_by_role("link", name="Review").click()
    moderator.wait_for_url("**/review/")
    assert HELD_APPROVED in moderator.inner_text(".moderation-text")
    assert moderator.locator("input[name=decision]:checked").count() == 0
    journey.shot(moderator, "review")
    moderator.check("input[name=decision][value=approve]")
    moderator.get_by_role("button", name="Save decision").click()

    # Straight on to the next held prompt.
    moderator.wait_for_url("**/review/")
    assert HELD_REJECTED in moderator.inner_text(".moderation-text")
    assert f"Job #{approved_id} by bea@example.com: approved." in moderator.inner_text("body")
    moderator.check("input[name=decision][value=reject]")
    moderator.fill("#id_reason", REJECT_REASON)
    moderator.get_by_role("button", name="Save decision").click()
    moderator.wait_for_url(f"**{QUEUE}")
    assert "Nothing is held." in moderator.inner_text("#content-main")
    journey.shot(moderator, "queue-empty")

    # The artist's open pages follow without a reload: one runs to a video, one is refused.
    wait_for_status(rejected_page, rejected_id, "rejected", timeout=10)
    assert REJECT_REASON in rejected_page.inner_text("[data-field=moderation]")
    journey.shot(rejected_page, "artist-rejected")
    wait_for_status(approved_page, approved_id, "succeeded", timeout=120)
    approved_page.wait_for_selector("[data-field=video] video")
    assert approved_page.locator("[data-field=moderation]").is_hidden()
    journey.shot(approved_page, "artist-approved-done")
    for page in (approved_page, rejected_page):
        assert page.evaluate("() => window.__notReloaded === true"), "the page was reloaded"

    journey.assert_clean()
