"""The library scan on generated folders of tiny WAV files: finds works, reads them, skips unchanged ones, keeps
staff edits, marks vanished works unavailable (and back), refuses to act when a disk looks unmounted."""

from __future__ import annotations

import os
import shutil

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from library import scan_lock, scanner, services
from library.models import Circle, Review, Root, Scan, Track, Work, va_id
from tests.library.disk import wav, work

pytestmark = pytest.mark.django_db


def test_a_scan_finds_and_reads_works(library_root):
    work(library_root / "circles", "[Moonlit] RJ01234567 Rainy night ASMR")
    work(library_root, "Home recording", sidecar={"title": "Lullabies", "circle": "Family", "tags": ["sleep"],
                                                   "vas": ["Mom"], "release": "2024-05-01"})  # fmt: skip
    (library_root / "not a work").mkdir()

    record = scanner.scan()

    assert (record.status, record.added, record.folders_total) == (Scan.Status.DONE, 2, 2)
    rainy = Work.objects.get(code="RJ01234567")
    assert (rainy.title, rainy.circle.name, rainy.dir) == (
        "Rainy night ASMR",
        "Moonlit",
        "circles/[Moonlit] RJ01234567 Rainy night ASMR",
    )
    tracks = list(rainy.tracks.all())
    assert [t.path for t in tracks] == ["01 track.wav", "02 track.wav"]
    assert [round(t.duration_seconds, 1) for t in tracks] == [0.5, 1.5]
    assert tracks[0].lyrics == "01 track.lrc" and tracks[1].lyrics == "" and tracks[0].mime_type == "audio/wav"
    assert rainy.cover == "cover.jpg"
    home = Work.objects.get(title="Lullabies")
    assert home.code.startswith("LOCAL-") and home.circle.name == "Family"
    assert [t.name for t in home.tags.all()] == ["sleep"]
    assert [(v.id, v.name) for v in home.vas.all()] == [(va_id("Mom"), "Mom")]
    assert str(home.release) == "2024-05-01"


def test_a_rescan_skips_unchanged_folders_and_rereads_changed_ones(library_root):
    folder = work(library_root, "RJ01111111 One")
    work(library_root, "RJ02222222 Two")
    scanner.scan()

    wav(folder / "03 bonus.wav")
    record = scanner.scan()

    assert (record.added, record.changed, record.unchanged) == (0, 1, 1)
    assert Track.objects.filter(work__code="RJ01111111").count() == 3


def test_staff_edits_survive_a_rescan(library_root):
    folder = work(library_root, "RJ01111111 Original title")
    scanner.scan()
    services.work_edit(Work.objects.get(), title="Better title")

    wav(folder / "03 bonus.wav")
    scanner.scan()

    assert Work.objects.get().title == "Better title"


def test_dry_run_reports_and_changes_nothing(library_root):
    work(library_root, "RJ01111111 One")

    record = scanner.scan(dry_run=True)

    assert (record.added, record.status) == (1, Scan.Status.DONE)
    assert not Work.objects.exists()


def test_a_vanished_work_is_unavailable_and_comes_back_with_its_reviews(library_root, alice):
    folders = [work(library_root, f"RJ0{n}000000 Work {n}") for n in range(1, 7)]
    scanner.scan()
    gone = Work.objects.get(code="RJ01000000")
    services.review_save(user=alice, work=gone, rating=5, progress=Review.Progress.LISTENED)
    moved = library_root.parent / "elsewhere"
    shutil.move(str(folders[0]), moved)

    record = scanner.scan()
    gone.refresh_from_db()
    assert (record.missing, gone.available) == (1, False)
    assert Review.objects.filter(work=gone).exists()

    shutil.move(str(moved), folders[0])
    record = scanner.scan()
    gone.refresh_from_db()
    assert (record.restored, gone.available) == (1, True)


