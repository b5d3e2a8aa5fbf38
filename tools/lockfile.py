"""Keep requirements/*.txt honest: locked from pyproject.toml, hash-checked, torch apart.

`make lock` runs pip-compile and then `python -m tools.lockfile stamp`, which writes
the digest of pyproject.toml's dependency tables into each lock. `make test` runs
`python -m tools.lockfile check`: it fails when pyproject.toml changed since the
lock was made, when a pin no longer satisfies pyproject.toml, when a pin has no
hash, or when the lock holds torch or a CUDA-only package (torch is installed
apart so that a GPU host can take a CUDA build of the same version; see README).
"""

from __future__ import annotations

import hashlib
import json
import re
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path

from packaging.markers import default_environment
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = ROOT / "pyproject.toml"
DIGEST_PREFIX = "# pyproject-digest: sha256:"
# Installed apart from the hashed set (README, "Installing torch").
UNHASHED = {"torch"}
# Packages only a CUDA build of torch pulls in: a lock resolved against that build
# would force gigabytes onto every CPU machine.
CUDA_ONLY = re.compile(r"^(nvidia-.*|triton|cuda-.*)$")
PIN_LINE = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s\\;]+)")


@dataclass(frozen=True)
class Lock:
    """What one lock file promises: which extras of pyproject.toml it covers."""

    path: Path
    extras: tuple[str, ...]


LOCKS = (
    Lock(ROOT / "requirements" / "app.txt", ()),
    Lock(ROOT / "requirements" / "test.txt", ("test",)),
)


def project_requirements(pyproject: dict, extras: tuple[str, ...]) -> list[str]:
    """The requirement strings a lock must satisfy, in pyproject.toml's order."""
    project = pyproject["project"]
    found = list(project.get("dependencies", []))
    for extra in extras:
        found += project.get("optional-dependencies", {}).get(extra, [])
    return found + list(pyproject.get("build-system", {}).get("requires", []))


def pyproject_digest(pyproject: dict, extras: tuple[str, ...]) -> str:
    """A digest of exactly what the lock was made from, so any change to it shows."""
    basis = {
        "requires-python": pyproject["project"].get("requires-python", ""),
        "requirements": project_requirements(pyproject, extras),
    }
    return hashlib.sha256(json.dumps(basis, sort_keys=True).encode()).hexdigest()


def pins_with_hashes(text: str) -> dict[str, tuple[str, bool]]:
    """name -> (version, has a --hash), from pip-compile's output."""
    pins: dict[str, tuple[str, bool]] = {}
    current: str | None = None
    for line in text.splitlines():
        match = PIN_LINE.match(line)
        if match:
            current = canonicalize_name(match.group(1))
            pins[current] = (match.group(2), "--hash=" in line)
        elif current and line.strip().startswith("--hash="):
            version, _ = pins[current]
            pins[current] = (version, True)
        elif not line.startswith(" "):
            current = None
    return pins


def lock_problems(lock: Lock, pyproject: dict) -> list[str]:
    """Everything wrong with one lock file, each as a sentence a maintainer can act on."""
    name = lock.path.relative_to(ROOT) if lock.path.is_relative_to(ROOT) else lock.path
    if not lock.path.exists():
        return [f"{name} is missing: run `make lock`"]
    text = lock.path.read_text()
    problems = []
    if f"{DIGEST_PREFIX}{pyproject_digest(pyproject, lock.extras)}" not in text:
        problems.append(
            f"{name} is out of date with pyproject.toml (its dependencies changed "
            "since the lock was made): run `make lock` and commit the result"
        )
    pins = pins_with_hashes(text)
    problems += unmet_requirements(name, pins, project_requirements(pyproject, lock.extras))
    for package, (version, hashed) in sorted(pins.items()):
        if package in UNHASHED:
            problems.append(f"{name} pins {package}=={version}: torch must stay out of the lock")
        elif CUDA_ONLY.match(package):
            problems.append(
                f"{name} pins the CUDA-only package {package}: lock against torch's CPU "
                "build (README, 'Installing torch')"
            )
        elif not hashed:
            problems.append(f"{name} pins {package}=={version} without a hash")
    return problems


def unmet_requirements(
    name: Path, pins: dict[str, tuple[str, bool]], wanted: list[str]
) -> list[str]:
    environment = {key: str(value) for key, value in default_environment().items()}
    problems = []
    for text in wanted:
        requirement = Requirement(text)
        if requirement.marker and not requirement.marker.evaluate(environment):
            continue
        package = canonicalize_name(requirement.name)
        if package in UNHASHED:
            continue
        if package not in pins:
            problems.append(f"{name} has no pin for {requirement}: run `make lock`")
            continue
        version = pins[package][0]
        if not requirement.specifier.contains(version, prereleases=True):
            problems.append(f"{name} pins {package}=={version}, outside {requirement}")
    return problems


def disagreements(app: Lock, test: Lock) -> list[str]:
    """The app lock must install exactly what the suite was tested with."""
    if not (app.path.exists() and test.path.exists()):
        return []
    app_pins = pins_with_hashes(app.path.read_text())
    test_pins = pins_with_hashes(test.path.read_text())
    return [
        f"{app.path.name} pins {name}=={version} but {test.path.name} pins "
        f"{test_pins.get(name, ('nothing',))[0]}: run `make lock`"
        for name, (version, _) in sorted(app_pins.items())
        if test_pins.get(name, ("",))[0] != version
    ]


def unhashed_pins(pyproject: dict) -> list[str]:
    """The exact pins installed apart from the lock (torch), read from pyproject.toml."""
    pins = []
    for text in project_requirements(pyproject, ()):
        requirement = Requirement(text)
        if canonicalize_name(requirement.name) in UNHASHED:
            exact = [s for s in requirement.specifier if s.operator == "=="]
            if len(exact) != 1 or len(requirement.specifier) != 1:
                raise SystemExit(f"pyproject.toml must pin {requirement.name} exactly (==)")
            pins.append(f"{requirement.name}=={exact[0].version}")
    return pins


def stamp(pyproject: dict, locks: tuple[Lock, ...] = LOCKS) -> None:
    """After pip-compile: record what each lock was made from, under its header."""
    for lock in locks:
        text = lock.path.read_text()
        lines = [line for line in text.splitlines() if not line.startswith(DIGEST_PREFIX)]
        header_end = next(i for i, line in enumerate(lines) if not line.startswith("#"))
        lines.insert(header_end, f"{DIGEST_PREFIX}{pyproject_digest(pyproject, lock.extras)}")
        lock.path.write_text("\n".join(lines) + "\n")


def main(argv: list[str]) -> int:
    pyproject = tomllib.loads(PYPROJECT.read_text())
    command = argv[0] if argv else "check"
    if command == "stamp":
        stamp(pyproject)
        return 0
    if command == "torch":
        print(" ".join(unhashed_pins(pyproject)))
        return 0
    problems = [problem for lock in LOCKS for problem in lock_problems(lock, pyproject)]
    problems += disagreements(*LOCKS)
    for problem in problems:
        print(f"lock check: {problem}", file=sys.stderr)
    if not problems:
        print("lock check: requirements/app.txt and requirements/test.txt match pyproject.toml")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
