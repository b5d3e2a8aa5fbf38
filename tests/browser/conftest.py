"""Browser journeys: headless Chromium (Playwright) against one real `manage.py serve`.

One `serve` per test session, on a free port, with a fresh data directory and the
embedded default (SQLite, embedded Redis, one worker). Each journey gets a
`Journey`: browser contexts (one per person) whose console errors, page errors,
failed requests and unexpected HTTP errors fail the journey, and a numbered
screenshot folder under $TEST_ARTIFACTS_DIR/<journey>/.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyotp
import pytest

from tests.services import ROOT, free_port, manage, wait_for_http
from tests.test_serve import (
    assert_nothing_left,
    embedded_env,
    start_serve,
    wait_until_healthy,
)

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, Page, Request, Response

try:
    from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
except ImportError:  # the journeys skip (see require_browser); the name must still exist

    class PlaywrightTimeoutError(Exception):  # type: ignore[no-redef]
        pass


CHROMIUM = "/usr/bin/chromium"
INSTALL_HINT = (
    "Chromium not found: install it with `apt-get install -y chromium` (Debian) "
    "to run the browser journeys"
)
PASSWORD = "violet-kestrel-harbour-41"
INVITE_LINK = re.compile(r"(https?://\S+/invite/[^/\s]+/)")

# The serve process: slow enough steps that progress is visible, one worker so
# that a second job really waits in the queue.
SERVE_ENV = {
    "DEBUG": "0",
    "GENERATION_DEFAULT_STEPS": "30",
    "GENERATION_MAX_STEPS": "50",
    "Q_WORKERS": "1",
    "LOG_LEVEL": "warning",
}


def chromium_path() -> str | None:
    if os.path.exists(CHROMIUM):
        return CHROMIUM
    return shutil.which("chromium")


def require_browser() -> str:
    """Chromium's path, or skip the journey saying how to install what is missing."""
    executable = chromium_path()
    if executable is None:
        pytest.skip(INSTALL_HINT)
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        pytest.skip(f"{INSTALL_HINT}; Playwright is missing too: `pip install -e '.[test]'`")
    return executable


def artifacts_root() -> Path:
    return Path(os.environ.get("TEST_ARTIFACTS_DIR") or ROOT / "test-artifacts")


# --- the studio under test ------------------------------------------------------------


@dataclass
class Studio:
    url: str
    data_dir: Path
    env: dict[str, str]
    process: subprocess.Popen[str]
    staff_invite_link: str
    output: list[str] = field(default_factory=list)

    def manage(self, *args: str) -> str:
        return manage(self.data_dir, *args, env=self.env)

    def invite(self, email: str, role: str = "artist") -> str:
        """An invitation made on the command line (for set-up that is not a journey)."""
        out = self.manage("invite", email, "--role", role, "--base-url", self.url)
        match = INVITE_LINK.search(out)
        assert match, f"`manage.py invite` printed no link:\n{out}"
        return match.group(1)

    def log(self) -> str:
        return "".join(self.output)


def _read_output(process: subprocess.Popen[str], sink: list[str]) -> None:
    assert process.stdout is not None
    for line in process.stdout:
        sink.append(line)


def _wait_for_invite_link(studio_output: list[str], process: subprocess.Popen[str]) -> str:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        match = INVITE_LINK.search("".join(studio_output))
        if match:
            return match.group(1)
        if process.poll() is not None:
            break
        time.sleep(0.1)
    raise AssertionError("serve printed no staff invitation link:\n" + "".join(studio_output))


@pytest.fixture(scope="session")
def studio(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Studio]:
    require_browser()  # before starting anything
    data_dir = tmp_path_factory.mktemp("browser") / "var"
    env = {**embedded_env(data_dir), **SERVE_ENV}
    manage(data_dir, "migrate", "--noinput", env=env)
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    process = start_serve(data_dir, port, env)
    output: list[str] = []
    reader = threading.Thread(target=_read_output, args=(process, output), daemon=True)
    reader.start()
    try:
        wait_for_http(f"{url}/healthz", timeout=90, process=process)
        wait_until_healthy(url, timeout=90)
        link = _wait_for_invite_link(output, process)
        yield Studio(url, data_dir, env, process, link, output)
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        reader.join(timeout=5)
    log = "".join(output)
    # Kept beside the screenshots: the server's side of any failed journey.
    artifacts_root().mkdir(parents=True, exist_ok=True)
    (artifacts_root() / "serve.log").write_text(log)
    assert process.returncode == 0, f"serve exited with {process.returncode}:\n{log}"
    assert "Studio stopped." in log, log
    assert_nothing_left(data_dir)


@pytest.fixture(scope="session")
def browser(studio: Studio) -> Iterator[Browser]:
    executable = require_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=executable,
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        yield launched
        launched.close()


# --- one journey: people, problems, screenshots ---------------------------------------


