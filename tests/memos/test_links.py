"""Memo links: `[[title]]`, `[[id]]` and pasted memo addresses are saved for "Linked from" and drawn as links
through the resolver; a reference to someone else's private memo leads nowhere and shows no title."""

from __future__ import annotations

import pytest

from memos.models import MemoLink
from memos.notes import services

pytestmark = pytest.mark.django_db


@pytest.fixture
def alice_client(client, alice):
    client.force_login(alice)
    return client


def test_titles_ids_and_addresses_are_links_kept_up_to_date(alice):
    groceries = services.memo_create(owner=alice, content="# Groceries\n\n- [ ] rice")
    trip = services.memo_create(owner=alice, content="Trip")
    plan = services.memo_create(
        owner=alice,
        content=f"See [[groceries]] and https://example.test/memos/{trip.pk}/ and [[{plan_id()}]] and [[Nothing]]",
    )

    assert set(MemoLink.objects.filter(source=plan).values_list("target", flat=True)) == {groceries.pk, trip.pk}
    services.memo_update(plan, user=alice, base_revision=1, content="Only [[Trip]] now")
    assert list(MemoLink.objects.filter(source=plan).values_list("target", flat=True)) == [trip.pk]


def plan_id() -> str:
    return "00000000-0000-4000-8000-000000000000"  # no such memo: nothing is linked


def test_the_memo_page_draws_links_and_shows_linked_from(alice_client, alice):
    groceries = services.memo_create(owner=alice, content="Groceries")
    plan = services.memo_create(owner=alice, content="Weekend: [[Groceries]] `[[not in code]]`")

    page = alice_client.get(f"/memos/{plan.pk}/").content.decode()
    followed = alice_client.get(f"/memos/{plan.pk}/link/", {"to": "Groceries"})
    target_page = alice_client.get(f"/memos/{groceries.pk}/").content.decode()

    assert f'<a class="memo-link" href="/memos/{plan.pk}/link/?to=Groceries">Groceries</a>' in page
    assert "<code>[[not in code]]</code>" in page
    assert followed.status_code == 302 and followed["Location"] == f"/memos/{groceries.pk}/"
    assert "Linked from" in target_page and "Weekend: [[Groceries]]" in target_page


def test_a_link_to_someone_elses_private_memo_leads_nowhere_and_shows_no_title(alice_client, alice, bob, client):
    secret = services.memo_create(owner=bob, content="Bob's surprise party plans")
    shared = services.memo_create(owner=bob, content="Bob's shared list", visibility="household")
    mine = services.memo_create(owner=alice, content=f"[[{secret.pk}]] and [[{shared.pk}]]")

    page = alice_client.get(f"/memos/{mine.pk}/").content.decode()
    to_secret = alice_client.get(f"/memos/{mine.pk}/link/", {"to": str(secret.pk)})
    to_shared = alice_client.get(f"/memos/{mine.pk}/link/", {"to": str(shared.pk)})
    by_title = alice_client.get(f"/memos/{mine.pk}/link/", {"to": "Bob's surprise party plans"})

    assert "surprise" not in page and to_secret.status_code == 404 and "surprise" not in to_secret.content.decode()
    assert to_shared.status_code == 302 and by_title.status_code == 404
    client.force_login(bob)
    assert "Linked from" not in client.get(f"/memos/{secret.pk}/").content.decode()  # alice's memo is private
