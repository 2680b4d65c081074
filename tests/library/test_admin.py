"""The library in the admin: lists render, and a staff edit is remembered so a rescan keeps it."""

from __future__ import annotations

import pytest

from library import scanner
from library.models import Work
from tests.library.disk import wav, work

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "url", ["/admin/library/work/", "/admin/library/root/", "/admin/library/review/", "/admin/library/scan/",
            "/admin/library/circle/", "/admin/library/voiceactor/", "/admin/library/playback/"],
)  # fmt: skip
def test_admin_lists_render(admin_client, library_root, url):
    work(library_root, "RJ01111111 One")
    scanner.scan()

    assert admin_client.get(url).status_code == 200


def test_a_title_edited_in_the_admin_survives_a_rescan(admin_client, library_root):
    folder = work(library_root, "RJ01111111 One")
    scanner.scan()
    found = Work.objects.get()
    form = {"title": "Edited", "circle": found.circle_id or "", "nsfw": "", "release": "", "dl_count": 0, "price": 0,
            "review_count": 0, "rate_count": 0, "rate_average_2dp": "0", "rate_count_detail": "[]", "rank": "null",
            "cover": found.cover, "tracks-TOTAL_FORMS": 2, "tracks-INITIAL_FORMS": 2}  # fmt: skip
    form.update({f"tracks-{n}-id": track.pk for n, track in enumerate(found.tracks.all())})
    form.update({f"tracks-{n}-work": found.pk for n in range(2)})

    response = admin_client.post(f"/admin/library/work/{found.pk}/change/", form)
    wav(folder / "03 bonus.wav")
    scanner.scan()

    found.refresh_from_db()
    assert response.status_code == 302, response.content.decode()[:2000]
    assert found.title == "Edited" and "title" in found.edited_fields
    assert found.tracks.count() == 3


def test_a_voice_actor_added_in_the_admin_is_keyed_by_their_name(admin_client):
    """Regression: adding one inserted a NULL id (IntegrityError, 500)."""
    from library.models import VoiceActor, va_id

    response = admin_client.post("/admin/library/voiceactor/add/", {"name": "  Kana   Hanazawa "})

    assert response.status_code == 302
    actor = VoiceActor.objects.get()
    assert (actor.id, actor.name) == (va_id("Kana Hanazawa"), "Kana Hanazawa")


def test_renaming_a_voice_actor_rekeys_them_with_their_works(admin_client, shelf):
    from library.models import VoiceActor, va_id

    aoi = VoiceActor.objects.get(name="Aoi")

    response = admin_client.post(f"/admin/library/voiceactor/{aoi.pk}/change/", {"name": "Aoi Yuki", "_continue": 1})

    renamed = VoiceActor.objects.get()
    assert renamed.id == va_id("Aoi Yuki") and renamed.name == "Aoi Yuki"
    assert response.status_code == 302 and str(renamed.id) in response["Location"]
    assert list(renamed.works.values_list("code", flat=True)) == ["RJ02222222"]


def test_renaming_onto_an_existing_actor_merges_the_two(admin_client, shelf):
    from library import services
    from library.models import VoiceActor, va_id

    both = Work.objects.get(code="RJ02222222")
    yuki = services.voice_actor_create("Yuki")
    both.vas.add(yuki)
    Work.objects.get(code="RJ01111111").vas.add(yuki)

    services.voice_actor_rename(VoiceActor.objects.get(name="Aoi"), "Yuki")

    assert list(VoiceActor.objects.values_list("id", flat=True)) == [va_id("Yuki")]
    assert sorted(yuki.works.values_list("code", flat=True)) == ["RJ01111111", "RJ02222222"]


def test_a_voice_actor_needs_a_name(admin_client):
    from library.models import VoiceActor

    response = admin_client.post("/admin/library/voiceactor/add/", {"name": "   "})

    assert response.status_code == 200 and not VoiceActor.objects.exists()
