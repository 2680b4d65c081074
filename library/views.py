"""Library pages and audio. Thin: selectors read, services write, streaming sends bytes."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accounts.decorators import staff_required, writer_required
from accounts.principals import signed_in
from library import selectors, services, streaming
from library.filters import SORT_LABELS, WorkFilter
from library.forms import ListenerSettingsForm, ReviewForm, ScanForm
from library.models import Circle, Review, Tag, Track, VoiceActor, Work

PAGE_SIZE = 48
KINDS: dict[str, tuple[type[Circle | Tag | VoiceActor], str, str | Promise, str]] = {
    # kind in the URL: (model, the works filter it sets, heading, the URL converter of its ids)
    "circles": (Circle, "circle", gettext_lazy("Circles"), "int"),
    "tags": (Tag, "tag", gettext_lazy("Tags"), "int"),
    "vas": (VoiceActor, "va", gettext_lazy("Voice actors"), "uuid"),
}


def _grid(
    request: HttpRequest, *, heading: str | Promise, fixed: dict[str, str] | None = None, **extra: Any
) -> HttpResponse:
    """The works grid, filtered by the query string (and by what the page is about: a circle, tag or VA)."""
    user = signed_in(request)
    data = request.GET.copy()
    data.setdefault("ordering", "-release")
    for key, value in (fixed or {}).items():
        data[key] = value
    works = selectors.works_for_grid(selectors.works_visible_to(user), user).prefetch_related("tags")
    chosen = WorkFilter(data, queryset=works.order_by("-release", "code"), request=request)
    results = chosen.qs if chosen.is_valid() else works.none()
    page = Paginator(results, PAGE_SIZE).get_page(request.GET.get("page"))
    keep = request.GET.copy()
    keep.pop("page", None)
    context = {
        "heading": heading, "filter": chosen, "page": page, "params": keep.urlencode() + "&" if keep else "",
        "sorts": SORT_LABELS, "sort": data["ordering"], "fixed": fixed or {},
        "progress_choices": Review.Progress.choices, **extra,
    }  # fmt: skip
    return render(request, "library/grid.html", context, status=200 if chosen.is_valid() else 400)


@login_required
def browse(request: HttpRequest) -> HttpResponse:
    return _grid(request, heading=_("Library"))


@login_required
def names(request: HttpRequest, kind: str) -> HttpResponse:
    """Every circle, tag or voice actor with how many works and the household's average rating."""
    if kind not in KINDS:
        raise Http404
    model, _field, heading, _converter = KINDS[kind]
    rows = selectors.named_with_counts(model, signed_in(request)).order_by("name")
    page = Paginator(rows, 120).get_page(request.GET.get("page"))
    return render(request, "library/names.html", {"kind": kind, "heading": heading, "page": page, "params": ""})


@login_required
def named(request: HttpRequest, kind: str, pk: Any) -> HttpResponse:
    """One circle, tag or voice actor: its works, with the household's ratings."""
    if kind not in KINDS:
        raise Http404
    model, field, heading, _converter = KINDS[kind]
    item = get_object_or_404(model, pk=pk)
    return _grid(request, heading=str(item), fixed={field: str(item)}, kind=heading, kind_slug=kind)


def _work(request: HttpRequest, pk: int) -> Work:
    return get_object_or_404(selectors.works_visible_to(signed_in(request)).select_related("circle", "root"), pk=pk)


@login_required
def work_detail(request: HttpRequest, pk: int, form: ReviewForm | None = None, status: int = 200) -> HttpResponse:
    work = _work(request, pk)
    context = selectors.work_page(work, signed_in(request))
    form = form or ReviewForm(instance=context["my_review"])
    return render(request, "library/work.html", {"work": work, "form": form, **context}, status=status)


@login_required
def cover(request: HttpRequest, pk: int) -> HttpResponseBase:
    work = _work(request, pk)
    if not work.cover:
        raise Http404(_("This work has no cover."))
    return streaming.cover(work)


@writer_required
@require_POST
def review(request: HttpRequest, pk: int) -> HttpResponse:
    work = _work(request, pk)
    form = ReviewForm(request.POST)
    if not form.is_valid():
        return work_detail(request, pk, form=form, status=400)
    services.review_save(user=signed_in(request), work=work, **form.cleaned_data)
    messages.success(request, _("Your review is saved."))
    return redirect("library:work", pk=work.pk)


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    return render(request, "library/mine.html", {"groups": selectors.my_library(signed_in(request))})


@writer_required
@require_POST
def listener_settings(request: HttpRequest) -> HttpResponse:
    form = ListenerSettingsForm(request.POST)
    form.is_valid()  # a lone checkbox is always valid
    services.listener_settings_set(signed_in(request), show_nsfw=form.cleaned_data.get("show_nsfw", False))
    messages.success(request, _("Library settings saved."))
    return redirect("accounts:settings")


@staff_required
def scans(request: HttpRequest) -> HttpResponse:
    """Staff: start a scan in the worker and watch its progress; the last scans and what they found."""
    form = ScanForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.scan_request(user=signed_in(request), dry_run=form.cleaned_data["dry_run"])
        except services.ScanAlreadyQueued as busy:
            messages.error(request, str(busy))
        else:
            messages.success(request, _("Scan queued; the worker runs it and this page follows along."))
        return redirect("library:scans")
    return render(request, "library/scans.html", {"form": form, "scans": selectors.latest_scans()})


@login_required
def track_stream(request: HttpRequest, pk: int) -> HttpResponseBase:
    """A track for the household (signed in), with Range for seeking."""
    visible = selectors.works_visible_to(signed_in(request)).filter(available=True)
    track = get_object_or_404(Track.objects.select_related("work__root"), pk=pk, work__in=visible)
    return streaming.respond(request, track)


def track_signed(request: HttpRequest, token: str) -> HttpResponseBase:
    """A track through a signed link (for players that can't send the session cookie); expires in 6 hours."""
    track = streaming.track_from_token(token)
    if track is None:
        raise Http404(_("This link is invalid or has expired."))
    return streaming.respond(request, track)
