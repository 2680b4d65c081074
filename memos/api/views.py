"""Memos API: memos with filters, revisions with restore, trash, tags, keyword search and diaries."""

from __future__ import annotations

from datetime import date
from typing import cast

import django_filters
from django.db.models import QuerySet
from django.http import FileResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, generics, mixins, pagination, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import User
from accounts.principals import signed_in
from memos.api import serializers
from memos.diaries import services as diary_services
from memos.files import services as file_services
from memos.files.downloads import resource_response
from memos.models import Diary, Memo, MemoPreference, MemoRevision, Resource
from memos.notes import diff, selectors, services
from memos.querysets import MemoQuerySet
from memos.search import keyword, semantic
from quillium_site.api.parsers import JSONParser
from quillium_site.api.views import ScopedRows


class MemoCursor(pagination.CursorPagination):
    ordering = "-created_at"
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


class MemoFilter(django_filters.FilterSet):
    """`?tag=`, `?archived=`, `?deleted=` (the trash), `?created_after=`/`?created_before=` (dates), `?text=`."""

    tag = django_filters.CharFilter(method="filter_tag")
    archived = django_filters.BooleanFilter(field_name="is_archived")
    deleted = django_filters.BooleanFilter(field_name="is_deleted")
    pinned = django_filters.BooleanFilter()
    created_after = django_filters.DateFilter(field_name="created_at", lookup_expr="date__gte")
    created_before = django_filters.DateFilter(field_name="created_at", lookup_expr="date__lte")
    text = django_filters.CharFilter(field_name="content", lookup_expr="icontains")

    class Meta:
        model = Memo
        fields: list[str] = []

    def filter_tag(self, queryset: QuerySet[Memo], name: str, value: str) -> QuerySet[Memo]:
        return cast(MemoQuerySet, queryset).tagged(value)


class MemoViewSet(
    ScopedRows, mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.DestroyModelMixin, viewsets.GenericViewSet
):
    """The user's memos, newest first. The trash (`?deleted=true`) and the archive (`?archived=true`) are
    left out unless asked for. DELETE moves a memo to the trash; `purge` deletes it for good."""

    model = Memo
    serializer_class = serializers.MemoSerializer
    pagination_class = MemoCursor
    filterset_class = MemoFilter

    def rows_for(self, user: User) -> QuerySet[Memo]:
        memos = Memo.objects.visible_to(user)
        if self.action == "list":
            params = self.request.query_params
            if "deleted" not in params:
                memos = memos.filter(is_deleted=False)
            if "archived" not in params and "deleted" not in params:
                memos = memos.filter(is_archived=False)
        return memos

    def handle_exception(self, exc: Exception) -> Response:
        response = super().handle_exception(exc)
        if isinstance(exc, services.StaleRevision):  # the 409 carries what the memo says now
            response.data["current"] = serializers.MemoSerializer(exc.memo).data
        return response

    @extend_schema(request=serializers.MemoCreateInput, responses={201: serializers.MemoSerializer})
    def create(self, request: Request) -> Response:
        data = serializers.MemoCreateInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        memo = services.memo_create(
            owner=signed_in(request),
            content=values["content"],
            tags_given=values["tags"],
            pinned=values["pinned"],
            diary_date=values["diary_date"],
            visibility=values["visibility"],
        )
        return Response(serializers.MemoSerializer(memo).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=serializers.MemoUpdateInput,
        responses={200: serializers.MemoSerializer, 409: OpenApiResponse(description=gettext_lazy("Stale revision."))},
    )
    def partial_update(self, request: Request, pk: str | None = None) -> Response:
        """Edit; send `revision` (the revision_count you edited). A stale one gets 409 with the current memo."""
        memo = self.get_object()
        data = serializers.MemoUpdateInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        memo = services.memo_update(
            memo,
            user=signed_in(request),
            base_revision=values.pop("revision", None),
            content=values.pop("content", None),
            tags_given=values.pop("tags", None),
            **values,
        )
        return Response(serializers.MemoSerializer(memo).data)

    def perform_destroy(self, instance: Memo) -> None:
        services.memo_trash(instance, user=signed_in(self.request))

    @extend_schema(request=None, responses=serializers.MemoSerializer)
    @action(detail=True, methods=["post"])
    def restore(self, request: Request, pk: str | None = None) -> Response:
        """Take the memo out of the trash."""
        return Response(
            serializers.MemoSerializer(services.memo_restore(self.get_object(), user=signed_in(request))).data
        )

    @extend_schema(
        request=serializers.TaskToggleInput,
        responses={200: serializers.MemoSerializer, 409: OpenApiResponse(description=gettext_lazy("Stale revision."))},
    )
    @action(detail=True, methods=["post"], url_path=r"tasks/(?P<index>[0-9]{1,4})/toggle", url_name="task-toggle")
    def task_toggle(self, request: Request, pk: str | None = None, index: str = "0") -> Response:
        """Tick or untick task `index` (from 0, in the order of the text): a new revision like any edit."""
        data = serializers.TaskToggleInput(data=request.data)
        data.is_valid(raise_exception=True)
        memo = services.memo_task_toggle(
            self.get_object(), user=signed_in(request), index=int(index), base_revision=data.validated_data["revision"]
        )
        return Response(serializers.MemoSerializer(memo).data)

    @extend_schema(request=None, responses={204: OpenApiResponse(description=gettext_lazy("Deleted for good."))})
    @action(detail=True, methods=["post"])
    def purge(self, request: Request, pk: str | None = None) -> Response:
        """Delete a memo in the trash for good, with its history."""
        services.memo_purge(self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)


