"""Compute missing or outdated memo embeddings."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from memos.management.commands.export_user import user_or_error
from memos.models import Memo
from memos.search import services as search_services


class Command(BaseCommand):
    help = (
        "Embed every memo whose current text has no embedding (new memos, failed tasks, or all of them after "
        "`--all` when the embedding model changed), in batches with progress. Safe to interrupt and run again."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--user", help="Only this user's memos (email).")
        parser.add_argument("--all", action="store_true", help="Forget existing embeddings first (model changed).")
        parser.add_argument("--batch", type=int, default=64, help="Memos per model call (default 64).")

    def handle(self, *args: Any, user: str | None, all: bool, batch: int, **options: Any) -> None:
        memos = Memo.objects.filter(is_deleted=False)
        if user:
            memos = memos.filter(owner=user_or_error(user))
        if all:
            search_services.embeddings_forget(memos)
        done = 0
        for done, total in search_services.embeddings_catch_up(memos, batch=batch):
            self.stdout.write(f"{done}/{total} memos embedded")
        self.stdout.write(self.style.SUCCESS(f"Done: {done} memo(s) embedded, {memos.count() - done} already current."))
