"""The stage is written in one place: the lifecycle service. Anything else that assigns
`stage`, passes it to a create/update, or builds a Project with it is a second, unchecked path."""

import ast
from pathlib import Path

APPS = Path(__file__).resolve().parents[2] / "apps"
ALLOWED = {APPS / "projects" / "services.py"}
WRITING_CALLS = {"create", "update", "get_or_create", "update_or_create", "Project"}


def _stage_writes(tree: ast.AST):
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign | ast.AugAssign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                if isinstance(target, ast.Attribute) and target.attr == "stage":
                    yield node.lineno
        if isinstance(node, ast.Call):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if name in WRITING_CALLS and any(k.arg == "stage" for k in node.keywords):
                yield node.lineno


def test_no_stage_write_outside_the_projects_app():
    offenders = []
    for path in APPS.rglob("*.py"):
        if "migrations" in path.parts or path in ALLOWED:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        offenders += [f"{path.relative_to(APPS.parent)}:{line}" for line in _stage_writes(tree)]
    assert offenders == []