class RevisionViewSet(ScopedRows, viewsets.ReadOnlyModelViewSet):
    """A memo's history, newest first; a revision shows its diff to the current text and can be restored."""

    model = MemoRevision
    lookup_field = "revision_number"
    lookup_value_regex = r"\d+"

    def memo(self) -> Memo:
        return get_object_or_404(Memo.objects.visible_to(signed_in(self.request)), pk=self.kwargs["memo_pk"])

    def rows_for(self, user: User) -> QuerySet[MemoRevision]:
        return self.memo().revisions.order_by("-revision_number")

    def get_serializer_class(self) -> type:
        return serializers.RevisionDetailSerializer if self.action == "retrieve" else serializers.RevisionSerializer

    def retrieve(self, request: Request, *args: object, **kwargs: object) -> Response:
        revision = self.get_object()
        current = revision.memo
        revision.diff = diff.unified(
            revision.content,
            current.content,
            old_name=f"revision {revision.revision_number}",
            new_name=f"current (revision {current.revision_count})",
        )
        return Response(serializers.RevisionDetailSerializer(revision).data)

    @extend_schema(request=None, responses=serializers.MemoSerializer)
    @action(detail=True, methods=["post"])
    def restore(self, request: Request, *args: object, **kwargs: object) -> Response:
        """Make this revision's text and tags current again, as a new revision."""
        memo = services.revision_restore(self.get_object(), user=signed_in(request))
        return Response(serializers.MemoSerializer(memo).data)


class ExploreView(ScopedRows, generics.ListAPIView):
    """Everyone's household and public memos, newest first (`?tag=`): what the Explore page shows. Read-only; the
    memos stay their writers'."""

    serializer_class = serializers.SharedMemoSerializer
    pagination_class = MemoCursor

    @extend_schema(parameters=[OpenApiParameter("tag", str, description=gettext_lazy("Only memos with this tag."))])
    def get(self, request: Request, *args: object, **kwargs: object) -> Response:
        return super().get(request, *args, **kwargs)

    model = Memo

    def rows_for(self, user: User) -> QuerySet[Memo]:
        memos = Memo.objects.shared().select_related("owner")
        tag = self.request.query_params.get("tag", "").strip()
        return memos.tagged(tag) if tag else memos


class TagsView(APIView):
    """The user's tags with how many memos (not in the trash) carry each, most used first."""

    @extend_schema(responses=serializers.TagCountSerializer(many=True))
    def get(self, request: Request) -> Response:
        rows = selectors.tag_counts(signed_in(request))
        return Response({"count": len(rows), "next": None, "previous": None, "results": rows})


class SearchView(APIView):
    """Search the user's memos. `mode=keyword` (default): full-text and substring, ranked and highlighted."""

    @extend_schema(
        parameters=[
            OpenApiParameter("q", str, required=True),
            OpenApiParameter("mode", str, enum=["keyword", "semantic", "hybrid"]),
            OpenApiParameter("tag", str),
            OpenApiParameter("start", date),
            OpenApiParameter("end", date),
            OpenApiParameter("archived", bool),
            OpenApiParameter("limit", int, description=gettext_lazy("At most 100; default 50.")),
        ],
        responses=serializers.SearchHitSerializer(many=True),
    )
    def get(self, request: Request) -> Response:
        params = serializers.SearchInput(data=request.query_params)
        params.is_valid(raise_exception=True)
        values = params.validated_data
        if values["mode"] in {"semantic", "hybrid"}:
            find = semantic.semantic_search if values["mode"] == "semantic" else keyword.hybrid_search
            hits = find(signed_in(request), values["q"], limit=values["limit"])
            results = serializers.SearchHitSerializer(hits, many=True).data
            return Response({"count": len(results), "next": None, "previous": None, "results": results})
        hits = keyword.keyword_search(
            signed_in(request),
            values["q"],
            tag=values.get("tag"),
            start=values.get("start"),
            end=values.get("end"),
            archived=values.get("archived"),
            limit=values["limit"],
        )
        results = serializers.SearchHitSerializer(hits, many=True).data
        return Response({"count": len(results), "next": None, "previous": None, "results": results})


