"""Shapes of the library API."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from rest_framework import serializers

from library import streaming
from library.models import Review, Track, Work


class TrackSerializer(serializers.ModelSerializer):
    stream_url = serializers.SerializerMethodField(help_text="A signed link (6 hours) any player can open.")

    class Meta:
        model = Track
        fields = ["id", "path", "title", "duration_seconds", "mime_type", "size", "lyrics", "stream_url"]
        read_only_fields = fields

    def get_stream_url(self, track: Track) -> str:
        return reverse("library:track-signed", args=[streaming.signed_token(track)])


class WorkSerializer(serializers.ModelSerializer):
    circle = serializers.CharField(source="circle.name", read_only=True)
    tags = serializers.SerializerMethodField()
    vas = serializers.SerializerMethodField()

    class Meta:
        model = Work
        fields = ["id", "code", "title", "circle", "nsfw", "release", "dl_count", "price", "review_count",
                  "rate_count", "rate_average_2dp", "tags", "vas", "available"]  # fmt: skip
        read_only_fields = fields

    def get_tags(self, work: Work) -> list[str]:
        return [tag.name for tag in work.tags.all()]

    def get_vas(self, work: Work) -> list[str]:
        return [va.name for va in work.vas.all()]


class WorkDetailSerializer(WorkSerializer):
    tracks = TrackSerializer(many=True, read_only=True)
    my_review = serializers.SerializerMethodField()

    class Meta(WorkSerializer.Meta):
        fields = [*WorkSerializer.Meta.fields, "rate_count_detail", "rank", "tracks", "my_review"]
        read_only_fields = fields

    def get_my_review(self, work: Work) -> dict[str, Any] | None:
        mine = [review for review in work.reviews.all() if review.user_id == self.context["request"].user.pk]
        return ReviewSerializer(mine[0]).data if mine else None


class ReviewSerializer(serializers.ModelSerializer):
    class Meta:
        model = Review
        fields = ["rating", "review_text", "progress", "created_at", "updated_at"]
        read_only_fields = ["created_at", "updated_at"]
