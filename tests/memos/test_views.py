import io
from datetime import date
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.formats import date_format
from PIL import Image

from memos.files import services as file_services
from memos.models import Diary, Memo
from memos.notes import services

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def alice_client(client, alice):
    client.force_login(alice)
    return client


def png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 6), "red").save(buffer, "PNG")
    return buffer.getvalue()


@pytest.mark.parametrize(
    "url",
    ["/memos/", "/memos/archive/", "/memos/trash/", "/memos/search/", "/memos/diary/", "/memos/diary/2026-11-20/"],
)
def test_memo_pages_render_with_empty_states(alice_client, url):
    response = alice_client.get(url)

    assert response.status_code == 200
    assert b'class="subnav"' in response.content


def test_write_a_memo_with_a_tag_and_an_image(alice_client, alice):
    response = alice_client.post(
        "/memos/new/",
        {
            "content": "Sunny walk #outdoors",
            "tags": "Health",
            "files": [SimpleUploadedFile("sun.png", png(), "image/png")],
        },
    )

    assert response.status_code == 302
    memo = Memo.objects.get(owner=alice)
    assert memo.tags == ["health", "outdoors"]
    image = memo.resources.get()
    page = alice_client.get("/memos/").content.decode()
    assert f"/memos/{memo.pk}/files/{image.pk}/" in page and "#outdoors" in page
    assert alice_client.get(f"/memos/{memo.pk}/files/{image.pk}/")["Content-Type"] == "image/png"


def test_a_bad_attachment_keeps_the_text_and_saves_nothing(alice_client):
    response = alice_client.post(
        "/memos/new/",
        {
            "content": "my precious words",
            "files": [SimpleUploadedFile("fake.png", b"%PDF-1.4 not an image", "image/png")],
        },
    )

    assert response.status_code == 400
    assert "my precious words" in response.content.decode()
    assert not Memo.objects.exists()


def test_edit_history_diff_and_restore(alice_client, alice):
    memo = services.memo_create(owner=alice, content="line one\nline two")

    alice_client.post(f"/memos/{memo.pk}/edit/", {"content": "line one\nline 2", "tags": "", "revision": 1})
    stale = alice_client.post(f"/memos/{memo.pk}/edit/", {"content": "other tab", "tags": "", "revision": 1})
    diff_page = alice_client.get(f"/memos/{memo.pk}/revisions/1/").content.decode()
    alice_client.post(f"/memos/{memo.pk}/revisions/1/restore/")

    assert stale.status_code == 409 and "changed since you opened it" in stale.content.decode()
    assert 'class="diff-removed">- line two' in diff_page and 'class="diff-added">+ line 2' in diff_page
    memo.refresh_from_db()
    assert (memo.content, memo.revision_count) == ("line one\nline two", 3)


def test_trash_restore_and_purge_with_confirmation(alice_client, alice):
    memo = services.memo_create(owner=alice, content="temporary")

    alice_client.post(f"/memos/{memo.pk}/trash/")
    assert "temporary" in alice_client.get("/memos/trash/").content.decode()
    assert "temporary" not in alice_client.get("/memos/").content.decode()
    alice_client.post(f"/memos/{memo.pk}/restore/")
    assert not Memo.objects.get(pk=memo.pk).is_deleted
    alice_client.post(f"/memos/{memo.pk}/trash/")
    assert alice_client.get(f"/memos/{memo.pk}/purge/").status_code == 200
    assert Memo.objects.filter(pk=memo.pk).exists()
    alice_client.post(f"/memos/{memo.pk}/purge/")
    assert not Memo.objects.filter(pk=memo.pk).exists()


def test_search_page_finds_chinese_text(alice_client, alice):
    services.memo_create(owner=alice, content="今天的日记很长")

    page = alice_client.get("/memos/search/?q=日记").content.decode()

    assert "今天的<mark>日记</mark>很长" in page


def test_diary_day_saves_mood_and_shows_the_days_memos(alice_client, alice):
    memo = services.memo_create(owner=alice, content="filed under a day")
    services.memo_update(memo, user=alice, base_revision=None, diary_date="2026-11-20")

    response = alice_client.post("/memos/diary/2026-11-20/", {"summary": "Good", "mood_key": "happy", "mood_score": 4})
    day_page = alice_client.get("/memos/diary/2026-11-20/").content.decode()
    month_page = alice_client.get("/memos/diary/?month=2026-11").content.decode()

    assert response.status_code == 302
    diary = Diary.objects.get(owner=alice)
    assert (diary.mood_key, diary.mood_score, diary.auto_generation_locked) == ("happy", 4, True)
    assert "filed under a day" in day_page
    assert "😊 happy 4/5" in month_page
    assert alice_client.post("/memos/diary/2026-11-20/", {"mood_score": 9}).status_code == 400