class DiaryViewSet(ScopedRows, viewsets.GenericViewSet, mixins.ListModelMixin):
    """Diaries by date (`YYYY-MM-DD`): list (`?start=`/`?end=`), read, write by hand (PUT), delete."""

    model = Diary
    serializer_class = serializers.DiarySerializer
    lookup_field = "date"
    lookup_value_regex = r"\d{4}-\d{2}-\d{2}"

    def rows_for(self, user: User) -> QuerySet[Diary]:
        diaries = Diary.objects.visible_to(user).filter(is_deleted=False)
        dates = serializers.DateRangeInput(data=self.request.query_params)
        dates.is_valid(raise_exception=True)
        if dates.validated_data.get("start"):
            diaries = diaries.filter(date__gte=dates.validated_data["start"])
        if dates.validated_data.get("end"):
            diaries = diaries.filter(date__lte=dates.validated_data["end"])
        return diaries

    def day(self) -> date:
        try:
            return date.fromisoformat(self.kwargs["date"])
        except ValueError:
            raise exceptions.NotFound(_("No such date.")) from None

    def retrieve(self, request: Request, date: str) -> Response:
        diary = get_object_or_404(self.get_queryset(), date=self.day())
        return Response(self.get_serializer(diary).data)

    @extend_schema(request=serializers.DiarySerializer, responses=serializers.DiarySerializer)
    def update(self, request: Request, date: str) -> Response:
        data = serializers.DiarySerializer(data=request.data)
        data.is_valid(raise_exception=True)
        diary = diary_services.diary_write(owner=signed_in(request), day=self.day(), **data.validated_data)
        return Response(serializers.DiarySerializer(diary).data)

    def destroy(self, request: Request, date: str) -> Response:
        diary_services.diary_delete(get_object_or_404(self.get_queryset(), date=self.day()))
        return Response(status=status.HTTP_204_NO_CONTENT)


class ResourceViewSet(
    ScopedRows, mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.DestroyModelMixin, viewsets.GenericViewSet
):
    """The user's attachments: upload (multipart `file`, optional `memo`), download, a signed link to share,
    delete for good. `?memo=` lists one memo's."""

    model = Resource
    serializer_class = serializers.ResourceSerializer
    parser_classes = [MultiPartParser, FormParser, JSONParser]
    filterset_fields = ["memo"]

    def rows_for(self, user: User) -> QuerySet[Resource]:
        return Resource.objects.filter(owner=user, is_deleted=False)

    @extend_schema(
        request={"multipart/form-data": serializers.ResourceUploadInput},
        responses={201: serializers.ResourceSerializer},
    )
    def create(self, request: Request) -> Response:
        data = serializers.ResourceUploadInput(data=request.data)
        data.is_valid(raise_exception=True)
        memo_id = data.validated_data.get("memo")
        memo = get_object_or_404(Memo.objects.visible_to(signed_in(request)), pk=memo_id) if memo_id else None
        resource = file_services.resource_upload(
            owner=signed_in(request), upload=data.validated_data["file"], memo=memo
        )
        return Response(serializers.ResourceSerializer(resource).data, status=status.HTTP_201_CREATED)

    def perform_destroy(self, instance: Resource) -> None:
        file_services.resource_delete(instance)

    @extend_schema(responses={200: OpenApiResponse(description=gettext_lazy("The file."))})
    @action(detail=True, methods=["get"])
    def download(self, request: Request, pk: str | None = None) -> FileResponse:
        return resource_response(self.get_object())

    @extend_schema(responses=serializers.ResourceLinkOutput)
    @action(detail=True, methods=["get"])
    def link(self, request: Request, pk: str | None = None) -> Response:
        """A URL that downloads the file without signing in, for an hour."""
        token = file_services.resource_signed_token(self.get_object())
        url = request.build_absolute_uri(reverse("memos:signed-file", args=[token]))
        return Response({"url": url, "expires_in": file_services.LINK_SECONDS})


class MemoSettingsView(APIView):
    """Your choices about your notes: `revision_summaries` (a one-line AI summary of each edit, in the history)."""

    @extend_schema(responses=serializers.MemoPreferenceSerializer)
    def get(self, request: Request) -> Response:
        user = signed_in(request)
        preference = MemoPreference.objects.filter(user=user).first() or MemoPreference(user=user)
        return Response(serializers.MemoPreferenceSerializer(preference).data)

    @extend_schema(request=serializers.MemoPreferenceSerializer, responses=serializers.MemoPreferenceSerializer)
    def put(self, request: Request) -> Response:
        given = serializers.MemoPreferenceSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        preference = services.memo_preference_set(signed_in(request), **given.validated_data)
        return Response(serializers.MemoPreferenceSerializer(preference).data)
