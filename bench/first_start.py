"""How long a newcomer waits: fresh clone -> `make run` answers -> first finished video.

Clones this repository (its committed HEAD) into a temporary directory, runs
`make run` there on a new data directory exactly as README says, then does
what the newcomer does next over HTTP: opens the printed staff invitation, signs
up, submits one prompt with the form's defaults on the built-in model, and waits
for the video. Prints a table and JSON.

    python bench/first_start.py [--port 18090] [--no-pip-cache] [--json-out F]

`--no-pip-cache` makes pip download every package again, as on a new machine
(the default uses this machine's pip cache, which a second install would have).
Traffic goes to 127.0.0.1 only; every wait has a time limit.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import secrets
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
INSTALL_LIMIT_S = 3600
VIDEO_LIMIT_S = 600
PASSWORD = secrets.token_urlsafe(16)  # a throwaway account on a throwaway data dir


class Output:
    """`make run`'s output, collected in a thread so the pipe never fills."""

    def __init__(self, process: subprocess.Popen[str]) -> None:
        self.lines: list[str] = []
        self._thread = threading.Thread(target=self._read, args=(process,), daemon=True)
        self._thread.start()

    def _read(self, process: subprocess.Popen[str]) -> None:
        assert process.stdout is not None
        for line in process.stdout:
            self.lines.append(line)

    def find(self, pattern: str) -> str | None:
        for line in self.lines:
            match = re.search(pattern, line)
            if match:
                return match.group(0)
        return None


def wait_until(predicate, limit: float, what: str, process: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"`make run` exited with {process.returncode} before {what}")
        if predicate():
            return
        time.sleep(0.5)
    raise SystemExit(f"gave up waiting for {what} after {limit:.0f} s")


def page_answers(url: str) -> bool:
    try:
        return requests.get(url, timeout=2).status_code == 200
    except requests.RequestException:
        return False


def csrf_post(session: requests.Session, url: str, data: dict[str, str]) -> requests.Response:
    page = session.get(url, timeout=30)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
    if token is None:
        raise SystemExit(f"no form on {url} (status {page.status_code})")
    return session.post(
        url, data={"csrfmiddlewaretoken": token.group(1), **data}, headers={"Referer": url}
    )


def first_video(base: str, invitation: str, email: str) -> tuple[float, dict]:
    """Sign up through the invitation, submit one prompt, wait for its video."""
    session = requests.Session()
    session.get(invitation, timeout=30).raise_for_status()
    signup = csrf_post(
        session,
        f"{base}/accounts/signup/",
        {"email": email, "password1": PASSWORD, "password2": PASSWORD},
    )
    signup.raise_for_status()
    started = time.monotonic()
    submitted = csrf_post(session, f"{base}/create/", {"prompt": "fog over a pine forest"})
    job = re.search(r"/jobs/(\d+)/", submitted.url)
    if job is None:
        raise SystemExit(f"the submission did not lead to a job page: {submitted.url}")
    status_url = f"{base}/jobs/{job.group(1)}/status.json"
    deadline = time.monotonic() + VIDEO_LIMIT_S
    while time.monotonic() < deadline:
        snapshot = session.get(status_url, timeout=10).json()
        if snapshot["status"] in ("succeeded", "failed", "rejected", "held", "cancelled"):
            return time.monotonic() - started, snapshot
        time.sleep(0.2)
    raise SystemExit("the first video did not finish in time")


def measure(port: int, no_pip_cache: bool) -> dict:
    workdir = Path(tempfile.mkdtemp(prefix="studio-first-start-"))
    clone = workdir / "studio"
    subprocess.run(["git", "clone", "--quiet", str(ROOT), str(clone)], check=True)
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env.update(SORA_DATA_DIR=str(workdir / "var"), PYTHONUNBUFFERED="1")
    env.pop("VIRTUAL_ENV", None)
    if no_pip_cache:
        env["PIP_NO_CACHE_DIR"] = "1"
    base = f"http://127.0.0.1:{port}"
    started = time.monotonic()
    process = subprocess.Popen(
        ["make", "run", f"PORT={port}"],
        cwd=clone,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    output = Output(process)
    try:
        wait_until(
            lambda: page_answers(f"{base}/accounts/login/"),
            INSTALL_LIMIT_S,
            "the first page",
            process,
        )
        first_page_s = time.monotonic() - started
        wait_until(
            lambda: output.find(r"http://\S+/invite/\S+/") is not None,
            60,
            "the staff invitation",
            process,
        )
        invitation = output.find(r"http://\S+/invite/\S+/") or ""
        email = (output.find(r"sign up there as \S+") or "").split()[-1]
        video_s, snapshot = first_video(base, invitation, email)
        total_s = time.monotonic() - started
    finally:
        os.killpg(process.pid, signal.SIGINT)
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
    return {
        "clone_to_first_page_s": round(first_page_s, 1),
        "submit_to_first_video_s": round(video_s, 2),
        "clone_to_first_video_s": round(total_s, 1),
        "first_video_status": snapshot["status"],
        "pip_cache": not no_pip_cache,
        "cores": os.cpu_count(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=18090)
    parser.add_argument("--no-pip-cache", action="store_true")
    parser.add_argument("--json-out", type=Path)
    args = parser.parse_args()
    result = measure(args.port, args.no_pip_cache)
    rows = [
        ("fresh clone -> make run answers its first page", f"{result['clone_to_first_page_s']} s"),
        (
            "first page -> signed up, first video finished (built-in model)",
            f"{result['clone_to_first_video_s'] - result['clone_to_first_page_s']:.1f} s",
        ),
        ("  of which: submit -> video stored", f"{result['submit_to_first_video_s']} s"),
        ("first video's status", result["first_video_status"]),
        ("pip cache", "warm" if result["pip_cache"] else "none (downloads everything)"),
    ]
    width = max(len(label) for label, _ in rows)
    for label, value in rows:
        print(f"{label:<{width}}  {value}")
    print(json.dumps(result))
    if args.json_out:
        args.json_out.write_text(json.dumps(result, indent=2))
    if result["first_video_status"] != "succeeded":
        sys.exit(1)


if __name__ == "__main__":
    main()
