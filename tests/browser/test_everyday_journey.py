"""One artist's everyday use, on a desktop (1280x800) and on a phone (390x844): the
header, pages that never scroll sideways, the create form's readout and keyboard
submit, knowing when a job is done (tab title, header badge, toast), the API token
page, the site's own 404 page."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest

from tests.browser.conftest import Journey, Studio, sign_up, wait_for_status

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PHONE = (390, 844)
DESKTOP = (1280, 800)
PAGES = ["/create/", "/videos/", "/community/", "/account/tokens/", "/status"]


def assert_no_sideways_scroll(page, where: str) -> None:  # type: ignore[no-untyped-def]
    widths = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1], f"{where} scrolls sideways: {widths}"


def test_an_artist_on_a_desktop_knows_when_a_job_is_done(
    studio: Studio, journey_for: Callable[[str], Journey]
) -> None:
    journey = journey_for("everyday-desktop")
    page = journey.person("eve", *DESKTOP)
    sign_up(page, studio.invite("eve@example.com"))
    page.wait_for_url("**/create/")
    assert page.locator("[data-menu-toggle]").is_hidden()
    assert page.locator("#queue-badge").is_hidden()

    # The readout follows the fields; the cost is against today's quota.
    page.fill("#id_prompt", "A lantern festival over a river, slow pan")
    page.fill("#id_num_frames", "30")
    readout = page.locator("#clip-readout")
    assert re.match(
        r"29 frames · 3\.6 s · uses 3\.6 s of your [\d.]+ s left today", readout.inner_text()
    )
    page.fill("#id_num_frames", "")
    page.fill("#id_duration", "1")
    page.fill("#id_variations", "3")
    assert readout.inner_text().startswith("9 frames · 1.1 s · uses 3.4 s of your")
    page.fill("#id_variations", "1")
    page.fill("#id_steps", "30")
    journey.shot(page, "create-readout")

    # Ctrl+Enter submits; the page then follows the job without a reload.
    page.locator("#id_prompt").press("Control+Enter")
    page.wait_for_url(re.compile(r".*/jobs/\d+/$"))
    job_id = int(re.search(r"/jobs/(\d+)/$", page.url).group(1))  # type: ignore[union-attr]
    # One worker: under load it may still be busy with another journey's job.
    wait_for_status(page, job_id, "running", timeout=240)
    page.wait_for_function("() => /^\\d+% · /.test(document.title)", timeout=60_000)
    assert page.locator("#queue-badge").inner_text() == "1 running"
    # A step preview of the latents replaces the placeholder while it runs.
    page.wait_for_function(
        "() => { const img = document.querySelector('[data-field=preview]');"
        " return img && !img.classList.contains('hidden') && img.complete"
        " && img.naturalWidth > 0; }",
        timeout=120_000,
    )
    journey.shot(page, "job-running-title-badge-preview")
    wait_for_status(page, job_id, "succeeded", timeout=120)
    toast = page.locator("#toasts .toast.succeeded")
    toast.wait_for()
    assert toast.inner_text().startswith("Your video is ready: A lantern festival")
    assert page.title() == f"Job #{job_id} · Studio"
    assert page.locator("#queue-badge").is_hidden()
    assert page.locator('[data-field="status_label"]').count() == 0 or "…" not in (
        page.locator('[data-field="status_label"]').first.inner_text()
    )
    journey.shot(page, "job-done-toast")

    # My videos: filter to the ready ones, tick this one and share it.
    page.goto("/videos/?status=succeeded")
    tile = page.locator(f'[data-job-id="{job_id}"]')
    tile.locator("input[name=job]").check()
    page.locator("#bulk-form").get_by_role("button", name="Share", exact=True).click()
    page.wait_for_load_state()
    assert "Shared 1." in page.inner_text(".messages")
    journey.shot(page, "my-videos-filtered-shared")

    # The community: the author's name, search by prompt words, hover plays a loop.
    page.goto("/community/")
    community_tile = page.locator(".tile").filter(has_text="A lantern festival")
    assert "by eve" in community_tile.inner_text()
    page.fill("#community-q", "festival LANTERN")
    page.get_by_role("button", name="Search").click()
    page.wait_for_url("**/community/?q=*")
    assert page.locator(".tile").count() == 1
    community_tile.locator("[data-play]").hover()
    page.wait_for_function(
        "() => { const v = document.querySelector('video.hover-preview');"
        " return v && v.loop && v.muted && v.currentTime > 0; }"
    )
    journey.shot(page, "community-search-hover")
    page.get_by_role("link", name="Most remixed").click()
    page.wait_for_url("**sort=remixed*")
    page.fill("#community-q", "volcano")
    page.get_by_role("button", name="Search").click()
    assert "No shared video has “volcano” in its prompt." in page.inner_text("main")

    # The API token page: the token wraps inside its box, with a copy button and curl.
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.goto("/account/tokens/")
    page.fill("#id_name", "render script")
    page.get_by_role("button", name="Create token").click()
    token = page.locator("#raw-token").input_value()
    assert token
    page.get_by_role("button", name="Copy").click()
    page.wait_for_function("() => document.querySelector('[data-copy]').textContent === 'Copied'")
    assert page.evaluate("() => navigator.clipboard.readText()") == token
    assert 'curl -H "Authorization: Bearer $STUDIO_TOKEN"' in page.inner_text("#curl-example")
    journey.shot(page, "token-created")

    # The site's own 404 page, with the header and a way back.
    with journey.expecting("/no-such-page/", "status:404", "console"):
        page.goto("/no-such-page/")
    assert page.locator("h1").inner_text() == "Nothing here"
    journey.shot(page, "not-found")
    page.get_by_role("link", name="Back to the studio").click()
    page.wait_for_url("**/create/")

    # Delete the job and its video from its page (after a confirmation).
    page.on("dialog", lambda dialog: dialog.accept())
    page.goto(f"/jobs/{job_id}/")
    page.get_by_role("button", name="Delete").click()
    page.wait_for_url("**/videos/")
    assert f"Deleted job #{job_id} and its video." in page.inner_text(".messages")
    assert page.locator(f'[data-job-id="{job_id}"]').count() == 0
    journey.shot(page, "deleted")
    journey.assert_clean()


def test_an_artist_on_a_phone_has_one_header_band_and_no_sideways_scrolling(
    studio: Studio, journey_for: Callable[[str], Journey]
) -> None:
    journey = journey_for("everyday-phone")
    page = journey.person("pia", *PHONE)
    sign_up(page, studio.invite("pia@example.com"))
    page.wait_for_url("**/create/")

    # One band: brand and menu button on one line, links folded away until asked for.
    header = page.locator("header.topbar").bounding_box()
    assert header and header["height"] < 70, header
    assert page.locator("#site-nav").is_hidden()
    journey.shot(page, "create-phone")
    page.get_by_role("button", name="Menu").click()
    assert page.locator("#site-nav").get_by_role("link", name="Community").is_visible()
    journey.shot(page, "menu-open")
    page.get_by_role("button", name="Menu").click()

    # Generate is on screen without scrolling past the options.
    box = page.get_by_role("button", name="Generate").bounding_box()
    assert box and box["y"] + box["height"] <= PHONE[1], box
    journey.shot(page, "create-phone-screen", full_page=False)

    for path in PAGES:
        page.goto(path)
        assert_no_sideways_scroll(page, path)
        journey.shot(page, "phone" + path.rstrip("/").replace("/", "-"))
    with journey.expecting("/no-such-page/", "status:404", "console"):
        page.goto("/no-such-page/")
    assert_no_sideways_scroll(page, "the 404 page")

    # A job page and its toast on a phone; with notifications allowed and the tab in
    # the background, the browser notification too (recorded by a stand-in, since
    # headless Chromium has no notification centre to look at).
    page.context.add_init_script(
        """window.__notes = [];
        window.Notification = function (title, options) {
          window.__notes.push(title + ': ' + ((options && options.body) || ''));
        };
        window.Notification.permission = 'granted';
        Object.defineProperty(document, 'hidden', {get: () => true});"""
    )
    page.goto("/create/")
    page.fill("#id_prompt", "Rain on a tin roof, close up")
    page.get_by_role("button", name="Generate").click()
    page.wait_for_url(re.compile(r".*/jobs/\d+/$"))
    job_id = int(re.search(r"/jobs/(\d+)/$", page.url).group(1))  # type: ignore[union-attr]
    wait_for_status(page, job_id, "succeeded", timeout=120)
    page.locator("#toasts .toast.succeeded").wait_for()
    notes = page.evaluate("() => window.__notes")
    assert notes == ["Your video is ready: Rain on a tin roof, close up"], notes
    assert_no_sideways_scroll(page, "the job page")
    journey.shot(page, "phone-job-done")
    page.goto("/videos/")
    assert_no_sideways_scroll(page, "My videos with a video")
    journey.assert_clean()
