"""Sync as devices live it: two devices editing in turns, writers racing a puller, pulls cut short."""

from __future__ import annotations

import json
import random
import threading
import time
import uuid
from datetime import date

import pytest
from django.core.serializers.json import DjangoJSONEncoder
from django.db import close_old_connections, connection, transaction
from rest_framework.test import APIClient

from memos.api.sync_serializers import entity_data
from memos.models import Diary, Memo, MemoRevision
from memos.notes import services
from memos.sync import changes

SYNC = "/api/v1/sync/"


class Device:
    """A client that keeps a local copy, edits offline, and syncs by pushing then pulling (the README's rules:
    on a conflict keep the server's version; a memo's tombstone takes its revisions with it)."""

    def __init__(self, api: APIClient, name: str) -> None:
        self.api, self.name, self.cursor = api, name, 0
        self.store: dict[tuple[str, str], dict] = {}
        self.seqs: dict[tuple[str, str], int] = {}
        self.pending: list[dict] = []
        self.conflicts: list[tuple[str, str]] = []

    def memo(self, memo_id: str) -> dict:
        return self.store[("memo", memo_id)]

    def edit_memo(self, memo_id: str, **fields: object) -> None:
        base = self.memo(memo_id)["revision_count"]
        self.pending.append({"type": "memo", "id": memo_id, "base_revision": base, **fields})

    def new_memo(self, content: str) -> str:
        memo_id = str(uuid.uuid4())
        self.pending.append({"type": "memo", "id": memo_id, "content": content})
        return memo_id

    def write_diary(self, day: str, **fields: object) -> None:
        self.pending.append({"type": "diary", "date": day, "base_seq": self.seqs.get(("diary", day)), **fields})

    def sync(self, page_size: int = 3) -> None:
        if self.pending:
            body = {"client_id": self.name, "changes": self.pending}
            results = self.api.post(SYNC, body, format="json").json()["results"]
            for result in results:
                assert result["status"] in ("applied", "conflict"), result
                if result["status"] == "conflict":
                    self.conflicts.append((result["type"], result["id"]))
            self.pending = []
        while True:
            params = {"client_id": self.name, "cursor": self.cursor, "limit": page_size}
            page = self.api.get(SYNC, params).json()
            for change in page["changes"]:
                self._apply(change)
            self.cursor = page["cursor"]
            if not page["has_more"]:
                return

    def _apply(self, change: dict) -> None:
        key = (change["type"], change["id"])
        if change["deleted"]:
            self.store.pop(key, None)
            if change["type"] == "memo":
                for other in [k for k, v in self.store.items() if k[0] == "revision" and v["memo"] == change["id"]]:
                    del self.store[other]
            return
        self.store[key] = change["data"]
        self.seqs[key] = change["seq"]


def server_state(user) -> dict[tuple[str, str], dict]:
    rows = [
        *(("memo", m) for m in Memo.objects.filter(owner=user)),
        *(("revision", r) for r in MemoRevision.objects.filter(memo__owner=user)),
        *(("diary", d) for d in Diary.objects.filter(owner=user)),
    ]
    state = {(kind, changes.device_id(kind, row)): entity_data(kind, row) for kind, row in rows}
    return json.loads(json.dumps({"|".join(k): v for k, v in state.items()}, cls=DjangoJSONEncoder))


def local_state(device: Device) -> dict:
    return {"|".join(key): value for key, value in device.store.items()}