def test_a_mood_score_outside_1_to_5_is_refused_everywhere_and_saves_nothing(alice_client, alice_api, alice):
    page = alice_client.post("/memos/diary/2026-11-21/", {"summary": "kept?", "mood_score": 0})
    api = alice_api.put("/api/v1/diaries/2026-11-21/", {"summary": "kept?", "mood_score": 0}, format="json")

    assert page.status_code == 400 and "1" in page.content.decode()
    assert api.status_code == 400 and "mood_score" in api.json()["errors"]
    assert not Diary.objects.filter(owner=alice).exists()


def test_moods_are_shown_in_the_readers_language_and_a_bots_mood_can_be_saved_again(alice_client, alice):
    from memos.diaries.services import diary_generate

    diary_generate(owner=alice, day=date(2026, 11, 22), summary="AI", mood_key="anxious", mood_score=2, memo_ids=[])
    zh = {"accept-language": "zh-Hans"}

    month = alice_client.get("/memos/diary/?month=2026-11", headers=zh).content.decode()
    resaved = alice_client.post("/memos/diary/2026-11-22/", {"summary": "mine", "mood_key": "anxious", "mood_score": 2})

    assert "😟 焦虑 2/5" in month
    assert resaved.status_code == 302 and Diary.objects.get(owner=alice).summary == "mine"


def test_another_users_memo_pages_are_404(alice_client, bob):
    memo = services.memo_create(owner=bob, content="bob's")

    for url in [f"/memos/{memo.pk}/", f"/memos/{memo.pk}/revisions/1/", f"/memos/{memo.pk}/purge/"]:
        assert alice_client.get(url).status_code == 404
    assert alice_client.post(f"/memos/{memo.pk}/trash/").status_code == 404
    assert not Memo.objects.get(pk=memo.pk).is_deleted


def test_timeline_queries_stay_constant(alice_client, alice, django_assert_max_num_queries):
    for count in (3, 20):
        Memo.objects.all().delete()
        for number in range(count):
            services.memo_create(owner=alice, content=f"memo {number} #t{number % 4}")
        # session, user, count, page of memos, their files, tag counts
        with django_assert_max_num_queries(6):
            alice_client.get("/memos/")


def test_a_page_of_cached_cards_reads_no_attachments(alice_client, alice, django_assert_num_queries):
    memo = services.memo_create(owner=alice, content="with a file")
    file_services.resource_upload(owner=alice, upload=SimpleUploadedFile("plan.txt", b"plan", "text/plain"), memo=memo)
    for number in range(5):
        services.memo_create(owner=alice, content=f"memo {number}")
    alice_client.get("/memos/")  # renders and caches every card

    # session, user, count, page of memos (with their files' state), tag counts: no attachments query
    with django_assert_num_queries(5):
        page = alice_client.get("/memos/").content.decode()

    assert "plan.txt" in page and "memo 4" in page


def test_the_edit_form_offers_only_the_hand_given_tags(alice_client, alice):
    memo = services.memo_create(owner=alice, content="walk #outdoors", tags_given=["health"])

    form = alice_client.get(f"/memos/{memo.pk}/").context["form"]

    assert form.initial["tags"] == "health"


def test_pages_of_a_tag_keep_the_tag(alice_client, alice):
    for number in range(25):
        services.memo_create(owner=alice, content=f"memo {number} #日记")

    page = alice_client.get("/memos/?tag=日记").content.decode()

    assert 'href="?tag=%E6%97%A5%E8%AE%B0&amp;page=2"' in page


def test_guests_see_the_diary_but_cannot_write_it(client, guest):
    client.force_login(guest)

    assert client.get("/memos/diary/2026-11-20/").status_code == 200
    assert client.post("/memos/diary/2026-11-20/", {"summary": "x"}).status_code == 403
    assert not Diary.objects.exists()


def test_cached_cards_follow_every_change_of_the_memo(alice_client, alice, settings):
    memo = services.memo_create(owner=alice, content="First **draft**")
    assert "<strong>draft</strong>" in alice_client.get("/memos/").content.decode()

    services.memo_update(memo, user=alice, base_revision=1, content="Second *take* #idea")
    services.memo_update(memo, user=alice, base_revision=None, pinned=True)
    page = alice_client.get("/memos/").content.decode()
    assert "<em>take</em>" in page and "draft" not in page and "#idea" in page
    assert "memo-card pinned" in page and "r2" in page

    file_services.resource_upload(owner=alice, upload=SimpleUploadedFile("plan.txt", b"plan", "text/plain"), memo=memo)
    assert "plan.txt" in alice_client.get("/memos/").content.decode()

    from accounts.services import user_settings_for, user_settings_update

    user_settings_update(user_settings_for(alice), timezone="Asia/Tokyo")
    tokyo = alice_client.get("/memos/").content.decode()
    footer = tokyo.split(f'href="/memos/{memo.pk}/">')[1][:40]
    # Built with the template's own filter: the English short format writes "6 a.m." at a full hour, not "6:00".
    expected = date_format(memo.created_at.astimezone(ZoneInfo("Asia/Tokyo")), "SHORT_DATETIME_FORMAT")
    utc = date_format(memo.created_at.astimezone(ZoneInfo("UTC")), "SHORT_DATETIME_FORMAT")
    assert expected != utc and expected in footer, footer