@dataclass
class Allowance:
    """A failure the journey itself causes on purpose (matched by URL part and kind)."""

    url_part: str
    kinds: tuple[str, ...]  # "status:<code>", "failed", "console"


class Journey:
    def __init__(self, browser: Browser, studio: Studio, name: str) -> None:
        self.browser = browser
        self.studio = studio
        self.name = name
        self.problems: list[str] = []
        self.allowed: list[Allowance] = []
        self.contexts: list[BrowserContext] = []
        self.shots = 0
        self.folder = artifacts_root() / name
        shutil.rmtree(self.folder, ignore_errors=True)
        self.folder.mkdir(parents=True, exist_ok=True)

    # people
    def person(self, label: str, width: int = 1280, height: int = 860) -> Page:
        """A new browser (own cookies) for one person, watched for problems."""
        context = self.browser.new_context(
            base_url=self.studio.url, viewport={"width": width, "height": height}
        )
        context.set_default_timeout(15_000)
        context.on("page", lambda page: self._watch(page, label))
        self.contexts.append(context)
        return context.new_page()

    def _watch(self, page: Page, label: str) -> None:
        page.on(
            "console",
            lambda msg: self._console(
                label, msg.type, msg.text, msg.location.get("url") or page.url
            ),
        )
        page.on("pageerror", lambda exc: self._problem(f"[{label}] page error: {exc}"))
        page.on("requestfailed", lambda request: self._failed(label, request))
        page.on("response", lambda response: self._response(label, response))

    def _is_allowed(self, url: str, kind: str) -> bool:
        return any(a.url_part in url and kind in a.kinds for a in self.allowed)

    def _console(self, label: str, kind: str, text: str, url: str) -> None:
        if kind == "error" and not self._is_allowed(url, "console"):
            self._problem(f"[{label}] console error ({url}): {text}")

    def _failed(self, label: str, request: Request) -> None:
        failure = request.failure or ""
        # Chromium aborts a page's pending subresources (the favicon, a <video>'s
        # ranged fetch, a status poll) when the journey navigates away, and a video's
        # fetch when it has buffered enough: the journey's own doing, not a failure.
        # Aborted documents and every other failure count.
        if "ERR_ABORTED" in failure and request.resource_type != "document":
            return
        if not self._is_allowed(request.url, "failed"):
            self._problem(f"[{label}] request failed: {request.method} {request.url} {failure}")

    def _response(self, label: str, response: Response) -> None:
        if response.status >= 400 and not self._is_allowed(
            response.url, f"status:{response.status}"
        ):
            self._problem(
                f"[{label}] HTTP {response.status}: {response.request.method} {response.url}"
            )

    def _problem(self, text: str) -> None:
        self.problems.append(text)

    @contextmanager
    def expecting(self, url_part: str, *kinds: str) -> Iterator[None]:
        """Failures this block causes on purpose, e.g. ("/ws/events/", "console")."""
        allowance = Allowance(url_part, kinds)
        self.allowed.append(allowance)
        try:
            yield
        finally:
            self.allowed.remove(allowance)

    # evidence
    def shot(self, page: Page, name: str, *, full_page: bool = True) -> Path:
        """full_page=False keeps what the screen shows (sticky bars where they stick)."""
        self.shots += 1
        path = self.folder / f"{self.shots:02d}-{name}.png"
        page.screenshot(path=str(path), full_page=full_page)
        return path

    def assert_clean(self) -> None:
        assert not self.problems, f"{self.name}: browser problems:\n" + "\n".join(self.problems)

    def close(self) -> None:
        for context in self.contexts:
            context.close()


@pytest.fixture
def journey_for(browser: Browser, studio: Studio) -> Iterator[Callable[[str], Journey]]:
    made: list[Journey] = []

    def make(name: str) -> Journey:
        journey = Journey(browser, studio, name)
        made.append(journey)
        return journey

    yield make
    for journey in made:
        journey.close()


# --- steps every journey uses --------------------------------------------------------


def totp_code_fresh(secret: str, used: set[str]) -> str:
    """A code that has not been typed yet: allauth refuses a code used twice."""
    totp = pyotp.TOTP(secret)
    code = totp.now()
    while code in used:
        time.sleep(0.5)
        code = totp.now()
    used.add(code)
    return code


def sign_up(page: Page, invite_link: str, password: str = PASSWORD) -> None:
    """Open an invitation link and create the account it is for."""
    page.goto(invite_link)
    page.get_by_role("link", name="Continue to create your account").click()
    page.wait_for_url("**/accounts/signup/")
    page.fill("#id_password1", password)
    page.fill("#id_password2", password)
    page.locator("form").filter(has=page.locator("#id_password1")).locator(
        "button[type=submit]"
    ).click()
    page.wait_for_load_state()


