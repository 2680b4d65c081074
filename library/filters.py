"""The one way to filter and sort works, shared by the grid pages and the API."""

from __future__ import annotations

import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy

from library.models import Review, Work

SORTS = (
    ("release", "release"),
    ("dl_count", "dl_count"),
    ("price", "price"),
    ("rate_average_2dp", "rate_average_2dp"),
    ("review_count", "review_count"),
)
SORT_LABELS = {
    "-release": gettext_lazy("Newest"), "release": gettext_lazy("Oldest"), "-dl_count": gettext_lazy("Most downloaded"),
    "-rate_average_2dp": gettext_lazy("Best rated"), "-review_count": gettext_lazy("Most reviewed"),
    "price": gettext_lazy("Cheapest"), "-price": gettext_lazy("Dearest"),
}  # fmt: skip


class WorkFilter(django_filters.FilterSet):
    search = django_filters.CharFilter(
        method="filter_search", max_length=200, help_text=gettext_lazy("Words of the code or title.")
    )
    circle = django_filters.CharFilter(field_name="circle__name")
    tag = django_filters.CharFilter(field_name="tags__name", distinct=True)
    va = django_filters.CharFilter(field_name="vas__name", distinct=True, label=gettext_lazy("Voice actor"))
    min_rating = django_filters.NumberFilter(field_name="rate_average_2dp", lookup_expr="gte", min_value=0, max_value=5)
    release_after = django_filters.DateFilter(field_name="release", lookup_expr="gte")
    release_before = django_filters.DateFilter(field_name="release", lookup_expr="lte")
    progress = django_filters.ChoiceFilter(
        choices=Review.Progress.choices,
        method="filter_progress",
        help_text=gettext_lazy("Works in your library at this stage."),
    )
    ordering = django_filters.OrderingFilter(
        fields=SORTS,
        help_text=gettext_lazy(
            "release, dl_count, price, rate_average_2dp, review_count; a leading - sorts descending."
        ),
    )

    class Meta:
        model = Work
        fields = ["nsfw", "available"]

    def filter_search(self, queryset: QuerySet[Work], name: str, value: str) -> QuerySet[Work]:
        for word in value.split()[:10]:
            queryset = queryset.filter(Q(code__icontains=word) | Q(title__icontains=word))
        return queryset

    def filter_progress(self, queryset: QuerySet[Work], name: str, value: str) -> QuerySet[Work]:
        return queryset.filter(reviews__user=self.request.user, reviews__progress=value)
