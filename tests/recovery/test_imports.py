"""recovery/ imports none of deskguard's other packages (api wires it up)."""

import ast
from pathlib import Path

OURS = {"api", "context", "questions", "grading", "prompts", "evals", "tickets", "tests"}


def test_recovery_imports_none_of_ours() -> None:
    root = Path(__file__).resolve().parents[2] / "recovery"
    offending = []
    for path in root.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module]
            offending += [f"{path.name}: {n}" for n in names if n.split(".")[0] in OURS]
    assert offending == []
