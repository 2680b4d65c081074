"""quillium_site.compiled: a queryset's SQL compiled once, run again with new keys."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db.models.sql.compiler import SQLCompiler

from chats.models import Chat
from chats.services import chat_create
from quillium_site.compiled import CompiledRows

pytestmark = pytest.mark.django_db


def titles(chat: int, owner: int):
    return Chat.objects.filter(pk=chat, owner_id=owner, pinned=False).values_list("id", "title")


def test_rows_match_the_querysets_for_each_set_of_keys(alice, bob):
    compiled = CompiledRows(titles, "chat", "owner")
    hers, his = chat_create(owner=alice, title="hers"), chat_create(owner=bob, title="his")

    for chat, owner in [(hers, alice), (his, bob), (hers, bob), (his, alice)]:
        expected = list(titles(chat.pk, owner.pk))
        assert compiled.rows(chat=chat.pk, owner=owner.pk) == expected
        assert compiled.rows(owner=owner.pk, chat=chat.pk) == expected  # by name, not by position
    assert compiled.rows(chat=hers.pk, owner=alice.pk) == [(hers.pk, "hers")]
    assert compiled.rows(chat=hers.pk, owner=bob.pk) == []


def test_fixed_parameters_stay_as_compiled(alice):
    compiled = CompiledRows(titles, "chat", "owner")
    chat = chat_create(owner=alice, title="pinned", pinned=True)

    assert compiled.rows(chat=chat.pk, owner=alice.pk) == []  # pinned=False is part of the query


def test_the_sql_is_compiled_once(alice, monkeypatch):
    compiled = CompiledRows(titles, "chat", "owner")
    chat = chat_create(owner=alice)
    calls = []
    as_sql = SQLCompiler.as_sql
    monkeypatch.setattr(SQLCompiler, "as_sql", lambda self, *a, **k: calls.append(1) or as_sql(self, *a, **k))

    for _ in range(3):
        assert compiled.rows(chat=chat.pk, owner=alice.pk) == [(chat.pk, "New chat")]

    assert len(calls) == 1


def test_a_key_past_any_integer_finds_nothing(alice):
    compiled = CompiledRows(titles, "chat", "owner")

    assert compiled.rows(chat=2**70, owner=alice.pk) == []


def test_a_key_the_query_does_not_use_is_refused_when_compiled(alice):
    compiled = CompiledRows(lambda chat, owner: Chat.objects.filter(pk=chat).values_list("id"), "chat", "owner")

    with pytest.raises(ImproperlyConfigured, match="owner"):
        compiled.rows(chat=1, owner=alice.pk)


@pytest.mark.parametrize("keys", [{"chat": "1", "owner": 1}, {"chat": 1}, {"chat": 1, "owner": 1, "other": 2}])
def test_keys_must_be_the_named_integers(keys):
    with pytest.raises(TypeError):
        CompiledRows(titles, "chat", "owner").rows(**keys)
