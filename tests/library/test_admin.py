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
    form = {"title": "Edited", "circle": found.circle_id, "nsfw": "", "release": "", "dl_count": 0, "price": 0,
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
