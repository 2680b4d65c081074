"""Shapes of the library API."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy
from rest_framework import serializers

from library import streaming
from library.models import Circle, Playback, Review, Scan, Tag, Track, VoiceActor, Work


class TrackSerializer(serializers.ModelSerializer):
    stream_url = serializers.SerializerMethodField(
        help_text=gettext_lazy("A signed link (6 hours) any player can open.")
    )
    lyrics_url = serializers.SerializerMethodField(
        help_text=gettext_lazy("Timed lyrics as cues, when the track has them.")
    )

    class Meta:
        model = Track
        fields = ["id", "path", "title", "duration_seconds", "mime_type", "size", "lyrics", "stream_url",
                  "lyrics_url"]  # fmt: skip
        read_only_fields = fields

    def get_stream_url(self, track: Track) -> str:
        return streaming.signed_url(track)

    def get_lyrics_url(self, track: Track) -> str | None:
        return reverse("v1:library-track-lyrics", args=[track.pk]) if track.lyrics else None


class WorkSerializer(serializers.ModelSerializer):
    circle = serializers.CharField(source="circle.name", read_only=True, allow_null=True)
    tags = serializers.SerializerMethodField()
    vas = serializers.SerializerMethodField()
    cover_url = serializers.SerializerMethodField()
    household_rating = serializers.FloatField(
        read_only=True, allow_null=True, help_text=gettext_lazy("Average of your household.")
    )
    household_ratings = serializers.IntegerField(
        read_only=True, help_text=gettext_lazy("How many in your household rated it.")
    )
    my_progress = serializers.CharField(read_only=True, allow_null=True)

    class Meta:
        model = Work
        fields = ["id", "code", "title", "circle", "nsfw", "release", "dl_count", "price", "review_count",
                  "rate_count", "rate_average_2dp", "tags", "vas", "available", "cover_url", "household_rating",
                  "household_ratings", "my_progress"]  # fmt: skip
        read_only_fields = fields

    def get_tags(self, work: Work) -> list[str]:
        return [tag.name for tag in work.tags.all()]

    def get_vas(self, work: Work) -> list[str]:
        return [va.name for va in work.vas.all()]

    def get_cover_url(self, work: Work) -> str | None:
        return reverse("library:cover", args=[work.pk]) if work.cover else None


class ReviewSerializer(serializers.ModelSerializer):
    class Meta:
        model = Review
        fields = ["rating", "review_text", "progress", "created_at", "updated_at"]
        read_only_fields = ["created_at", "updated_at"]


class PlaybackSerializer(serializers.ModelSerializer):
    track = serializers.PrimaryKeyRelatedField(queryset=Track.objects.all(), allow_null=True)
    position_seconds = serializers.FloatField(min_value=0, max_value=10**7)

    class Meta:
        model = Playback
        fields = ["track", "position_seconds", "updated_at"]
        read_only_fields = ["updated_at"]


class WorkDetailSerializer(WorkSerializer):
    tracks = TrackSerializer(many=True, read_only=True)
    my_review = serializers.SerializerMethodField()
    my_playback = serializers.SerializerMethodField()

    class Meta(WorkSerializer.Meta):
        fields = [*WorkSerializer.Meta.fields, "rate_count_detail", "rank", "tracks", "my_review", "my_playback"]
        read_only_fields = fields

    def _mine(self, rows: Any) -> Any:
        return next((row for row in rows.all() if row.user_id == self.context["request"].user.pk), None)

    def get_my_review(self, work: Work) -> dict[str, Any] | None:
        mine = self._mine(work.reviews)
        return ReviewSerializer(mine).data if mine else None

    def get_my_playback(self, work: Work) -> dict[str, Any] | None:
        mine = self._mine(work.playbacks)
        return PlaybackSerializer(mine).data if mine else None


class HouseholdSerializer(serializers.Serializer):
    """One person of the household and a work: what they rated and when they last listened."""

    name = serializers.CharField()
    rating = serializers.IntegerField(allow_null=True)
    progress = serializers.CharField(allow_blank=True)
    review_text = serializers.CharField(allow_blank=True)
    last_listened_at = serializers.DateTimeField(allow_null=True)

    def to_representation(self, row: dict[str, Any]) -> dict[str, Any]:
        review, playback = row["review"], row["listened_at"]
        return super().to_representation({
            "name": row["user"].get_short_name(), "rating": review.rating if review else None,
            "progress": review.progress if review else "", "review_text": review.review_text if review else "",
            "last_listened_at": playback.updated_at if playback else None,
        })  # fmt: skip


class NamedSerializer(serializers.ModelSerializer):
    work_count = serializers.IntegerField(read_only=True)
    household_rating = serializers.FloatField(read_only=True, allow_null=True)

    class Meta:
        fields = ["id", "name", "work_count", "household_rating"]
        read_only_fields = fields


class CircleSerializer(NamedSerializer):
    class Meta(NamedSerializer.Meta):
        model = Circle


class TagSerializer(NamedSerializer):
    class Meta(NamedSerializer.Meta):
        model = Tag


class VoiceActorSerializer(NamedSerializer):
    class Meta(NamedSerializer.Meta):
        model = VoiceActor


class CueSerializer(serializers.Serializer):
    start = serializers.FloatField()
    end = serializers.FloatField(allow_null=True)
    text = serializers.CharField()


class ScanSerializer(serializers.ModelSerializer):
    percent = serializers.IntegerField(read_only=True)

    class Meta:
        model = Scan
        fields = ["id", "status", "dry_run", "folders_total", "folders_done", "percent", "added", "changed",
                  "unchanged", "missing", "restored", "errors", "message", "started_at", "finished_at"]  # fmt: skip
        read_only_fields = [field for field in fields if field != "dry_run"]
