"""The optional store metadata: off by default; when on, recorded store pages served on loopback fill what the
folders left empty, never what is on disk or what staff edited; a failing or stalling store leaves local data."""

from __future__ import annotations

from datetime import date

import pytest

from library import metadata, scanner, services
from library.models import Work
from tests.fakes.store_server import StoreServer
from tests.library.disk import work

pytestmark = pytest.mark.django_db


@pytest.fixture
def store(settings):
    server = StoreServer()
    settings.LIBRARY_METADATA_URL = server.url
    settings.LIBRARY_METADATA_TIMEOUT = 1.0
    yield server
    server.close()


def test_off_by_default_nothing_is_asked(library_root, settings):
    assert settings.LIBRARY_METADATA_URL == ""
    assert metadata.source_from_settings() is None
    work(library_root, "RJ01234567")
    scanner.scan()
    assert Work.objects.get().title == "RJ01234567"


def test_recorded_store_page_fills_a_bare_folder(library_root, store):
    work(library_root, "RJ01234567")

    record = scanner.scan()

    rain = Work.objects.get()
    assert record.errors == []
    assert (rain.title, rain.circle.name, rain.release, rain.nsfw) == (
        "【癒し】雨音の夜", "月明かり工房", date(2023, 7, 14), False,
    )  # fmt: skip
    assert sorted(rain.tags.values_list("name", flat=True)) == ["ASMR", "バイノーラル/ダミヘ", "癒し"]
    assert sorted(rain.vas.values_list("name", flat=True)) == ["海野しずく", "雨宮あおい"]
    assert (rain.price, rain.dl_count, rain.review_count, rain.rate_count) == (1320, 15234, 41, 2390)
    assert float(rain.rate_average_2dp) == 4.83 and rain.rate_count_detail[4]["count"] == 2072
    assert rain.rank[0]["rank"] == 3
    assert len(store.requests) == 2

    scanner.scan()  # unchanged: the store is not asked again
    assert len(store.requests) == 2


def test_what_is_on_disk_wins_and_staff_edits_survive_a_refresh(library_root, store):
    work(library_root, "[Home] RJ01234567 Our title", sidecar={"tags": ["mine"], "price": 0})
    scanner.scan()
    rain = Work.objects.get()
    assert (rain.title, rain.circle.name, rain.price) == ("Our title", "Home", 0)
    assert list(rain.tags.values_list("name", flat=True)) == ["mine"]
    assert rain.dl_count == 15234 and rain.release == date(2023, 7, 14)  # filled where the disk says nothing

    services.work_edit(rain, dl_count=7)
    refreshed, errors = scanner.refresh_from_store([rain], metadata.source_from_settings())
    rain.refresh_from_db()
    assert (refreshed, errors, rain.dl_count, rain.title) == (1, [], 7, "Our title")


@pytest.mark.parametrize("trouble", ["down", "stall", "unknown"])
def test_a_failing_store_keeps_the_local_metadata(library_root, store, trouble):
    if trouble == "down":
        store.status = 503
    elif trouble == "stall":
        store.stall = 2.0  # past the 1 s timeout
    name = "RJ09999999 Local" if trouble == "unknown" else "RJ01234567 Local"

    work(library_root, name)
    record = scanner.scan()

    found = Work.objects.get()
    assert (record.status, record.added, found.title, found.circle) == ("done", 1, "Local", None)
    assert len(record.errors) == 1 and "did not answer usefully" in record.errors[0]


def test_a_page_that_is_not_a_work_page_is_refused():
    with pytest.raises(metadata.MetadataError):
        metadata.parse_work_page("<html><body><p>Maintenance</p></body></html>")
    assert metadata.parse_work_info({"other": {}}, "RJ01234567") == {}
    assert metadata.parse_work_info({"RJ01234567": {"dl_count": "many", "rank": []}}, "RJ01234567")["dl_count"] is None


def test_the_admin_action_refreshes_from_the_store(admin_client, library_root, store, settings):
    settings.LIBRARY_METADATA_URL = ""
    work(library_root, "RJ01234567")
    scanner.scan()
    rain = Work.objects.get()
    form = {"action": "refresh_from_store", "_selected_action": [rain.pk]}
    off = admin_client.post("/admin/library/work/", form, follow=True)
    assert "Store metadata is off" in off.content.decode()

    settings.LIBRARY_METADATA_URL = store.url
    done = admin_client.post("/admin/library/work/", form, follow=True)
    assert "1 work refreshed from the store." in done.content.decode()
    rain.refresh_from_db()
    assert rain.title == "【癒し】雨音の夜"
