"""What the library pages and API read: works a person may see, with the household's ratings beside them."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import Avg, Count, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext

from library import streaming
from library.models import (
    Bookmark,
    Circle,
    Favourite,
    ListenerSettings,
    Playback,
    Playlist,
    PlaylistItem,
    Review,
    Scan,
    Tag,
    Track,
    VoiceActor,
    Work,
)

if TYPE_CHECKING:
    from accounts.models import User


def shows_nsfw(user: User) -> bool:
    return ListenerSettings.objects.filter(user=user, show_nsfw=True).exists()


def works_visible_to(user: User) -> QuerySet[Work]:
    """Every work of the household, less nsfw ones for people who chose not to see them."""
    works = Work.objects.all()
    return works if shows_nsfw(user) else works.exclude(nsfw=True)


def _household() -> dict[str, Any]:
    reviews = Review.objects.filter(work=OuterRef("pk"), rating__isnull=False).values("work")
    return {
        "household_rating": Subquery(reviews.annotate(avg=Avg("rating")).values("avg")[:1]),
        "household_ratings": Coalesce(
            Subquery(reviews.annotate(n=Count("pk")).values("n")[:1], output_field=IntegerField()), 0
        ),
    }


def works_for_grid(works: QuerySet[Work], user: User) -> QuerySet[Work]:
    """The grid's columns in one query: circle, the household's average rating and the person's own progress."""
    mine = Review.objects.filter(work=OuterRef("pk"), user=user).values("progress")[:1]
    return works.select_related("circle").annotate(**_household(), my_progress=Subquery(mine))


def household(work: Work) -> list[dict[str, Any]]:
    """Everyone in the household who reviewed or listened to the work: `user`, `review` (or None) and `listened_at`
    (their Playback, or None), reviewers first, newest review first."""
    reviews = list(work.reviews.select_related("user").order_by("-updated_at"))
    listens = {p.user_id: p for p in work.playbacks.select_related("user")}
    rows = [{"user": r.user, "review": r, "listened_at": listens.pop(r.user_id, None)} for r in reviews]
    return rows + [{"user": p.user, "review": None, "listened_at": p} for p in listens.values()]


def work_page(work: Work, user: User) -> dict[str, Any]:
    """Everything the work page shows besides the work: the track tree, the household's reviews and listens, the
    person's own review, and the player's data (its queue of signed track links and where to resume)."""
    tracks = list(work.tracks.all())
    tree: dict[str, list[Track]] = {}
    for track in tracks:
        folder, _, _ = track.path.rpartition("/")
        tree.setdefault(folder, []).append(track)
    rows = household(work)
    mine = next((row for row in rows if row["user"].pk == user.pk), None)
    playback: Playback | None = mine["listened_at"] if mine else None
    queue = [queue_entry(t, work) for t in tracks]
    resume = {"track": playback.track_id, "position": playback.position_seconds} if playback else None
    return {
        "tree": sorted(tree.items()), "tracks": tracks, "household": rows,
        "my_review": mine["review"] if mine else None,
        "player": {"work": work.pk, "queue": queue, "readOnly": user.is_guest, "resume": resume},
        "is_favourite": Favourite.objects.filter(user=user, work=work).exists(),
        "bookmarks": list(Bookmark.objects.filter(user=user, track__work=work).select_related("track")),
        "playlists": list(Playlist.objects.filter(owner=user).values_list("pk", "name")),
    }  # fmt: skip


def my_library(user: User) -> list[tuple[str, list[Work]]]:
    """The person's favourites, then their works by progress (listening first), each group newest change first."""
    reviews = Review.objects.filter(user=user).exclude(progress="").select_related("work__circle")
    groups: dict[str, list[Work]] = {value: [] for value in Review.Progress.values}
    for review in reviews.order_by("-updated_at"):
        groups[review.progress].append(review.work)
    order = ["listening", "marked", "postponed", "listened", "dropped"]
    favourites = [f.work for f in Favourite.objects.filter(user=user).select_related("work__circle")]
    progress = [(str(Review.Progress(value).label), groups[value]) for value in order if groups[value]]
    return ([(gettext("Favourites"), favourites)] if favourites else []) + progress


def playlist_queue(items: list[PlaylistItem]) -> list[dict[str, Any]]:
    """The player's queue for playlist items (tracks of several works: each says its work, for resuming)."""
    return [queue_entry(item.track, item.track.work) for item in items if item.track.work.available]


def queue_entry(track: Track, work: Work) -> dict[str, Any]:
    """One track as the player queues it: a signed link to play, and what the lock screen shows (title, work,
    circle, cover)."""
    return {
        "id": track.pk, "work": work.pk, "title": track.title, "duration": track.duration_seconds,
        "src": streaming.signed_url(track), "lyrics": bool(track.lyrics), "work_title": work.title,
        "circle": work.circle.name if work.circle_id and work.circle else "",
        "cover": reverse("library:cover", args=[work.pk]) if work.cover else "",
        "work_url": reverse("library:work", args=[work.pk]),
    }  # fmt: skip


def playlist_items(playlist: Playlist) -> list[PlaylistItem]:
    return list(playlist.items.select_related("track__work__circle"))


def playlists_of(user: User) -> QuerySet[Playlist]:
    return Playlist.objects.filter(owner=user).annotate(track_count=Count("items")).order_by("-updated_at", "-id")


def named_with_counts(model: type[Circle | Tag | VoiceActor], user: User) -> QuerySet[Any]:
    """Circles, tags or voice actors with how many visible works each has, and the household's average rating."""
    hide = Q() if shows_nsfw(user) else Q(works__nsfw=False)
    return model.objects.annotate(
        work_count=Count("works", filter=hide, distinct=True),
        household_rating=Avg("works__reviews__rating", filter=hide),
    ).filter(work_count__gt=0)


def latest_scans() -> QuerySet[Scan]:
    return Scan.objects.select_related("requested_by")[:20]
