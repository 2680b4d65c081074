"""The import rules in pyproject.toml ([tool.importlinter]) hold: apps only import downward."""

from __future__ import annotations

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
