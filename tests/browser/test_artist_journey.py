"""An invited artist: sign up, make a video and watch it being made, share it, remix it."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.browser.conftest import (
    Journey,
    Studio,
    assert_video_plays,
    record_progress,
    seen_progress,
    sign_up,
    submit_prompt,
    wait_for_status,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PROMPT = "A paper boat drifting down a rainy street at dusk"


def test_artist_signs_up_makes_shares_and_remixes_a_video(
    studio: Studio, journey_for: Callable[[str], Journey]
) -> None:
    journey = journey_for("artist")
    invite = studio.invite("ada@example.com")
    page = journey.person("ada")

    # The invitation link leads to a signup form fixed to the invited address.
    page.goto(invite)
    assert "You're invited as Artist" in page.locator("h1").inner_text()
    journey.shot(page, "invitation")
    sign_up(page, invite)
    page.wait_for_url("**/create/")
    assert page.locator("nav").get_by_text("ada@example.com").is_visible()
    journey.shot(page, "create-form")

    # A slow enough job (the largest 16:9 size, 33 frames, 30 steps) to watch.
    job_id = submit_prompt(
        page, PROMPT, aspect="16:9", resolution="224x128", num_frames=33, steps=30
    )
    record_progress(page)
    # The worker may still be building the model (many seconds on a busy machine).
    page.wait_for_function(
        "() => window.__progress.some(w => parseInt(w) >= 20 && parseInt(w) < 100)",
        timeout=90_000,
    )
    page.wait_for_timeout(300)  # the bar animates its width for 0.25 s
    journey.shot(page, "job-running")
    wait_for_status(page, job_id, "succeeded", timeout=180)
    progress = seen_progress(page)
    partial = {w for w in progress if w not in ("", "0%", "100%")}
    assert len(partial) >= 2, f"the progress bar never advanced between values: {progress}"

    # The video replaces the placeholder without a reload, and plays.
    page.wait_for_selector("[data-field=video] video")
    playback = assert_video_plays(page, "[data-field=video] video")
    assert playback["width"] == 224
    journey.shot(page, "job-done")

    # My videos lists it; its tile leads to the video page.
    page.get_by_role("link", name="My videos", exact=True).first.click()
    tile = page.locator(f'[data-job-id="{job_id}"]')
    assert tile.get_attribute("data-status") == "succeeded"
    assert tile.locator(".title").inner_text() == PROMPT
    journey.shot(page, "my-videos")
    tile.locator(".title a").click()
    page.wait_for_url("**/videos/*/")
    video_url = page.url
    video_id = int(video_url.rstrip("/").rsplit("/", 1)[1])
    assert "Only you can see this video." in page.inner_text("main")

    # Share it; it appears in the community gallery.
    page.get_by_role("button", name="Share with the community").click()
    page.wait_for_load_state()
    assert "Shared with the community" in page.inner_text("main")
    journey.shot(page, "video-shared")
    page.get_by_role("link", name="Community").click()
    page.wait_for_url("**/community/")
    shared = page.locator(f'.gallery [data-video-id="{video_id}"]')
    assert shared.locator(".title").inner_text() == PROMPT
    journey.shot(page, "community")
    shared.locator("[data-play]").click()  # the poster becomes a playing video
    assert_video_plays(page, f'.gallery [data-video-id="{video_id}"] video')
    journey.shot(page, "community-playing")

    # Remix: the form comes back with the video's settings; a quicker take runs.
    page.goto(video_url)
    page.get_by_role("link", name="Remix").click()
    page.wait_for_url("**/remix/")
    assert page.input_value("#id_prompt") == PROMPT
    assert page.input_value("#id_resolution") == "224x128"
    assert page.input_value("#id_steps") == "30"
    journey.shot(page, "remix-form")
    remix_id = submit_prompt(page, "", steps=4, num_frames=9)
    assert remix_id != job_id
    wait_for_status(page, remix_id, "succeeded", timeout=120)
    assert PROMPT in page.inner_text(".prompt")
    assert_video_plays(page, "[data-field=video] video")
    journey.shot(page, "remix-done")

    journey.assert_clean()