@pytest.mark.django_db
def test_two_devices_editing_in_turns_end_with_the_servers_state_and_every_conflict_reported(alice):
    laptop, phone = Device(_api(alice), "laptop"), Device(_api(alice), "phone")
    shopping = laptop.new_memo("Shopping list")
    laptop.write_diary("2026-11-20", summary="Rainy", mood_key="calm")
    laptop.sync()
    phone.sync()
    assert phone.memo(shopping)["content"] == "Shopping list"

    laptop.edit_memo(shopping, content="Shopping list: milk")
    phone.edit_memo(shopping, content="Shopping list: eggs")
    ideas = phone.new_memo("Ideas #later")
    laptop.sync()
    phone.sync()  # its shopping edit was based on revision 1, the laptop's made revision 2

    phone.write_diary("2026-11-20", summary="Rainy, then sunny", mood_score=4)
    phone.sync()
    laptop.sync()
    laptop.write_diary("2026-11-20", summary="Rainy all day")  # already pulled the phone's version: applies
    phone.write_diary("2026-11-20", summary="Sunny")  # based on the phone's own, now outdated: conflict
    laptop.sync()
    phone.sync()

    laptop.edit_memo(ideas, is_deleted=True)
    phone.edit_memo(ideas, content="Ideas #later\n- a garden")  # edits what the laptop just trashed
    laptop.sync()
    phone.sync()
    services.memo_purge(Memo.objects.get(pk=ideas))  # emptied from the trash on the web
    for device in (laptop, phone):
        device.sync()

    assert phone.conflicts == [("memo", shopping), ("diary", "2026-11-20"), ("memo", ideas)]
    assert laptop.conflicts == []
    assert Memo.objects.get(pk=shopping).content == "Shopping list: milk"
    assert Diary.objects.get(owner=alice, date=date(2026, 11, 20)).summary == "Rainy all day"
    assert not Memo.objects.filter(pk=ideas).exists()
    assert local_state(laptop) == server_state(alice) == local_state(phone)
    assert len(server_state(alice)) == 4  # the shopping memo, its two revisions, the diary


def _api(user) -> APIClient:
    api = APIClient()
    api.force_authenticate(user)
    return api


def _in_thread(target, *args) -> threading.Thread:
    def run() -> None:
        try:
            target(*args)
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


@pytest.mark.django_db(transaction=True)
def test_a_write_that_commits_late_is_not_stepped_over(alice):
    slow_started = threading.Event()

    def slow_writer() -> None:
        with transaction.atomic():
            services.memo_create(owner=alice, content="slow")
            slow_started.set()
            time.sleep(0.6)

    def quick_writer() -> None:
        services.memo_create(owner=alice, content="quick")

    slow = _in_thread(slow_writer)
    slow_started.wait(5)
    quick = _in_thread(quick_writer)
    time.sleep(0.3)  # were numbers not taken in commit order, "quick" would be committed now, ahead of "slow"
    early = changes.pull(alice, "laptop", entity_types=["memo"])
    slow.join()
    quick.join()
    late = changes.pull(alice, "laptop", entity_types=["memo"], cursor=early.cursor)

    delivered = [change.obj.content for change in [*early.changes, *late.changes]]
    assert sorted(delivered) == ["quick", "slow"]


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("run", range(3))
def test_every_change_arrives_exactly_once_while_writers_race_a_puller_that_gets_cut_off(alice, run):
    writers, memos_each = 6, 8
    done = threading.Event()
    delivered: list[tuple[str, str, int]] = []
    latest: dict[str, str] = {}

    def write(n: int) -> None:
        rng = random.Random(run * 100 + n)
        for i in range(memos_each):
            memo = services.memo_create(owner=alice, content=f"w{n} m{i}")
            if rng.random() < 0.5:
                services.memo_update(memo, user=alice, base_revision=1, content=f"w{n} m{i} edited")
            if rng.random() < 0.2:
                services.memo_trash(Memo.objects.get(pk=memo.pk), user=alice)
            close_old_connections()

    def puller() -> None:
        rng = random.Random(run)
        cursor = 0
        while True:
            finished = done.is_set()
            page = changes.pull(alice, "phone", cursor=cursor, limit=rng.randint(1, 7))
            if rng.random() < 0.3:
                continue  # the answer was lost: ask again from the same cursor
            for change in page.changes:
                delivered.append((change.entity_type, change.entity_id, change.seq))
                if change.entity_type == "memo":
                    latest[change.entity_id] = change.obj.content
            cursor = page.cursor
            if finished and not page.has_more:
                return

    threads = [_in_thread(write, n) for n in range(writers)]
    reader = _in_thread(puller)
    for thread in threads:
        thread.join()
    done.set()
    reader.join()

    seqs = [seq for _, _, seq in delivered]
    assert len(seqs) == len(set(seqs)), "a change arrived twice"
    revisions = {str(pk) for pk in MemoRevision.objects.filter(memo__owner=alice).values_list("pk", flat=True)}
    delivered_revisions = [entity_id for kind, entity_id, _ in delivered if kind == "revision"]
    assert sorted(delivered_revisions) == sorted(revisions), "a revision was skipped or repeated"
    final = {str(pk): content for pk, content in Memo.objects.filter(owner=alice).values_list("pk", "content")}
    assert latest == final and len(final) == writers * memos_each
