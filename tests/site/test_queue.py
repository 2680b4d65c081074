"""Services queue tasks by dotted path (quillium_site.queue); a mistyped path must fail here, not in production."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from django.tasks import Task

from quillium_site.queue import task_at

ROOT = Path(__file__).resolve().parents[2]
APPS = ["accounts", "ai", "bots", "chats", "gamestats", "library", "memos", "quillium_site"]


def _named_tasks() -> list[tuple[str, str]]:
    found = []
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text())):
                if (
                    isinstance(node, ast.Call)
                    and getattr(node.func, "attr", getattr(node.func, "id", None)) == "enqueue"
                    and node.args
                    and isinstance(node.args[0], ast.Constant)
                    and isinstance(node.args[0].value, str)
                ):
                    found.append((str(path.relative_to(ROOT)), node.args[0].value))
    return found


def test_every_task_a_service_names_is_a_task():
    named = _named_tasks()

    assert len(named) >= 8  # memos 3, bots 3 (with its receiver), chats 1, library 1
    for where, path in named:
        assert isinstance(task_at(path), Task), where


def test_a_path_that_is_not_a_task_is_refused():
    with pytest.raises(TypeError):
        task_at("memos.notes.services.memo_create")
    with pytest.raises(ImportError):
        task_at("memos.tasks.no_such_task")