def test_a_scan_aborts_when_too_many_works_vanish(library_root):
    for n in range(1, 6):
        work(library_root, f"RJ0{n}000000 Work {n}")
    scanner.scan()
    for folder in list(library_root.iterdir())[:2]:
        shutil.rmtree(folder)

    record = scanner.scan()

    assert record.status == Scan.Status.ABORTED and "unmounted" in record.message
    assert Work.objects.filter(available=True).count() == 5
    with pytest.raises(CommandError, match="Nothing was changed"):
        call_command("scan_library")


def test_an_unmounted_root_marks_nothing_missing(library_root):
    work(library_root, "RJ01111111 One")
    scanner.scan()
    shutil.rmtree(library_root)

    record = scanner.scan()

    assert record.status == Scan.Status.ABORTED
    assert Work.objects.get().available


def test_links_out_of_the_root_are_not_followed(library_root, tmp_path):
    outside = tmp_path / "outside"
    work(outside, "RJ09999999 Secret")
    os.symlink(outside, library_root / "link")

    scanner.scan()

    assert not Work.objects.exists()


def test_one_scan_at_a_time(library_root):
    import threading

    from django.db import connection

    holding, release = threading.Event(), threading.Event()

    def another_scan() -> None:  # its own thread, so its own database session, as another process would have
        try:
            with scan_lock.only_scan():
                holding.set()
                release.wait(timeout=30)
        finally:
            connection.close()

    other = threading.Thread(target=another_scan)
    other.start()
    try:
        assert holding.wait(timeout=30)
        with pytest.raises(scan_lock.ScanRunning):
            scanner.scan()
        with pytest.raises(CommandError, match="Another scan is running"):
            call_command("scan_library")
    finally:
        release.set()
        other.join(timeout=30)
    assert scanner.scan().status == Scan.Status.DONE  # free again once it is gone


def test_the_command_prints_progress_and_a_summary(library_root, capsys):
    work(library_root, "RJ01111111 One")

    call_command("scan_library", "--dry-run")

    out = capsys.readouterr().out
    assert "1/1 folders" in out and "Dry run: 1 added" in out
    assert Root.objects.get().name == "voice"


@pytest.mark.parametrize(
    ("folder", "circle", "title", "code"),
    [
        ("RJ00999999 [Circle Moon] Story of Stars", "Circle Moon", "Story of Stars", "RJ00999999"),
        ("[Circle Moon] Story of Stars (RJ123456)", "Circle Moon", "Story of Stars", "RJ123456"),
        ("[RJ123456][Circle Moon] Story", "Circle Moon", "Story", "RJ123456"),
        ("【月光】星の物語 RJ01234567", "月光", "星の物語", "RJ01234567"),
        ("(同人音声) [サークル] タイトル [RJ123456]", "サークル", "タイトル", "RJ123456"),
        ("RJ123456 - Title", None, "Title", "RJ123456"),
        ("VJ01234567 A game", None, "A game", "VJ01234567"),
        ("BJ123456 本", None, "本", "BJ123456"),
        ("RJ123456", None, "RJ123456", "RJ123456"),
    ],
)
def test_folder_names_are_read_as_kikoeru_users_write_them(library_root, folder, circle, title, code):
    work(library_root, folder)

    scanner.scan()

    found = Work.objects.select_related("circle").get()
    assert (found.code, found.title, found.circle.name if found.circle else None) == (code, title, circle)


def test_works_without_a_circle_share_none_and_work_json_still_wins(library_root):
    work(library_root, "RJ111111 One")
    work(library_root, "RJ222222 Two")
    work(library_root, "RJ333333 [Folder Circle] Three", sidecar={"circle": "Sidecar Circle", "title": "Real"})

    scanner.scan()

    assert list(Work.objects.filter(circle=None).order_by("code").values_list("code", flat=True)) == [
        "RJ111111",
        "RJ222222",
    ]
    three = Work.objects.get(code="RJ333333")
    assert (three.circle.name, three.title) == ("Sidecar Circle", "Real")
    assert not Circle.objects.filter(name__icontains="unknown").exists()
