"""The household's audio-work library (kikoeru): works found on disk under named roots, their circles, tags and
voice actors, the tracks in them, and each person's review and listening progress."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy

# kikoeru derives a voice actor's id from the name (UUID v5), so the same person gets the same id on every server.
VA_NAMESPACE = uuid.UUID("699d9c07-b965-4399-bafd-18a3cacf073c")


def va_id(name: str) -> uuid.UUID:
    return uuid.uuid5(VA_NAMESPACE, name)


class Root(models.Model):
    """A named folder the scanner walks (kikoeru `root_folder`); from the admin or LIBRARY_ROOTS."""

    name = models.SlugField(max_length=50, unique=True, verbose_name=gettext_lazy("name"))
    path = models.CharField(
        max_length=1000, help_text=gettext_lazy("Absolute path on the server."), verbose_name=gettext_lazy("path")
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=gettext_lazy("created at"))

    class Meta:
        verbose_name = gettext_lazy("root")
        verbose_name_plural = gettext_lazy("roots")
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.path})"


class Circle(models.Model):
    """A circle (the studio or group behind works), kikoeru `t_circle`."""

    name = models.CharField(max_length=255, unique=True, verbose_name=gettext_lazy("name"))

    class Meta:
        verbose_name = gettext_lazy("circle")
        verbose_name_plural = gettext_lazy("circles")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Tag(models.Model):
    """kikoeru `t_tag`."""

    name = models.CharField(max_length=100, unique=True, verbose_name=gettext_lazy("name"))

    class Meta:
        verbose_name = gettext_lazy("tag")
        verbose_name_plural = gettext_lazy("tags")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class VoiceActor(models.Model):
    """kikoeru `t_va`: the id is the UUID v5 of the name."""

    id = models.UUIDField(primary_key=True, editable=False)
    name = models.CharField(max_length=255, unique=True, verbose_name=gettext_lazy("name"))

    class Meta:
        verbose_name = gettext_lazy("voice actor")
        verbose_name_plural = gettext_lazy("voice actors")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Work(models.Model):
    """One audio work: a folder under a root (kikoeru `t_work`), with what the store says about it."""

    code = models.CharField(
        max_length=20,
        unique=True,
        help_text=gettext_lazy("RJ/VJ/BJ code, or LOCAL-<hash> for a work with a sidecar only."),
        verbose_name=gettext_lazy("code"),
    )
    root = models.ForeignKey(Root, on_delete=models.PROTECT, related_name="works", verbose_name=gettext_lazy("root"))
    dir = models.CharField(
        max_length=1000,
        help_text=gettext_lazy("The folder, relative to its root."),
        verbose_name=gettext_lazy("folder"),
    )
    title = models.CharField(max_length=500, verbose_name=gettext_lazy("title"))
    circle = models.ForeignKey(
        Circle,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="works",
        help_text=gettext_lazy("Empty when neither the folder, its work.json nor the store names one."),
        verbose_name=gettext_lazy("circle"),
    )
    nsfw = models.BooleanField(default=False, verbose_name=gettext_lazy("NSFW"))
    release = models.DateField(null=True, blank=True, verbose_name=gettext_lazy("release"))
    dl_count = models.PositiveIntegerField(default=0, verbose_name=gettext_lazy("downloads"))
    price = models.PositiveIntegerField(default=0, verbose_name=gettext_lazy("price"))
    review_count = models.PositiveIntegerField(default=0, verbose_name=gettext_lazy("review count"))
    rate_count = models.PositiveIntegerField(default=0, verbose_name=gettext_lazy("store ratings"))
    rate_average_2dp = models.DecimalField(
        max_digits=3, decimal_places=2, default=0, verbose_name=gettext_lazy("store rating")
    )
    rate_count_detail = models.JSONField(default=list, blank=True, verbose_name=gettext_lazy("store ratings by stars"))
    rank = models.JSONField(
        null=True,
        blank=True,
        help_text=gettext_lazy("Historic sales ranking, as the store gives it."),
        verbose_name=gettext_lazy("rank"),
    )
    tags = models.ManyToManyField(Tag, related_name="works", blank=True, verbose_name=gettext_lazy("tags"))
    vas = models.ManyToManyField(
        VoiceActor, related_name="works", blank=True, verbose_name=gettext_lazy("voice actors")
    )
    cover = models.CharField(
        max_length=1000,
        blank=True,
        help_text=gettext_lazy("Cover image, relative to the work's folder."),
        verbose_name=gettext_lazy("cover"),
    )
    available = models.BooleanField(
        default=True,
        help_text=gettext_lazy("Off while its folder is missing (reviews are kept)."),
        verbose_name=gettext_lazy("available"),
    )
    edited_fields = models.JSONField(
        default=list,
        blank=True,
        help_text=gettext_lazy("Fields staff changed by hand: a rescan never overwrites them."),
        verbose_name=gettext_lazy("edited fields"),
    )
    folder_mtime_ns = models.BigIntegerField(
        default=0,
        help_text=gettext_lazy("What the last scan saw, to skip unchanged ones."),
        verbose_name=gettext_lazy("folder modified (ns)"),
    )
    folder_size = models.BigIntegerField(default=0, verbose_name=gettext_lazy("folder size"))
    scanned_at = models.DateTimeField(null=True, blank=True, verbose_name=gettext_lazy("scanned at"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=gettext_lazy("created at"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=gettext_lazy("updated at"))

    class Meta:
        verbose_name = gettext_lazy("work")
        verbose_name_plural = gettext_lazy("works")
        ordering = ["-release", "code"]
        indexes = [
            # The seed's index: the grid filters by circle and sorts by these.
            models.Index(
                fields=["circle", "release", "dl_count", "review_count", "price", "rate_average_2dp"],
                name="library_work_grid",
            ),
            models.Index(fields=["release"], name="library_work_release"),
        ]
        constraints = [models.UniqueConstraint(fields=["root", "dir"], name="library_work_one_per_folder")]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"


class Track(models.Model):
    """An audio file of a work, with what mutagen read from it; lyrics beside it when there are any."""

    work = models.ForeignKey(Work, on_delete=models.CASCADE, related_name="tracks", verbose_name=gettext_lazy("work"))
    path = models.CharField(
        max_length=1000, help_text=gettext_lazy("Relative to the work's folder."), verbose_name=gettext_lazy("path")
    )
    title = models.CharField(max_length=500, verbose_name=gettext_lazy("title"))
    duration_seconds = models.FloatField(default=0, verbose_name=gettext_lazy("duration (s)"))
    mime_type = models.CharField(max_length=100, verbose_name=gettext_lazy("MIME type"))
    size = models.BigIntegerField(default=0, verbose_name=gettext_lazy("size"))
    lyrics = models.CharField(
        max_length=1000,
        blank=True,
        help_text=gettext_lazy("A .lrc/.vtt/.srt file, relative to the work."),
        verbose_name=gettext_lazy("lyrics"),
    )
    sort_order = models.PositiveIntegerField(default=0, verbose_name=gettext_lazy("sort order"))

    class Meta:
        verbose_name = gettext_lazy("track")
        verbose_name_plural = gettext_lazy("tracks")
        ordering = ["work", "sort_order"]
        constraints = [models.UniqueConstraint(fields=["work", "path"], name="library_track_once")]

    def __str__(self) -> str:
        return self.path


class Review(models.Model):
    """One person's rating, words and listening progress for a work (kikoeru `t_review`)."""

    class Progress(models.TextChoices):
        MARKED = "marked", gettext_lazy("Want to listen")
        LISTENING = "listening", gettext_lazy("Listening")
        LISTENED = "listened", gettext_lazy("Listened")
        POSTPONED = "postponed", gettext_lazy("Postponed")
        DROPPED = "dropped", gettext_lazy("Dropped")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="library_reviews",
        verbose_name=gettext_lazy("user"),
    )
    work = models.ForeignKey(Work, on_delete=models.CASCADE, related_name="reviews", verbose_name=gettext_lazy("work"))
    rating = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
        verbose_name=gettext_lazy("rating"),
    )
    review_text = models.TextField(blank=True, verbose_name=gettext_lazy("review text"))
    progress = models.CharField(
        max_length=10,
        # The empty choice named here, so forms say what it means rather than Django's "- Select an option -".
        choices=[("", gettext_lazy("Not marked")), *Progress.choices],
        blank=True,
        verbose_name=gettext_lazy("progress"),
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=gettext_lazy("created at"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=gettext_lazy("updated at"))

    class Meta:
        verbose_name = gettext_lazy("review")
        verbose_name_plural = gettext_lazy("reviews")
        ordering = ["-updated_at"]
        constraints = [models.UniqueConstraint(fields=["user", "work"], name="library_one_review_per_user")]

    def __str__(self) -> str:
        return f"{self.user} on {self.work_id}"


class Playback(models.Model):
    """Where a person left off in a work (the track and the second), so the player resumes there on any device."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="library_playbacks",
        verbose_name=gettext_lazy("user"),
    )
    work = models.ForeignKey(
        Work, on_delete=models.CASCADE, related_name="playbacks", verbose_name=gettext_lazy("work")
    )
    track = models.ForeignKey(
        Track, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=gettext_lazy("track")
    )
    position_seconds = models.FloatField(
        default=0, validators=[MinValueValidator(0)], verbose_name=gettext_lazy("position (s)")
    )
    updated_at = models.DateTimeField(auto_now=True, verbose_name=gettext_lazy("updated at"))

    class Meta:
        verbose_name = gettext_lazy("playback")
        verbose_name_plural = gettext_lazy("playbacks")
        ordering = ["-updated_at"]
        constraints = [models.UniqueConstraint(fields=["user", "work"], name="library_one_playback_per_user")]

    def __str__(self) -> str:
        return f"{self.user} at {self.position_seconds:.0f}s of {self.work_id}"


class ListenerSettings(models.Model):
    """A person's library choices; nsfw works stay out of their grid, search and API lists unless they opt in."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="library_settings",
        verbose_name=gettext_lazy("user"),
    )
    show_nsfw = models.BooleanField(
        default=False, help_text=gettext_lazy("Show works marked nsfw."), verbose_name=gettext_lazy("show NSFW")
    )

    class Meta:
        verbose_name = gettext_lazy("listener settings")
        verbose_name_plural = gettext_lazy("listener settings")

    def __str__(self) -> str:
        return f"Library settings of {self.user}"


