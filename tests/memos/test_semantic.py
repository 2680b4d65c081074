"""Semantic search with the real offline model, through the HNSW index."""

import pytest
from django.core.management import call_command
from django.db import connection

from memos.models import Memo, MemoEmbedding
from memos.notes import services
from memos.search.semantic import embed_memo, nearest_sql, semantic_search

pytestmark = pytest.mark.django_db


def write(user, text):
    memo = services.memo_create(owner=user, content=text)
    embed_memo(memo.pk)
    return memo


def test_the_paraphrase_is_found_and_unrelated_memos_are_not(alice):
    write(alice, "Stock markets fell sharply today after the announcement.")
    guitar = write(alice, "A man is playing a guitar on the stage.")
    write(alice, "Recipe: knead the dough and bake the bread for 40 minutes.")

    hits = semantic_search(alice, "Someone is strumming a guitar")

    assert [hit.memo for hit in hits] == [guitar]
    assert hits[0].rank > 0.4


def test_another_users_and_trashed_memos_never_come_back(alice, bob):
    write(bob, "A man is playing a guitar on the stage.")
    trashed = write(alice, "Someone plays the guitar.")
    services.memo_trash(trashed, user=alice)
    kept = write(alice, "Changed the strings of my old guitar.")
    write(alice, "Grocery list: milk, eggs.")  # hers, but not near enough to count

    assert [hit.memo for hit in semantic_search(alice, "guitar music")] == [kept]


def test_unchanged_text_is_not_embedded_again(alice):
    memo = write(alice, "first text")
    assert embed_memo(memo.pk) == "unchanged"

    services.memo_update(memo, user=alice, base_revision=1, content="second text")

    assert embed_memo(memo.pk) == "embedded"
    assert MemoEmbedding.objects.get(memo=memo).source_text == "second text"


def test_reembed_catches_up_with_progress(alice, capsys):
    for number in range(5):
        services.memo_create(owner=alice, content=f"note number {number}")

    call_command("reembed", "--batch", "2")

    out = capsys.readouterr().out
    assert "2/5 memos embedded" in out and "Done: 5 memo(s) embedded" in out
    assert MemoEmbedding.objects.count() == 5


def test_the_search_api_has_a_semantic_mode(alice_api, alice):
    write(alice, "A man is playing a guitar on the stage.")

    found = alice_api.get("/api/v1/search/?q=guitar+music&mode=semantic").json()["results"]

    assert found[0]["memo"]["content"].startswith("A man is playing")


def test_the_query_plan_uses_the_hnsw_index(alice):
    with connection.cursor() as cursor:
        # 3,000 memos of one user with random unit-free vectors: enough that the planner prefers the index.
        cursor.execute(
            "INSERT INTO memos_memo (id, owner_id, content, tags, pinned, is_archived, is_deleted, revision_count, "
            "created_at, updated_at) SELECT gen_random_uuid(), %s, 'memo ' || g, '{}', false, false, false, 1, "
            "now(), now() FROM generate_series(1, 3000) g",
            [alice.pk],
        )
        cursor.execute(
            "INSERT INTO memos_memoembedding (memo_id, owner_id, source_text, provider, model, dimensions, embedding, "
            "updated_at) SELECT m.id, m.owner_id, m.content, 'test', 'm', 384, "
            "(SELECT array_agg(random() * 2 - 1) FROM generate_series(1, 384) WHERE m.id IS NOT NULL)::vector, now() "
            "FROM memos_memo m WHERE m.owner_id = %s",
            [alice.pk],
        )
        cursor.execute("ANALYZE memos_memoembedding")
        cursor.execute("ANALYZE memos_memo")
        params = {"vector": str([0.01] * 384), "owner": alice.pk, "dims": 384, "model": "m", "limit": 10}
        cursor.execute("EXPLAIN " + nearest_sql(384), params)
        plan = "\n".join(row[0] for row in cursor.fetchall())

    assert "Index Scan using memos_embedding_hnsw_384" in plan


def test_hybrid_search_ranks_what_both_find_first(alice_api, alice):
    both = write(alice, "Guitar lessons: practise chords every evening.")
    write(alice, "A man is playing a violin on the stage.")  # near in meaning only
    write(alice, "The guitar shop closes at six.")  # the word only, less near in meaning

    found = alice_api.get("/api/v1/search/?q=guitar+practice&mode=hybrid").json()["results"]

    assert found[0]["memo"]["id"] == str(both.pk)
    assert "The guitar shop closes at six." in [hit["snippet"] for hit in found]  # found by its word


def test_the_memo_page_lists_related_memos_and_search_has_a_mode_switch(client, alice):
    guitar = write(alice, "A man is playing a guitar on the stage.")
    write(alice, "Someone is strumming a guitar at the concert.")
    write(alice, "Tax forms are due in April.")
    client.force_login(alice)

    related = client.get(guitar.get_absolute_url()).context["related"]
    page = client.get("/memos/search/?q=strumming+strings&mode=semantic").content.decode()

    assert related[0].memo.content.startswith("Someone is strumming")
    assert guitar.pk not in [hit.memo.pk for hit in related]
    assert "Someone is strumming" in page and 'value="semantic" selected' in page


def test_an_embedding_failure_leaves_the_memo_saved_and_reembed_retries_it(alice, fake_llm):
    from ai.client import ProviderError
    from ai.models import AIConfig
    from ai.services import ai_config_delete, ai_config_save

    ai_config_save(AIConfig(key="embedding", base_url=fake_llm.url, model="fake-embed", timeout_seconds=2))
    fake_llm.script(status=500)
    memo = services.memo_create(owner=alice, content="kept no matter what")

    with pytest.raises(ProviderError):
        embed_memo(memo.pk)  # the background task fails; the worker records the failure

    assert Memo.objects.get(pk=memo.pk).content == "kept no matter what"
    assert not MemoEmbedding.objects.filter(memo=memo).exists()
    ai_config_delete(AIConfig.objects.get(key="embedding"))  # back to the offline model
    call_command("reembed")
    assert MemoEmbedding.objects.get(memo=memo).model == "all-MiniLM-L6-v2"


NOTES = [
    "My cat sits at the piano and paws the keys every evening.",
    "A man is playing a guitar on the stage.",
    "Went to a jazz concert, the saxophonist was brilliant.",
    "Stock markets fell sharply today after the announcement.",
    "Recipe: knead the dough and bake the bread for 40 minutes.",
    "Tax forms are due in April.",
    "Grocery list: milk, eggs, butter.",
    "Meeting notes: ship the release on Friday.",
]


def test_semantic_search_and_related_keep_only_what_is_close(alice, client):
    memos = [write(alice, text) for text in NOTES]

    hits = semantic_search(alice, "feline musician")

    found = [hit.memo.content for hit in hits]
    assert found[0] == NOTES[0] and 1 <= len(found) <= 3, found  # not 8 of 8
    assert not set(found) & set(NOTES[3:])
    assert [hit.memo.content for hit in semantic_search(alice, "bread baking")] == [NOTES[4]]
    assert all(NOTES[4] != hit.memo.content for hit in semantic_search(alice, "quarterly taxes"))

    client.force_login(alice)
    related = client.get(memos[1].get_absolute_url()).context["related"]
    assert NOTES[5] not in [hit.memo.content for hit in related]


def test_snippets_are_plain_text(alice):
    write(alice, "## Bread day\n\nKnead the **dough** and [bake](https://example.com) it <b>well</b>.\n\n- flour")

    (hit,) = semantic_search(alice, "baking bread")

    assert hit.snippet == "Bread day Knead the dough and bake it well. flour"
