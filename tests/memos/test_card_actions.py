"""Each memo on the timeline has its actions (pin, archive, trash, edit in place, copy link) without opening it; the
memo page shows the memo first, with the editor closed until asked for."""

from __future__ import annotations

import pytest

from memos.models import Memo
from memos.notes import services

pytestmark = pytest.mark.django_db


@pytest.fixture
def alice_client(client, alice):
    client.force_login(alice)
    return client


def test_a_cards_menu_posts_the_pages_form_and_comes_back_to_the_timeline(alice_client, alice):
    memo = services.memo_create(owner=alice, content="Plan the trip")
    page = alice_client.get("/memos/").content.decode()

    for action in ("pin", "archive", "trash"):
        assert f'form="task-form" formaction="/memos/{memo.pk}/{action}/"' in page
    assert f'href="/memos/{memo.pk}/?edit=1#edit" data-edit-in-place="/memos/{memo.pk}/edit/"' in page
    assert f'href="/memos/{memo.pk}/" data-copy-link' in page

    pinned = alice_client.post(f"/memos/{memo.pk}/pin/", {"next": "/memos/?tag=trip"})
    archived = alice_client.post(f"/memos/{memo.pk}/archive/", {"next": "/memos/"})
    memo.refresh_from_db()
    assert (pinned["Location"], archived["Location"]) == ("/memos/?tag=trip", "/memos/")
    assert memo.pinned and memo.is_archived
    assert "Unarchive" in alice_client.get("/memos/archive/").content.decode()


def test_trashing_from_the_memos_own_page_goes_to_the_timeline_and_a_foreign_next_is_ignored(alice_client, alice):
    memo = services.memo_create(owner=alice, content="Old idea")
    other = services.memo_create(owner=alice, content="Another")

    trashed = alice_client.post(f"/memos/{memo.pk}/trash/", {"next": f"/memos/{memo.pk}/"})
    pinned = alice_client.post(f"/memos/{other.pk}/pin/", {"next": "https://evil.example/"})

    assert trashed["Location"] == "/memos/" and pinned["Location"] == f"/memos/{other.pk}/"


def test_edit_in_place_gets_the_form_and_answers_with_the_card_or_the_errors(alice_client, alice):
    memo = services.memo_create(owner=alice, content="First words")
    fetch = {"x-requested-with": "fetch"}

    form = alice_client.get(f"/memos/{memo.pk}/edit/", headers=fetch).content.decode()
    saved = alice_client.post(
        f"/memos/{memo.pk}/edit/", {"content": "Better words", "tags": "", "revision": 1}, headers=fetch
    )
    stale = alice_client.post(
        f"/memos/{memo.pk}/edit/", {"content": "Lost words", "tags": "", "revision": 1}, headers=fetch
    )
    empty = alice_client.post(f"/memos/{memo.pk}/edit/", {"content": "", "revision": 2}, headers=fetch)

    assert "csrfmiddlewaretoken" in form and "First words</textarea>" in form and "data-cancel-edit" in form
    assert saved.status_code == 200 and saved.content.decode().startswith('\n<article class="memo-card')
    assert "Better words" in saved.content.decode()
    assert stale.status_code == 409 and "Lost words</textarea>" in stale.content.decode()
    assert "revision 2" in stale.content.decode()
    assert empty.status_code == 400 and "<form" in empty.content.decode()
    assert Memo.objects.get(pk=memo.pk).content == "Better words"


def test_the_memo_page_shows_the_memo_then_history_with_the_editor_closed_until_asked(alice_client, alice):
    memo = services.memo_create(owner=alice, content="Read me first")

    page = alice_client.get(f"/memos/{memo.pk}/").content.decode()
    asked = alice_client.get(f"/memos/{memo.pk}/?edit=1").content.decode()

    assert (
        '<details id="edit" class="panel editor">' in page and '<details id="edit" class="panel editor" open>' in asked
    )
    assert page.index("Read me first") < page.index('id="edit"') < page.index("<h2>History</h2>")


def test_a_card_for_a_reader_who_only_reads_has_no_menu_and_the_page_no_form(client, guest, alice):
    from memos.notes.cards import cards, with_card_state

    memo = services.memo_create(owner=alice, content="- [ ] shared task")
    rows = with_card_state(Memo.objects.filter(pk=memo.pk))
    client.force_login(guest)

    assert "memo-actions" in cards(rows, editable=True)[0]
    assert "memo-actions" not in cards(rows, editable=False)[0] and "<button" not in cards(rows, editable=False)[0]
    assert 'id="task-form"' not in client.get("/memos/").content.decode()