def activate_totp(page: Page, used: set[str]) -> str:
    """On allauth's activation page: read the secret shown there, type the current code."""
    if "/accounts/reauthenticate/" in page.url:
        # allauth asks for the password again before a security change, even
        # right after signup.
        page.fill("#id_password", PASSWORD)
        page.get_by_role("button", name="Confirm").click()
    page.wait_for_url(re.compile(r".*/accounts/2fa/totp/activate/?$"))
    secret = page.locator("#authenticator_secret").input_value()
    assert secret, "the activation page shows no secret"
    page.fill("#id_code", totp_code_fresh(secret, used))
    page.get_by_role("button", name="Activate").click()
    page.wait_for_load_state()
    return secret


def sign_in(page: Page, email: str, *, totp_secret: str | None = None, used: set[str]) -> None:
    page.goto("/accounts/login/")
    page.fill("#id_login", email)
    page.fill("#id_password", PASSWORD)
    page.locator("form").filter(has=page.locator("#id_login")).locator(
        "button[type=submit]"
    ).click()
    if totp_secret is not None:
        page.wait_for_url(re.compile(r".*/accounts/2fa/authenticate/?$"))
        page.fill("#id_code", totp_code_fresh(totp_secret, used))
        page.get_by_role("button", name="Sign In").click()
    page.wait_for_load_state()


def sign_out(page: Page) -> None:
    page.goto("/create/")
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_load_state()


def submit_prompt(page: Page, prompt: str, **fields: Any) -> int:
    """Fill the create form (or the remix form as it stands) and submit it.

    Returns the new job's id; 0 for several variations (the page is then My videos).
    """
    if prompt:
        page.fill("#id_prompt", prompt)
    for name, value in fields.items():
        locator = page.locator(f"#id_{name}")
        if locator.evaluate("el => el.tagName") == "SELECT":
            locator.select_option(str(value))
        else:
            locator.fill(str(value))
    page.get_by_role("button", name="Generate").click()
    if str(fields.get("variations", "1")) != "1":
        page.wait_for_url("**/videos/")  # several jobs: the list of them
        return 0
    page.wait_for_url(re.compile(r".*/jobs/\d+/$"))
    match = re.search(r"/jobs/(\d+)/$", page.url)
    assert match
    return int(match.group(1))


def job_status(page: Page, job_id: int) -> str:
    return str(
        page.locator(f'[data-job][data-job-id="{job_id}"]').first.get_attribute("data-status")
    )


def wait_for_status(page: Page, job_id: int, *statuses: str, timeout: float = 120) -> str:
    """Wait, without reloading, until the page shows the job in one of `statuses`."""
    selector = " , ".join(
        f'[data-job][data-job-id="{job_id}"][data-status="{status}"]' for status in statuses
    )
    try:
        page.wait_for_selector(selector, state="attached", timeout=timeout * 1000)
    except PlaywrightTimeoutError:
        shown = job_status(page, job_id)
        raise AssertionError(
            f"job {job_id} is still shown as {shown!r} after {timeout} s, not {statuses}"
        ) from None
    return job_status(page, job_id)


def record_statuses(page: Page) -> None:
    """Remember every status each job on the page shows (read back with status_history)."""
    page.evaluate(
        """() => {
          window.__statuses = {};
          document.querySelectorAll('[data-job]').forEach(el => {
            const note = () => (window.__statuses[el.dataset.jobId] ||= []).push(el.dataset.status);
            note();
            new MutationObserver(note).observe(el, {attributeFilter: ['data-status']});
          });
        }"""
    )


def status_history(page: Page, job_id: int) -> list[str]:
    return list(page.evaluate(f"() => window.__statuses['{job_id}'] || []"))


def record_progress(page: Page) -> None:
    """Remember every width the job's progress bar takes (read back with seen_progress)."""
    page.evaluate(
        """() => {
          window.__progress = [];
          const bar = document.querySelector('[data-job] [data-field="bar"]');
          const note = () => window.__progress.push(bar.style.width);
          note();
          new MutationObserver(note).observe(bar, {attributes: true});
        }"""
    )


def seen_progress(page: Page) -> list[str]:
    return list(page.evaluate("() => window.__progress"))


def assert_video_plays(page: Page, selector: str = "main video") -> dict[str, float]:
    """The video has data for the current frame and its clock moves while playing."""
    video = page.locator(selector).first
    video.wait_for(state="visible")
    state = video.evaluate(
        """async (el) => {
          el.muted = true;
          await el.play();
          const start = performance.now();
          const first = el.currentTime;
          while (performance.now() - start < 8000) {
            if (el.readyState >= 2 && el.currentTime > first) break;
            await new Promise(r => setTimeout(r, 50));
          }
          const result = {readyState: el.readyState, first: first, now: el.currentTime,
                          duration: el.duration, width: el.videoWidth,
                          error: el.error && el.error.code};
          el.pause();
          return result;
        }"""
    )
    assert state["error"] is None, f"the video failed to load: {state}"
    assert state["readyState"] >= 2, f"the video never had a frame to show: {state}"
    assert state["now"] > state["first"], f"the video did not play: {state}"
    return dict(state)
