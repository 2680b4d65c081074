"""What a person keeps while listening: playlists (ordered tracks from any works), favourite works and bookmarks
(a place in a track, with a note), for apps and scripts."""

from __future__ import annotations

from typing import cast

from django.core.exceptions import ValidationError
from django.db.models import Count, Prefetch, QuerySet
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer

from accounts.models import User
from accounts.principals import signed_in
from library import selectors, services
from library.api.serializers import TrackSerializer, WorkSerializer
from library.models import Bookmark, Favourite, Playlist, PlaylistItem, Track, Work
from quillium_site.api.views import ScopedRows


class PlaylistItemSerializer(serializers.ModelSerializer):
    track = TrackSerializer(read_only=True)
    work = serializers.IntegerField(source="track.work_id", read_only=True)
    work_title = serializers.CharField(source="track.work.title", read_only=True)

    class Meta:
        model = PlaylistItem
        fields = ["id", "position", "track", "work", "work_title", "added_at"]
        read_only_fields = fields


class PlaylistSerializer(serializers.ModelSerializer):
    track_count = serializers.IntegerField(read_only=True)
    items = PlaylistItemSerializer(many=True, read_only=True, help_text=gettext_lazy("In order; on one playlist only."))

    class Meta:
        model = Playlist
        fields = ["id", "name", "description", "track_count", "items", "created_at", "updated_at"]
        read_only_fields = ["id", "track_count", "items", "created_at", "updated_at"]


class PlaylistListSerializer(PlaylistSerializer):
    class Meta(PlaylistSerializer.Meta):
        fields = ["id", "name", "description", "track_count", "created_at", "updated_at"]


class AddTracks(serializers.Serializer):
    tracks = serializers.ListField(
        child=serializers.IntegerField(min_value=1),
        min_length=1,
        max_length=500,
        help_text=gettext_lazy("Track ids, added at the end in this order."),
    )


class MoveItem(serializers.Serializer):
    position = serializers.IntegerField(min_value=1, help_text=gettext_lazy("1 is the first."))


class PlaylistViewSet(ScopedRows, viewsets.ModelViewSet):
    """Your playlists. `{id}/items/` (POST) adds tracks at the end; `{id}/items/{item}/` DELETE takes one out;
    `{id}/items/{item}/move/` (POST `position`) moves it."""

    model = Playlist
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def rows_for(self, user: User) -> QuerySet[Playlist]:
        # Meta.ordering doesn't apply to GROUP BY queries, so say it again.
        playlists = (
            Playlist.objects.filter(owner=user).annotate(track_count=Count("items")).order_by("-updated_at", "-id")
        )
        if self.action == "retrieve":
            items = PlaylistItem.objects.select_related("track__work__root")
            playlists = playlists.prefetch_related(Prefetch("items", items))
        return playlists

    def get_serializer_class(self) -> type:
        return PlaylistListSerializer if self.action == "list" else PlaylistSerializer

    def perform_create(self, serializer: BaseSerializer) -> None:
        playlist = services.playlist_create(owner=signed_in(self.request), **serializer.validated_data)
        playlist.track_count = 0  # type: ignore[attr-defined]
        serializer.instance = playlist

    def perform_update(self, serializer: BaseSerializer) -> None:
        services.playlist_update(cast(Playlist, serializer.instance), **serializer.validated_data)

    def perform_destroy(self, instance: Playlist) -> None:
        services.playlist_delete(instance)

    @extend_schema(request=AddTracks, responses={201: PlaylistItemSerializer(many=True)})
    @action(detail=True, methods=["post"])
    def items(self, request: Request, pk: str | None = None) -> Response:
        """Add tracks (of works you may see) at the end, in the order given."""
        playlist = self.get_object()
        given = AddTracks(data=request.data)
        given.is_valid(raise_exception=True)
        ids = given.validated_data["tracks"]
        found = Track.objects.select_related("work__root").in_bulk(ids)
        if len(found) != len(set(ids)):
            raise ValidationError({"tracks": _("No such track.")})
        added = services.playlist_add(playlist, [found[i] for i in ids])
        return Response(PlaylistItemSerializer(added, many=True).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={204: OpenApiResponse(description=gettext_lazy("Taken out."))})
    @action(detail=True, methods=["delete"], url_path=r"items/(?P<item_pk>[0-9]{1,18})", url_name="item")
    def item_remove(self, request: Request, pk: str | None = None, item_pk: str = "0") -> Response:
        """Take one item out; the ones after it move up."""
        services.playlist_remove(get_object_or_404(self.get_object().items, pk=int(item_pk)))
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=MoveItem, responses={200: PlaylistItemSerializer})
    @action(detail=True, methods=["post"], url_path=r"items/(?P<item_pk>[0-9]{1,18})/move", url_name="item-move")
    def item_move(self, request: Request, pk: str | None = None, item_pk: str = "0") -> Response:
        """Move an item to `position` (past the end: last)."""
        item = get_object_or_404(self.get_object().items.select_related("track__work__root"), pk=int(item_pk))
        given = MoveItem(data=request.data)
        given.is_valid(raise_exception=True)
        moved = services.playlist_move(item, given.validated_data["position"])
        moved.track = item.track
        return Response(PlaylistItemSerializer(moved).data)


