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
            modules = [f"{node.module}.{a.name}" for a in node.names]  # a module or a name in one: both are prefixed
            names.update(m for m in modules if m.startswith("memos."))
        elif isinstance(node, ast.Import):
            names.update(a.name for a in node.names if a.name.startswith("memos."))
    return names


# The memos app's surface may import any room; everything else in memos is the floor or a room.
MEMOS_SURFACE = {"api", "management", "migrations", "templatetags", "templates", "static"}
MEMOS_FLOOR = {"memos.models", "memos.querysets", "memos.signals", "memos.sync_triggers"}


def _rooms() -> list[Path]:
    return [p for p in (ROOT / "memos").iterdir() if (p / "__init__.py").exists() and p.name not in MEMOS_SURFACE]


def _allowed(room: Path) -> set[str]:
    rule = re.search(
        r"May import:(.*?)(?:\n\n|$)", ast.get_docstring(ast.parse((room / "__init__.py").read_text())) or "", re.S
    )
    assert rule, f"{room.name}/__init__.py says what it may import"
    return set(re.findall(r"memos(?:\.\w+)+", rule.group(1)))


def _breaches(module: Path, own: str, allowed: set[str], root: Path = ROOT) -> list[str]:
    def fine(name: str) -> bool:
        return any(name == a or name.startswith(a + ".") for a in {own, *allowed})

    return [f"{module.relative_to(root)} imports {name}" for name in sorted(_memos_imports(module)) if not fine(name)]


def test_memos_rooms_import_only_what_their_docstrings_allow():
    rooms = _rooms()
    assert {room.name for room in rooms} >= {"notes", "files", "search", "sync", "portability", "diaries"}
    breaches = [
        breach
        for room in rooms
        for module in room.rglob("*.py")
        for breach in _breaches(module, f"memos.{room.name}", _allowed(room))
    ]
    assert not breaches


def test_memos_floor_imports_only_the_floor():
    breaches = [
        breach for name in MEMOS_FLOOR for breach in _breaches(ROOT / f"{name.replace('.', '/')}.py", name, MEMOS_FLOOR)
    ]
    assert not breaches


def test_a_room_reaching_past_its_docstring_is_caught(tmp_path):
    room = tmp_path / "memos" / "files"
    room.mkdir(parents=True)
    (room / "__init__.py").write_text('"""Files.\n\nMay import: memos.models.\n"""\n')
    (room / "services.py").write_text("from memos.models import Resource\nfrom memos.notes import services\n")

    breaches = _breaches(room / "services.py", "memos.files", _allowed(room), root=tmp_path)

    assert breaches == ["memos/files/services.py imports memos.notes.services"]
