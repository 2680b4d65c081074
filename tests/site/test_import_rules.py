"""The import rules in pyproject.toml ([tool.importlinter]) hold: apps only import downward."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _lint(config: Path | None = None) -> subprocess.CompletedProcess[str]:
    command = [str(Path(sys.executable).with_name("lint-imports")), "--no-cache"]
    if config:
        command += ["--config", str(config)]
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=120)


def test_apps_only_import_downward():
    result = _lint()

    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_an_upward_import_breaks_the_rules(tmp_path):
    # accounts is the ground floor; the same check, told that chats sits below it, must refuse chats → accounts.
    config = tmp_path / "upside-down.toml"
    config.write_text(
        '[tool.importlinter]\nroot_packages = ["accounts", "chats"]\n\n'
        '[[tool.importlinter.contracts]]\nname = "upside down"\ntype = "layers"\nlayers = ["accounts", "chats"]\n'
    )

    result = _lint(config)

    assert result.returncode != 0 and "chats is not allowed to import accounts" in result.stdout


def _memos_imports(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            modules = [node.module] if node.module != "memos" else [f"memos.{a.name}" for a in node.names]
            names.update(m for m in modules if m.startswith("memos."))
        elif isinstance(node, ast.Import):
            names.update(a.name for a in node.names if a.name.startswith("memos."))
    return names


def test_memos_parts_import_only_what_their_docstrings_allow():
    parts = [init.parent for init in (ROOT / "memos").glob("*/__init__.py") if (init.parent / "services.py").exists()]
    assert parts, "memos has parts (sub-packages with their own services)"
    for part in parts:
        rule = re.search(
            r"May import:(.*?)(?:\n\n|$)", ast.get_docstring(ast.parse((part / "__init__.py").read_text())) or "", re.S
        )
        assert rule, f"{part.name}/__init__.py says what it may import"
        allowed = set(re.findall(r"memos(?:\.\w+)+", rule.group(1)))
        own = f"memos.{part.name}"
        for module in part.rglob("*.py"):
            for name in _memos_imports(module):
                inside = name == own or name.startswith(own + ".")
                assert inside or any(name == a or name.startswith(a + ".") for a in allowed), f"{module}: {name}"