class FavouriteInput(serializers.Serializer):
    work = serializers.IntegerField(min_value=1)


class FavouriteViewSet(ScopedRows, mixins.ListModelMixin, viewsets.GenericViewSet):
    """Your favourite works, newest first. POST `{"work": id}` adds one; DELETE `{work id}/` takes it out."""

    model = Work
    serializer_class = WorkSerializer
    lookup_value_regex = r"\d+"

    def rows_for(self, user: User) -> QuerySet[Work]:
        works = selectors.works_visible_to(user).filter(favourites__user=user)
        return selectors.works_for_grid(works, user).prefetch_related("tags", "vas").order_by("-favourites__created_at")

    @extend_schema(request=FavouriteInput, responses={201: WorkSerializer})
    def create(self, request: Request) -> Response:
        given = FavouriteInput(data=request.data)
        given.is_valid(raise_exception=True)
        user = signed_in(request)
        work = get_object_or_404(selectors.works_visible_to(user), pk=given.validated_data["work"])
        services.favourite_set(user=user, work=work, on=True)
        return Response(WorkSerializer(self.get_queryset().get(pk=work.pk)).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={204: OpenApiResponse(description=gettext_lazy("Not a favourite now."))})
    def destroy(self, request: Request, pk: str | None = None) -> Response:
        favourite = get_object_or_404(Favourite.objects.filter(user=signed_in(request)), work_id=pk)
        services.favourite_set(user=favourite.user, work=favourite.work, on=False)
        return Response(status=status.HTTP_204_NO_CONTENT)


class BookmarkSerializer(serializers.ModelSerializer):
    track = serializers.PrimaryKeyRelatedField(queryset=Track.objects.all())
    work = serializers.IntegerField(source="track.work_id", read_only=True)
    track_title = serializers.CharField(source="track.title", read_only=True)

    class Meta:
        model = Bookmark
        fields = ["id", "track", "work", "track_title", "position_seconds", "note", "created_at"]
        read_only_fields = ["id", "work", "track_title", "created_at"]


class BookmarkViewSet(
    ScopedRows, mixins.ListModelMixin, mixins.CreateModelMixin, mixins.DestroyModelMixin, viewsets.GenericViewSet
):
    """Your bookmarks, by track and place; `?work=` or `?track=` narrow the list. POST `track`,
    `position_seconds` and a `note`."""

    model = Bookmark
    serializer_class = BookmarkSerializer
    filterset_fields = ["track"]

    def rows_for(self, user: User) -> QuerySet[Bookmark]:
        bookmarks = Bookmark.objects.filter(user=user).select_related("track")
        work = self.request.query_params.get("work", "")
        return bookmarks.filter(track__work_id=int(work)) if work.isdigit() else bookmarks

    def perform_create(self, serializer: BaseSerializer) -> None:
        serializer.instance = services.bookmark_add(user=signed_in(self.request), **serializer.validated_data)

    def perform_destroy(self, instance: Bookmark) -> None:
        services.bookmark_delete(instance)
