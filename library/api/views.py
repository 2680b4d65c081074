"""The library API: works (filter, sort, search), one work with its tracks and signed stream links, and the
user's own review and progress."""

from __future__ import annotations

import django_filters
from django.db.models import Prefetch, QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import filters, mixins, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.principals import signed_in
from library import services
from library.api import serializers
from library.models import Review, Track, Work


class WorkFilter(django_filters.FilterSet):
    circle = django_filters.CharFilter(field_name="circle__name")
    tag = django_filters.CharFilter(field_name="tags__name")
    va = django_filters.CharFilter(field_name="vas__name")
    min_rating = django_filters.NumberFilter(field_name="rate_average_2dp", lookup_expr="gte")
    progress = django_filters.ChoiceFilter(
        choices=Review.Progress.choices, method="filter_progress", help_text="Works in your library at this stage."
    )

    class Meta:
        model = Work
        fields = ["nsfw", "available"]

    def filter_progress(self, queryset: QuerySet[Work], name: str, value: str) -> QuerySet[Work]:
        return queryset.filter(reviews__user=self.request.user, reviews__progress=value)


class WorkViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Works of the household library. `?circle=`, `?tag=`, `?va=`, `?min_rating=`, `?progress=`, `?nsfw=`,
    `?search=` (code or title); `?ordering=` release, dl_count, price, rate_average_2dp, review_count (- for
    descending). `{id}/review/` reads or (PUT) writes your rating, review and progress."""

    lookup_value_regex = r"\d+"
    filterset_class = WorkFilter
    filter_backends = [django_filters.rest_framework.DjangoFilterBackend, filters.SearchFilter, filters.OrderingFilter]
    search_fields = ["code", "title"]
    ordering_fields = ["release", "dl_count", "price", "rate_average_2dp", "review_count"]
    ordering = ["-release", "code"]

    def get_queryset(self) -> QuerySet[Work]:
        works = Work.objects.select_related("circle").prefetch_related("tags", "vas")
        if self.action == "retrieve":
            works = works.prefetch_related(Prefetch("tracks", Track.objects.select_related("work__root")), "reviews")
        return (
            works.distinct() if self.request.query_params.get("tag") or self.request.query_params.get("va") else works
        )

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
