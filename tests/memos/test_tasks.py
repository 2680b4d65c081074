"""Task lists: counted, ticked by number (a new revision, refused when stale), drawn as boxes that post without JS
and answer a script with the fresh card; the API counts and ticks them too."""

from __future__ import annotations

import uuid

import pytest

from memos.models import Memo
from memos.notes import services, tasks
from quillium_site.markdown import render_markdown


@pytest.fixture
def alice_client(client, alice):
    client.force_login(alice)
    return client


SHOPPING = "Shopping\n\n- [ ] bread\n- [x] milk\n- eggs\n\n```\n- [ ] not a task, code\n```\n> - [ ] quoted\n"


def test_tasks_are_counted_outside_code_and_inside_quotes():
    assert tasks.progress(SHOPPING) == tasks.Progress(done=1, total=3)
    assert not tasks.progress("no list here\n- item")


@pytest.mark.parametrize(
    ("index", "line", "expected"),
    [(0, 2, "- [x] bread"), (1, 3, "- [ ] milk"), (2, 9, "> - [x] quoted")],
)
def test_a_tick_flips_that_task_and_nothing_else(index, line, expected):
    ticked = tasks.toggle(SHOPPING, index)

    lines, before = ticked.split("\n"), SHOPPING.split("\n")
    assert lines[line] == expected
    assert [n for n, (a, b) in enumerate(zip(lines, before, strict=True)) if a != b] == [line]
    assert tasks.toggle(ticked, index) == SHOPPING
    with pytest.raises(IndexError):
        tasks.toggle(SHOPPING, 3)


@pytest.mark.django_db
def test_ticking_is_a_revisioned_edit_and_a_stale_one_is_refused(alice):
    memo = services.memo_create(owner=alice, content=SHOPPING)

    ticked = services.memo_task_toggle(memo, user=alice, index=0, base_revision=1)

    assert ticked.revision_count == 2 and "- [x] bread" in ticked.content
    assert list(ticked.revisions.values_list("revision_number", flat=True).order_by("revision_number")) == [1, 2]
    with pytest.raises(services.StaleRevision):
        services.memo_task_toggle(ticked, user=alice, index=1, base_revision=1)
    with pytest.raises(services.ValidationError):
        services.memo_task_toggle(ticked, user=alice, index=7, base_revision=2)


@pytest.mark.django_db
def test_the_timeline_draws_boxes_that_post_the_task_form_and_shows_the_count(alice_client, alice):
    memo = services.memo_create(owner=alice, content=SHOPPING)

    page = alice_client.get("/memos/").content.decode()

    assert '<form id="task-form" method="post" hidden>' in page
    assert page.count('class="task-box" form="task-form"') == 3
    assert f'formaction="/memos/{memo.pk}/tasks/0/" name="revision" value="1"' in page
    assert 'role="checkbox" aria-checked="true"' in page
    assert "1/3 done" in page
    assert "[ ]" not in page.split("<pre>")[0]


@pytest.mark.django_db
def test_a_box_ticks_without_javascript_and_goes_back(alice_client, alice):
    memo = services.memo_create(owner=alice, content=SHOPPING)

    response = alice_client.post(f"/memos/{memo.pk}/tasks/0/", {"revision": 1, "next": "/memos/?tag=x"})

    assert response.status_code == 302 and response["Location"] == "/memos/?tag=x"
    memo.refresh_from_db()
    assert memo.revision_count == 2 and "- [x] bread" in memo.content
    assert "2/3 done" in alice_client.get(f"/memos/{memo.pk}/").content.decode()


@pytest.mark.django_db
def test_a_script_gets_the_fresh_card_or_the_reason(alice_client, alice):
    memo = services.memo_create(owner=alice, content=SHOPPING)
    fetch = {"x-requested-with": "fetch"}

    card = alice_client.post(f"/memos/{memo.pk}/tasks/1/", {"revision": 1}, headers=fetch)
    stale = alice_client.post(f"/memos/{memo.pk}/tasks/0/", {"revision": 1}, headers=fetch)
    missing = alice_client.post(f"/memos/{memo.pk}/tasks/9/", {"revision": 2}, headers=fetch)

    assert card.status_code == 200 and "0/3 done" in card.content.decode()
    assert 'name="revision" value="2"' in card.content.decode()
    assert stale.status_code == 409 and "revision 2" in stale.content.decode()
    assert missing.status_code == 409
    assert Memo.objects.get(pk=memo.pk).revision_count == 2


def test_boxes_only_show_when_not_editable_or_when_markdown_reads_the_text_differently():
    shown = tasks.with_checkboxes(render_markdown(SHOPPING), SHOPPING, memo_pk=uuid.uuid4(), revision=1, editable=False)
    odd = "intro\n\n    - [ ] an indented code block, not a task\n\n- [ ] a task"
    guarded = tasks.with_checkboxes(render_markdown(odd), odd, memo_pk=uuid.uuid4(), revision=1, editable=True)

    assert shown.count('<span class="task-box" role="img"') == 3 and "<button" not in shown
    assert "<button" not in guarded and guarded.count('class="task-box"') == 1


@pytest.mark.django_db
def test_guests_cannot_tick_and_others_memos_are_404(client, guest, alice_client, bob):
    bobs = services.memo_create(owner=bob, content=SHOPPING)

    assert alice_client.post(f"/memos/{bobs.pk}/tasks/0/", {"revision": 1}).status_code == 404
    client.force_login(guest)
    assert client.post(f"/memos/{bobs.pk}/tasks/0/", {"revision": 1}).status_code in (403, 404)
    assert Memo.objects.get(pk=bobs.pk).revision_count == 1


@pytest.mark.django_db
def test_the_api_counts_and_ticks_tasks(alice_api, alice, bob_api):
    memo = services.memo_create(owner=alice, content=SHOPPING)
    url = f"/api/v1/memos/{memo.pk}/tasks/0/toggle/"

    assert alice_api.get(f"/api/v1/memos/{memo.pk}/").json()["tasks"] == {"done": 1, "total": 3}
    ticked = alice_api.post(url, {"revision": 1}, format="json")
    stale = alice_api.post(url, {"revision": 1}, format="json")
    missing = alice_api.post(f"/api/v1/memos/{memo.pk}/tasks/8/toggle/", {"revision": 2}, format="json")

    assert ticked.status_code == 200 and ticked.json()["tasks"] == {"done": 2, "total": 3}
    assert stale.status_code == 409
    assert missing.status_code == 400 and "task" in missing.json()["errors"]
    assert bob_api.post(url, {"revision": 2}, format="json").status_code == 404
