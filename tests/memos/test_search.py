import pytest
from django.db import connection

from memos.notes import services
from memos.search.keyword import keyword_search

pytestmark = pytest.mark.django_db


def titles(hits):
    return [hit.memo.content.splitlines()[0] for hit in hits]


def test_a_chinese_substring_finds_the_memo(alice):
    services.memo_create(owner=alice, content="今天的日记很长")
    services.memo_create(owner=alice, content="明天去公园")

    hits = keyword_search(alice, "日记")

    assert titles(hits) == ["今天的日记很长"]
    assert hits[0].snippet == "今天的<mark>日记</mark>很长"


def test_an_english_phrase_ranks_the_memo_titled_with_it_first(alice):
    services.memo_create(owner=alice, content="Notes\nThe report is late and the quarterly budget too.")
    services.memo_create(owner=alice, content="# Quarterly report\nRevenue grew in every region.")
    services.memo_create(owner=alice, content="Reports from the quarterly meeting were reported")

    hits = keyword_search(alice, "quarterly report")

    assert titles(hits)[0] == "# Quarterly report"
    assert len(hits) == 3  # stemming finds "reports" and "reported" too
    assert "<mark>" in hits[0].snippet


def test_snippets_are_escaped(alice):
    services.memo_create(owner=alice, content="<script>alert(1)</script> Q&A on the budget plans")
    services.memo_create(owner=alice, content="预算<img src=x onerror=alert(1)>会议")

    english = keyword_search(alice, "budget")[0].snippet
    chinese = keyword_search(alice, "预算")[0].snippet

    assert "<script" not in english and "Q&amp;A on the <mark>budget</mark> plans" in english
    assert chinese == "<mark>预算</mark>会议"  # the markup is dropped, as the memo is read


def test_snippets_are_plain_text_with_the_matched_words_marked(alice):
    services.memo_create(owner=alice, content="## Day 3\n\n**Walked** to the [market](https://example.com) with `Aoi`")
    services.memo_create(owner=alice, content="# 周末\n\n> 买**面包**，去公园")

    english = keyword_search(alice, "walk")[0].snippet
    chinese = keyword_search(alice, "面包")[0].snippet

    assert english == "Day 3 <mark>Walked</mark> to the market with Aoi"
    assert chinese == "周末 买<mark>面包</mark>，去公园"


def test_search_never_returns_another_users_or_trashed_memos(alice, bob):
    services.memo_create(owner=bob, content="secret budget")
    trashed = services.memo_create(owner=alice, content="old budget")
    services.memo_trash(trashed, user=alice)

    assert keyword_search(alice, "budget") == []


def test_filters_by_tag_and_archive(alice):
    services.memo_create(owner=alice, content="budget #work")
    archived = services.memo_create(owner=alice, content="budget #home")
    services.memo_update(archived, user=alice, base_revision=None, is_archived=True)

    assert titles(keyword_search(alice, "budget", tag="work")) == ["budget #work"]
    assert titles(keyword_search(alice, "budget", archived=True)) == ["budget #home"]
    assert len(keyword_search(alice, "budget")) == 2


def test_substring_search_can_use_the_trigram_index(alice):
    for number in range(300):
        services.memo_create(owner=alice, content=f"filler note number {number}")

    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # a tiny table: ask whether the index applies at all
        cursor.execute("EXPLAIN SELECT id FROM memos_memo WHERE UPPER(content::text) LIKE UPPER('%日记很%')")
        plan = "\n".join(row[0] for row in cursor.fetchall())

    assert "memos_memo_trgm" in plan
