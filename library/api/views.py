"""The library API: works (filter, sort, search), one work with its tracks and signed stream links, your review and
where you left off, the household's ratings; circles, tags and voice actors; timed lyrics; scans for staff."""

from __future__ import annotations

from typing import Any, cast

from django.core.exceptions import ValidationError
from django.db.models import Prefetch, QuerySet
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema
from rest_framework import filters, mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError as BadRequest
from rest_framework.permissions import IsAdminUser
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.models import User
from accounts.principals import signed_in
from library import lyrics, selectors, services, streaming
from library.api import serializers
from library.filters import WorkFilter
from library.models import Circle, Playback, Review, Scan, Tag, Track, VoiceActor, Work
from quillium_site.api.views import ScopedRows


class WorkViewSet(ScopedRows, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Works of the household library (nsfw ones only for people who chose to see them). Filters: `circle`, `tag`,
    `va`, `min_rating`, `release_after`, `release_before`, `progress` (yours), `nsfw`, `available`, `search` (code
    or title); `ordering`: release, dl_count, price, rate_average_2dp, review_count (- for descending).
    `{id}/review/` and `{id}/playback/` read or (PUT) write yours; `{id}/household/` shows everyone's."""

    model = Work
    lookup_value_regex = r"\d+"
    filterset_class = WorkFilter
    filter_backends = [DjangoFilterBackend]

    def rows_for(self, user: User) -> QuerySet[Work]:
        works = selectors.works_visible_to(user)
        if self.action in ("list", "retrieve"):
            works = selectors.works_for_grid(works, user).prefetch_related("tags", "vas")
        if self.action == "retrieve":
            works = works.prefetch_related(
                Prefetch("tracks", Track.objects.select_related("work__root")), "reviews", "playbacks"
            )
        return works.order_by("-release", "code")

    def get_serializer_class(self) -> type:
        return serializers.WorkDetailSerializer if self.action == "retrieve" else serializers.WorkSerializer

    @extend_schema(request=serializers.ReviewSerializer, responses=serializers.ReviewSerializer)
    @action(detail=True, methods=["get", "put"])
    def review(self, request: Request, pk: str | None = None) -> Response:
        work = self.get_object()
        user = signed_in(request)
        if request.method == "GET":
            review = Review.objects.filter(user=user, work=work).first() or Review(user=user, work=work)
            return Response(serializers.ReviewSerializer(review).data)
        given = serializers.ReviewSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        review = services.review_save(user=user, work=work, **given.validated_data)
        return Response(serializers.ReviewSerializer(review).data)

    @extend_schema(request=serializers.PlaybackSerializer, responses=serializers.PlaybackSerializer)
    @action(detail=True, methods=["get", "put"])
    def playback(self, request: Request, pk: str | None = None) -> Response:
        """Where you left off in this work (the track and second); players PUT it as they go."""
        work = self.get_object()
        user = signed_in(request)
        if request.method == "GET":
            playback = Playback.objects.filter(user=user, work=work).first() or Playback(user=user, work=work)
            return Response(serializers.PlaybackSerializer(playback).data)
        given = serializers.PlaybackSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        try:
            playback = services.playback_save(user=user, work=work, track=given.validated_data["track"],
                                              position_seconds=given.validated_data["position_seconds"])  # fmt: skip
        except ValidationError as error:
            raise BadRequest({"track": error.messages}) from None
        return Response(serializers.PlaybackSerializer(playback).data)

    @extend_schema(responses=serializers.HouseholdSerializer(many=True))
    @action(detail=True, methods=["get"])
    def household(self, request: Request, pk: str | None = None) -> Response:
        """Who in the household listened to this work, and what they rated and wrote."""
        return Response(serializers.HouseholdSerializer(selectors.household(self.get_object()), many=True).data)


class _NamedViewSet(ScopedRows, viewsets.ReadOnlyModelViewSet):
    """Names with how many works (you can see) carry them, and the household's average rating of those works."""

    filter_backends = [filters.SearchFilter, filters.OrderingFilter]
    search_fields = ["name"]
    ordering_fields = ["name", "work_count", "household_rating"]
    ordering = ["name"]

    def rows_for(self, user: User) -> QuerySet[Any]:
        return selectors.named_with_counts(cast(type[Circle | Tag | VoiceActor], self.model), user)


class CircleViewSet(_NamedViewSet):
    """Circles (the makers of works). `?search=`, `?ordering=` name, work_count, household_rating."""

    model = Circle
    serializer_class = serializers.CircleSerializer
    lookup_value_regex = r"\d+"


class TagViewSet(_NamedViewSet):
    """Tags of works. `?search=`, `?ordering=` name, work_count, household_rating."""

    model = Tag
    serializer_class = serializers.TagSerializer
    lookup_value_regex = r"\d+"


class VoiceActorViewSet(_NamedViewSet):
    """Voice actors; the id is the UUID v5 of the name, as on every kikoeru server."""

    model = VoiceActor
    serializer_class = serializers.VoiceActorSerializer
    lookup_value_regex = r"[0-9a-fA-F-]{36}"


class TrackViewSet(ScopedRows, viewsets.GenericViewSet):
    """A track's timed lyrics (`.lrc`, `.vtt` or `.srt` beside it) as cues with start and end seconds."""

    model = Track
    lookup_value_regex = r"\d+"
    serializer_class = serializers.CueSerializer

    def rows_for(self, user: User) -> QuerySet[Track]:
        visible = selectors.works_visible_to(user).filter(available=True)
        return Track.objects.filter(work__in=visible).select_related("work__root")

    @extend_schema(responses=serializers.CueSerializer(many=True))
    @action(detail=True, methods=["get"])
    def lyrics(self, request: Request, pk: str | None = None) -> Response:
        track = self.get_object()
        if not track.lyrics:
            return Response([])
        cues = lyrics.read_cues(streaming.work_file(track.work, track.lyrics))
        return Response(serializers.CueSerializer(cues, many=True).data)


class ScanViewSet(mixins.CreateModelMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Library scans (staff): POST starts one in the worker (`dry_run` only reports); GET follows its progress."""

    permission_classes = [IsAdminUser]
    serializer_class = serializers.ScanSerializer
    queryset = Scan.objects.all()
    lookup_value_regex = r"\d+"

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        given = self.get_serializer(data=request.data)
        given.is_valid(raise_exception=True)
        record = services.scan_request(user=signed_in(request), dry_run=given.validated_data.get("dry_run", False))
        return Response(self.get_serializer(record).data, status=status.HTTP_202_ACCEPTED)