class Scan(models.Model):
    """One run of the scanner: what it found, and how far it got (the staff page shows its progress)."""

    class Status(models.TextChoices):
        QUEUED = "queued", gettext_lazy("Queued")
        RUNNING = "running", gettext_lazy("Running")
        DONE = "done", gettext_lazy("Done")
        ABORTED = "aborted", gettext_lazy("Aborted")
        FAILED = "failed", gettext_lazy("Failed")

    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.RUNNING, verbose_name=gettext_lazy("status")
    )
    dry_run = models.BooleanField(default=False, verbose_name=gettext_lazy("dry run"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=gettext_lazy("requested by"),
    )
    folders_total = models.PositiveIntegerField(default=0, verbose_name=gettext_lazy("folders total"))
    folders_done = models.PositiveIntegerField(default=0, verbose_name=gettext_lazy("folders done"))
    added = models.PositiveIntegerField(default=0, verbose_name=gettext_lazy("added"))
    changed = models.PositiveIntegerField(default=0, verbose_name=gettext_lazy("changed"))
    unchanged = models.PositiveIntegerField(default=0, verbose_name=gettext_lazy("unchanged"))
    missing = models.PositiveIntegerField(default=0, verbose_name=gettext_lazy("missing"))
    restored = models.PositiveIntegerField(default=0, verbose_name=gettext_lazy("restored"))
    errors = models.JSONField(default=list, blank=True, verbose_name=gettext_lazy("errors"))
    message = models.TextField(blank=True, verbose_name=gettext_lazy("message"))
    started_at = models.DateTimeField(auto_now_add=True, verbose_name=gettext_lazy("started at"))
    finished_at = models.DateTimeField(null=True, blank=True, verbose_name=gettext_lazy("finished at"))

    class Meta:
        verbose_name = gettext_lazy("scan")
        verbose_name_plural = gettext_lazy("scans")
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"Scan {self.pk} ({self.status})"

    @property
    def percent(self) -> int:
        """How far along, for the progress bar."""
        if self.status in (self.Status.DONE, self.Status.ABORTED, self.Status.FAILED):
            return 100
        return int(100 * self.folders_done / self.folders_total) if self.folders_total else 0

    @property
    def finished(self) -> bool:
        return self.status not in (self.Status.QUEUED, self.Status.RUNNING)


class Playlist(models.Model):
    """A person's ordered list of tracks, from any works."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="library_playlists",
        verbose_name=gettext_lazy("owner"),
    )
    name = models.CharField(max_length=200, verbose_name=gettext_lazy("name"))
    description = models.TextField(blank=True, verbose_name=gettext_lazy("description"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=gettext_lazy("created at"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=gettext_lazy("updated at"))

    class Meta:
        verbose_name = gettext_lazy("playlist")
        verbose_name_plural = gettext_lazy("playlists")
        ordering = ["-updated_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["owner", "name"], name="library_playlist_unique_name")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("library:playlist", args=[self.pk])


class PlaylistItem(models.Model):
    """One track at one place in a playlist (a track may be in it more than once)."""

    playlist = models.ForeignKey(
        Playlist, on_delete=models.CASCADE, related_name="items", verbose_name=gettext_lazy("playlist")
    )
    track = models.ForeignKey(Track, on_delete=models.CASCADE, related_name="+", verbose_name=gettext_lazy("track"))
    position = models.PositiveIntegerField(
        help_text=gettext_lazy("1 is the first; kept without gaps by library.services."),
        verbose_name=gettext_lazy("position"),
    )
    added_at = models.DateTimeField(auto_now_add=True, verbose_name=gettext_lazy("added at"))

    class Meta:
        verbose_name = gettext_lazy("playlist item")
        verbose_name_plural = gettext_lazy("playlist items")
        ordering = ["playlist", "position", "id"]
        indexes = [models.Index(fields=["playlist", "position"], name="library_playlistitem_order")]

    def __str__(self) -> str:
        return f"{self.playlist_id} #{self.position}: {self.track_id}"


class Favourite(models.Model):
    """A work a person keeps close (a heart on the work page, the Favourites page)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="library_favourites",
        verbose_name=gettext_lazy("user"),
    )
    work = models.ForeignKey(
        Work, on_delete=models.CASCADE, related_name="favourites", verbose_name=gettext_lazy("work")
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=gettext_lazy("created at"))

    class Meta:
        verbose_name = gettext_lazy("favourite")
        verbose_name_plural = gettext_lazy("favourites")
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["user", "work"], name="library_favourite_once")]

    def __str__(self) -> str:
        return f"{self.user} ♥ {self.work_id}"


class Bookmark(models.Model):
    """A place in a track a person wants to come back to, with a note."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="library_bookmarks",
        verbose_name=gettext_lazy("user"),
    )
    track = models.ForeignKey(
        Track, on_delete=models.CASCADE, related_name="bookmarks", verbose_name=gettext_lazy("track")
    )
    position_seconds = models.FloatField(validators=[MinValueValidator(0)], verbose_name=gettext_lazy("position (s)"))
    note = models.CharField(max_length=500, blank=True, verbose_name=gettext_lazy("note"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=gettext_lazy("created at"))

    class Meta:
        verbose_name = gettext_lazy("bookmark")
        verbose_name_plural = gettext_lazy("bookmarks")
        ordering = ["track", "position_seconds", "id"]
        indexes = [models.Index(fields=["user", "track"], name="library_bookmark_user_track")]

    def __str__(self) -> str:
        return f"{self.user} at {self.position_seconds:.0f}s of track {self.track_id}"
