"""The colleague, prior, stuffer and it_agent attackers measure the product like an outside
adversary: they may read the synthetic organisation (context/) and their own evals modules, never
the question vetting (questions/), the grader (grading/), the prompts or the service (api/), not
even through another evals module."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ATTACKER_MODULES = ("evals.colleague", "evals.prior", "evals.stuffer", "evals.it_agent")
FORBIDDEN = ("questions", "grading", "prompts", "api")
# The shared word lists (generic words, people lists, injection patterns) are the product's
# heuristics too: an attacker module may not import them itself (context/ may, for its models).
NOT_DIRECTLY = ("vocabulary",)


def imports_of(module: str) -> set[str]:
    """Every module `module` imports (top-level and inside functions or TYPE_CHECKING)."""
    path = ROOT / (module.replace(".", "/") + ".py")
    if not path.exists():
        path = ROOT / module.replace(".", "/") / "__init__.py"
    tree = ast.parse(path.read_text("utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


def reachable(start: str) -> dict[str, str]:
    """Every project module reachable from `start` through evals modules -> who imports it."""
    seen: dict[str, str] = {}
    todo = [start]
    while todo:
        current = todo.pop()
        for name in sorted(imports_of(current)):
            top = name.split(".")[0]
            if top in NOT_DIRECTLY and current.startswith("evals"):
                seen[name] = current
                continue
            if top not in ("evals", "context", *FORBIDDEN) or name in seen:
                continue
            seen[name] = current
            if top in ("evals", "context"):  # context/ must not reach them either
                todo.append(name)
    return seen


@pytest.mark.parametrize("module", ATTACKER_MODULES)
def test_attacker_module_never_reaches_questions_or_grading(module: str) -> None:
    bad = {name: via for name, via in reachable(module).items() if name.split(".")[0] in FORBIDDEN}
    assert bad == {}, f"{module} reaches {bad} (module -> imported by)"


def test_the_boundary_check_sees_a_transitive_import() -> None:
    # evals.runner imports api and questions: a module importing it must be caught.
    found = reachable("evals.runner")
    assert any(name.startswith("questions") for name in found)
    assert any(name.startswith("api") for name in found)
