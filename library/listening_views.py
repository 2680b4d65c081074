"""Playlists, favourites and bookmarks on the pages. Thin: selectors read, services write."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.decorators import writer_required
from accounts.principals import signed_in
from library import selectors, services
from library.forms import PlaylistForm
from library.models import Bookmark, Playlist, Track
from quillium_site.navigation import posted_next


def _own(request: HttpRequest, pk: int) -> Playlist:
    return get_object_or_404(Playlist.objects.filter(owner=signed_in(request)), pk=pk)


@login_required
def playlists(request: HttpRequest) -> HttpResponse:
    """The person's playlists; POST makes a new one."""
    user = signed_in(request)
    form = PlaylistForm()
    status = 200
    if request.method == "POST" and not user.is_guest:
        form = PlaylistForm(request.POST)
        if form.is_valid():
            try:
                playlist = services.playlist_create(owner=user, **form.cleaned_data)
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                return redirect(playlist)
        status = 400
    return render(
        request, "library/playlists.html", {"playlists": selectors.playlists_of(user), "form": form}, status=status
    )


@login_required
def playlist(request: HttpRequest, pk: int) -> HttpResponse:
    """One playlist: its tracks in order, the player over them; POST renames it or changes its description."""
    chosen = _own(request, pk)
    form = PlaylistForm(initial={"name": chosen.name, "description": chosen.description})
    status = 200
    if request.method == "POST":
        form = PlaylistForm(request.POST)
        if form.is_valid():
            try:
                services.playlist_update(chosen, **form.cleaned_data)
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("Playlist saved."))
                return redirect(chosen)
        status = 400
        chosen.refresh_from_db()
    items = selectors.playlist_items(chosen)
    player = {"queue": selectors.playlist_queue(items), "readOnly": signed_in(request).is_guest, "resume": None}
    context = {"playlist": chosen, "items": items, "form": form, "player": player}
    return render(request, "library/playlist.html", context, status=status)


@writer_required
def playlist_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """GET asks; POST deletes the playlist (its tracks stay in the library)."""
    chosen = _own(request, pk)
    if request.method == "POST":
        services.playlist_delete(chosen)
        messages.success(request, _("Deleted the playlist “%(name)s”.") % {"name": chosen.name})
        return redirect("library:playlists")
    return render(request, "library/playlist_delete.html", {"playlist": chosen, "count": chosen.items.count()})


@writer_required
@require_POST
def playlist_add(request: HttpRequest) -> HttpResponse:
    """Add the checked tracks to a playlist, or to a new one named in the same form."""
    user = signed_in(request)
    back = posted_next(request, reverse("library:playlists"))
    ids = [value for value in request.POST.getlist("tracks") if value.isdigit()]
    tracks_by_id = {t.pk: t for t in Track.objects.filter(pk__in=ids)}
    tracks = [tracks_by_id[int(value)] for value in ids if int(value) in tracks_by_id]
    if not tracks:
        messages.error(request, _("Tick the tracks to add first."))
        return redirect(back)
    try:
        new_name = request.POST.get("new_name", "").strip()
        if new_name:
            chosen = services.playlist_create(owner=user, name=new_name)
        else:
            chosen = _own(request, int(request.POST.get("playlist", "0") or 0))
        services.playlist_add(chosen, tracks)
    except (ValidationError, ValueError) as exc:
        messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
        return redirect(back)
    messages.success(request, _("Added to “%(name)s”.") % {"name": chosen.name})
    return redirect(back)


@writer_required
@require_POST
def playlist_item(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    """Move an item (`position`) or take it out (`remove`)."""
    chosen = _own(request, pk)
    item = get_object_or_404(chosen.items, pk=item_pk)
    if request.POST.get("remove"):
        services.playlist_remove(item)
    elif request.POST.get("position", "").isdigit():
        services.playlist_move(item, int(request.POST["position"]))
    return redirect(f"{chosen.get_absolute_url()}#item-{item_pk}")


@writer_required
@require_POST
def favourite(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark or unmark a work as a favourite (`on` = 1 or 0)."""
    work = get_object_or_404(selectors.works_visible_to(signed_in(request)), pk=pk)
    on = services.favourite_set(user=signed_in(request), work=work, on=request.POST.get("on") == "1")
    messages.success(request, _("Added to your favourites.") if on else _("Taken out of your favourites."))
    return redirect("library:work", pk=work.pk)


@writer_required
@require_POST
def bookmark_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """Forget a bookmark (they are made from the player, which knows the place)."""
    bookmark = get_object_or_404(Bookmark.objects.filter(user=signed_in(request)).select_related("track"), pk=pk)
    services.bookmark_delete(bookmark)
    messages.success(request, _("Bookmark deleted."))
    return redirect(f"{reverse('library:work', args=[bookmark.track.work_id])}#bookmarks")
