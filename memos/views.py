"""Memo pages: timeline with compose, memo with history, archive, trash, search and the diary calendar."""

from __future__ import annotations

import functools
import tempfile
from datetime import date, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.http import urlencode
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.decorators import writer_required
from accounts.principals import signed_in
from memos.diaries import services as diary_services
from memos.files import services as file_services
from memos.files.downloads import resource_response
from memos.files.services import resource_from_token
from memos.forms import DiaryForm, MemoForm, SearchForm
from memos.models import Diary, Memo, Resource, Visibility
from memos.notes import diff, links, selectors, services, tags
from memos.notes.cards import cards, with_card_state
from memos.portability.archive import export_user, import_user
from memos.search import keyword, semantic
from memos.sync import changes
from quillium_site.files import transactions
from quillium_site.navigation import posted_next
from quillium_site.sections import app_sections

PAGE_SIZE = 20


def _own_memo(request: HttpRequest, pk: str) -> Memo:
    return get_object_or_404(Memo.objects.visible_to(signed_in(request)), pk=pk)


def _writes(request: HttpRequest) -> bool:
    """Whether the reader may change what they see (guests only read)."""
    return not signed_in(request).is_guest


def _back(request: HttpRequest, default: str, *, unless: str = "") -> HttpResponse:
    """Back to the page the form came from (its `next`, on this site), else `default`; `unless`: a page that is
    no place to go back to (a trashed memo's own page)."""
    target = posted_next(request, default)
    return redirect(default if unless and target.split("?")[0] == unless else target)


def _page(request: HttpRequest, memos: QuerySet[Memo]) -> Page:
    return Paginator(memos, PAGE_SIZE).get_page(request.GET.get("page"))


def compose_fields(form: MemoForm | None) -> SafeString:
    """The compose form's fields: a form sent back with errors as it is, the empty one rendered once per process
    and language (its widgets' templates were a tenth of the timeline's time)."""
    if form is not None:
        return render_to_string("memos/_compose_fields.html", {"form": form})
    return _empty_compose_fields(translation.get_language())


@functools.lru_cache(maxsize=16)
def _empty_compose_fields(language: str | None) -> SafeString:
    return render_to_string("memos/_compose_fields.html", {"form": MemoForm()})


@login_required
def timeline(request: HttpRequest, form: MemoForm | None = None, status: int = 200) -> HttpResponse:
    tag = request.GET.get("tag", "").strip()
    page = _page(request, selectors.timeline(signed_in(request), tag=tag))
    context = {
        "compose": compose_fields(form),
        "page": page,
        "cards": cards(page.object_list, editable=_writes(request)),
        "tag": tag,
        "tags": selectors.tag_counts(signed_in(request)),
        "view": "timeline",
        "pager_params": f"{urlencode({'tag': tag})}&" if tag else "",
    }
    return render(request, "memos/timeline.html", context, status=status)


@writer_required
@require_POST
def memo_new(request: HttpRequest) -> HttpResponse:
    """Write a memo with its attachments; on any problem the text stays in the form."""
    form = MemoForm(request.POST, request.FILES)
    if not form.is_valid():
        return timeline(request, form, status=400)
    try:
        with transactions.atomic_with_files():
            memo = services.memo_create(
                owner=signed_in(request),
                content=form.cleaned_data["content"],
                tags_given=form.cleaned_data["tags"],
                visibility=form.cleaned_data["visibility"] or Visibility.PRIVATE,
            )
            for upload in form.cleaned_data["files"]:
                file_services.resource_upload(owner=signed_in(request), upload=upload, memo=memo)
    except ValidationError as exc:
        form.add_error(None, exc.messages)
        return timeline(request, form, status=400)
    messages.success(request, _("Memo saved."))
    return redirect("memos:timeline")


@login_required
def archive(request: HttpRequest) -> HttpResponse:
    page = _page(request, selectors.archive(signed_in(request)))
    return render(
        request,
        "memos/list.html",
        {"page": page, "cards": cards(page.object_list, editable=_writes(request)), "view": "archive"},
    )


@login_required
def trash(request: HttpRequest) -> HttpResponse:
    page = _page(request, selectors.trash(signed_in(request)))
    return render(request, "memos/list.html", {"page": page, "cards": cards(page.object_list), "view": "trash"})


@login_required
def memo_detail(request: HttpRequest, pk: str, form: MemoForm | None = None, status: int = 200) -> HttpResponse:
    """The owner's memo page (editor, history, bots), or someone else's shared memo, read-only."""
    memo = get_object_or_404(Memo.objects.readable_by(signed_in(request)).select_related("owner"), pk=pk)
    linked_from = (
        Memo.objects.readable_by(signed_in(request)).filter(links_out__target=memo).order_by("-created_at")[:50]
    )
    if memo.owner_id != signed_in(request).pk:
        files = memo.resources.filter(is_deleted=False)
        context = {"memo": memo, "files": files, "view": "explore", "linked_from": linked_from}
        return render(request, "memos/shared.html", context)
    context = {
        "memo": memo,
        "linked_from": linked_from,
        "editable": _writes(request),
        "files": memo.resources.filter(is_deleted=False),
        "form": form or _edit_form(memo),
        "editing": form is not None or "edit" in request.GET,
        "revisions": memo.revisions.order_by("-revision_number")[:50],
        "related": semantic.related(memo),
        "sections": app_sections("memo_section", request, memo),
    }
    return render(request, "memos/detail.html", context, status=status)


def _edit_form(memo: Memo, *, in_place: bool = False) -> MemoForm:
    """The editor, filled; in place on a timeline its ids are the memo's own (the compose form has the plain ones)."""
    return MemoForm(
        auto_id=f"memo-{memo.pk}-%s" if in_place else "id_%s",
        initial={
            "content": memo.content,
            "tags": ", ".join(tags.explicit(memo.tags, memo.content)),
            "revision": memo.revision_count,
            "visibility": memo.visibility,
        },
    )


def _card(memo: Memo) -> HttpResponse:
    return HttpResponse(cards(with_card_state(Memo.objects.filter(pk=memo.pk)), editable=True)[0])


@writer_required
@require_http_methods(["GET", "POST"])
def memo_edit(request: HttpRequest, pk: str) -> HttpResponse:
    """The memo page's editor posts here. A card's "Edit" asks (by script) for the form alone, to edit in place:
    then the answer is the fresh card, or the form with its errors."""
    memo = _own_memo(request, pk)
    in_place = request.headers.get("x-requested-with") == "fetch"
    if request.method == "GET":
        context = {"memo": memo, "form": _edit_form(memo, in_place=True), "in_place": True}
        return render(request, "memos/_edit_form.html", context)
    form = MemoForm(request.POST, request.FILES, auto_id=f"memo-{memo.pk}-%s" if in_place else "id_%s")
    status = 400
    if form.is_valid():
        try:
            with transactions.atomic_with_files():
                services.memo_update(
                    memo,
                    user=signed_in(request),
                    base_revision=form.cleaned_data["revision"],
                    content=form.cleaned_data["content"],
                    tags_given=form.cleaned_data["tags"],
                    visibility=form.cleaned_data["visibility"] or None,
                )
                for upload in form.cleaned_data["files"]:
                    file_services.resource_upload(owner=signed_in(request), upload=upload, memo=memo)
        except services.StaleRevision as exc:
            form.add_error(None, str(exc))
            status = 409
        except ValidationError as exc:
            form.add_error(None, exc.messages)
        else:
            if in_place:
                return _card(memo)
            messages.success(request, _("Saved."))
            return redirect("memos:detail", pk=memo.pk)
    if in_place:
        context = {"memo": memo, "form": form, "in_place": True}
        return render(request, "memos/_edit_form.html", context, status=status)
    return memo_detail(request, pk, form, status=status)


@writer_required
@require_POST
def memo_action(request: HttpRequest, pk: str, action: str) -> HttpResponse:
    """Pin, unpin, archive, unarchive, trash or restore; back to the page it was asked from (a card's menu on the
    timeline) or the memo."""
    memo = _own_memo(request, pk)
    if action in {"pin", "unpin"}:
        services.memo_update(memo, user=signed_in(request), base_revision=None, pinned=action == "pin")
        messages.success(request, _("Pinned.") if action == "pin" else _("Unpinned."))
    elif action in {"archive", "unarchive"}:
        services.memo_update(memo, user=signed_in(request), base_revision=None, is_archived=action == "archive")
        messages.success(request, _("Archived.") if action == "archive" else _("Back on the timeline."))
    elif action == "trash":
        services.memo_trash(memo, user=signed_in(request))
        messages.success(request, _("Moved to the trash."))
        return _back(request, reverse("memos:timeline"), unless=memo.get_absolute_url())
    elif action == "restore":
        services.memo_restore(memo, user=signed_in(request))
        messages.success(request, _("Restored from the trash."))
    else:
        raise Http404
    return _back(request, memo.get_absolute_url())


@writer_required
@require_POST
def memo_task(request: HttpRequest, pk: str, index: int) -> HttpResponse:
    """Tick or untick task `index` (a checkbox of the memo's text). A script asking for the card gets it back to put
    in place; a form post goes back to the page it came from."""
    memo = _own_memo(request, pk)
    wants_card = request.headers.get("x-requested-with") == "fetch"
    try:
        revision = int(request.POST.get("revision", ""))
        memo = services.memo_task_toggle(memo, user=signed_in(request), index=index, base_revision=revision)
    except (ValueError, ValidationError, services.StaleRevision) as exc:
        problem = str(exc) if isinstance(exc, services.StaleRevision) else _("That task can't be ticked; reload.")
        if wants_card:
            return HttpResponse(problem, status=409, content_type="text/plain; charset=utf-8")
        messages.error(request, problem)
    if wants_card:
        return _card(memo)
    return _back(request, memo.get_absolute_url())


@writer_required
def memo_purge(request: HttpRequest, pk: str) -> HttpResponse:
    """GET asks for confirmation; POST deletes the trashed memo for good."""
    memo = _own_memo(request, pk)
    if request.method == "POST":
        try:
            services.memo_purge(memo)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect("memos:detail", pk=memo.pk)
        messages.success(request, _("Deleted for good."))
        return redirect("memos:trash")
    return render(request, "memos/confirm_purge.html", {"memo": memo})


@login_required
def revision_detail(request: HttpRequest, pk: str, number: int) -> HttpResponse:
    memo = _own_memo(request, pk)
    revision = get_object_or_404(memo.revisions, revision_number=number)
    lines = diff.line_diff(revision.content, memo.content)
    return render(request, "memos/revision.html", {"memo": memo, "revision": revision, "lines": lines})


@writer_required
@require_POST
def revision_restore(request: HttpRequest, pk: str, number: int) -> HttpResponse:
    memo = _own_memo(request, pk)
    services.revision_restore(get_object_or_404(memo.revisions, revision_number=number), user=signed_in(request))
    messages.success(
        request, _("Revision %(number)s is the current text again (as a new revision).") % {"number": number}
    )
    return redirect("memos:detail", pk=memo.pk)


@login_required
def search_page(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET or None)
    hits = []
    if form.is_valid():
        text, mode = form.cleaned_data["q"], form.cleaned_data["mode"] or "keyword"
        if mode == "semantic":
            hits = semantic.semantic_search(signed_in(request), text, limit=20)
        elif mode == "hybrid":
            hits = keyword.hybrid_search(signed_in(request), text, limit=20)
        else:
            hits = keyword.keyword_search(signed_in(request), text, tag=form.cleaned_data["tag"] or None)
    return render(request, "memos/search.html", {"form": form, "hits": hits, "view": "search"})


@login_required
def diary_month(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    try:
        year, month = (int(part) for part in request.GET.get("month", f"{today:%Y-%m}").split("-"))
        first = date(year, month, 1)
    except ValueError:
        first = today.replace(day=1)
    previous = (first - timedelta(days=1)).replace(day=1)
    following = (first.replace(day=28) + timedelta(days=4)).replace(day=1)
    context = {
        "month": first,
        "weeks": selectors.month_calendar(signed_in(request), first.year, first.month),
        "previous": previous,
        "next": following,
        "today": today,
        "view": "diary",
    }
    return render(request, "memos/diary_month.html", context)


@writer_required
def diary_day(request: HttpRequest, day: str) -> HttpResponse:
    """A day: its diary (GET shows, POST saves) and the memos written on it."""
    try:
        the_day = date.fromisoformat(day)
    except ValueError:
        raise Http404(_("No such day.")) from None
    diary = Diary.objects.visible_to(signed_in(request)).filter(date=the_day, is_deleted=False).first()
    form = DiaryForm(request.POST or None, instance=diary)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            diary_services.diary_write(owner=signed_in(request), day=the_day, **form.cleaned_data)
            messages.success(request, _("Diary saved."))
            return redirect("memos:diary-day", day=day)
        status = 400
    context = {
        "day": the_day,
        "form": form,
        "diary": diary,
        "cards": cards(selectors.memos_of_day(signed_in(request), the_day), editable=_writes(request)),
        "sections": app_sections("diary_section", request, the_day),
    }
    return render(request, "memos/diary_day.html", context, status=status)


@login_required
def explore(request: HttpRequest) -> HttpResponse:
    """Everyone's household and public memos, newest first, by tag."""
    tag = request.GET.get("tag", "").strip()
    memos = Memo.objects.shared().select_related("owner").order_by("-created_at", "-id")
    if tag:
        memos = memos.tagged(tag)
    page = _page(request, with_card_state(memos))
    context = {
        "page": page,
        "cards": cards(page.object_list, signed=True),
        "tag": tag,
        "view": "explore",
        "pager_params": f"{urlencode({'tag': tag})}&" if tag else "",
    }
    return render(request, "memos/explore.html", context)


@login_required
def memo_link(request: HttpRequest, pk: str) -> HttpResponse:
    """Follow a `[[…]]` of memo `pk`: to the memo it names, if the reader may read both; else a 404 that says no
    more than that (a title of someone else's private memo is never shown)."""
    reader = signed_in(request)
    source = get_object_or_404(Memo.objects.readable_by(reader), pk=pk)
    wanted = request.GET.get("to", "").strip()[:200]
    target = links.resolve(source, wanted)
    if target is None or not Memo.objects.readable_by(reader).filter(pk=target).exists():
        raise Http404(_("No memo you can read is linked here."))
    return redirect("memos:detail", pk=target)


def public_memo(request: HttpRequest, pk: str) -> HttpResponse:
    """A public memo for anyone with its link, signed in or not: the text and its attachments (through signed,
    expiring links), nothing else of the owner's."""
    memo = get_object_or_404(Memo.objects.readable_by(AnonymousUser()).select_related("owner"), pk=pk)
    files = [
        (file, reverse("memos:signed-file", args=[file_services.resource_signed_token(file)]))
        for file in memo.resources.filter(is_deleted=False).order_by("created_at")
    ]
    return render(request, "memos/public.html", {"memo": memo, "files": files})


@login_required
def memo_file(request: HttpRequest, pk: str, resource_pk: str) -> HttpResponseBase:
    """An attachment of a memo the user may read (images are shown inline on the memo's card)."""
    memo = get_object_or_404(Memo.objects.readable_by(signed_in(request)), pk=pk)
    return resource_response(get_object_or_404(Resource, pk=resource_pk, memo=memo, is_deleted=False))


def signed_file(request: HttpRequest, token: str) -> HttpResponseBase:
    """Download through a signed, expiring link (no sign-in needed)."""
    resource = resource_from_token(token)
    if resource is None:
        raise Http404(_("This link is invalid or has expired."))
    return resource_response(resource)


@login_required
def export_download(request: HttpRequest) -> HttpResponseBase:
    """All of the user's notes as a zip (the same as `manage.py export_user`)."""
    spool = tempfile.SpooledTemporaryFile(max_size=50 * 1024 * 1024)
    export_user(signed_in(request), spool)
    spool.seek(0)
    name = f"quillium-memos-{timezone.localdate():%Y-%m-%d}.zip"
    return FileResponse(spool, as_attachment=True, filename=name, content_type="application/zip")


@writer_required
@require_POST
def import_upload(request: HttpRequest) -> HttpResponse:
    """Add the contents of an export zip to this account."""
    upload = request.FILES.get("archive")
    if upload is None:
        messages.error(request, _("Choose an export zip to import."))
        return redirect("accounts:settings")
    try:
        counts = import_user(signed_in(request), upload)
    except ValidationError as exc:
        messages.error(request, _("Nothing was imported: ") + " ".join(exc.messages))
    else:
        messages.success(
            request,
            _("Imported: %(memos)s memos, %(files)s files, %(diaries)s diaries.") % counts,
        )
    return redirect("accounts:settings")


@writer_required
@require_POST
def device_forget(request: HttpRequest) -> HttpResponse:
    """Forget where a synced device got to (it starts over at its next pull); its data isn't touched."""
    client_id = request.POST.get("client_id", "")
    if changes.forget(signed_in(request), client_id):
        messages.success(
            request, _("Forgot %(client_id)s: its next sync starts from the beginning.") % {"client_id": client_id}
        )
    else:
        messages.error(request, _("No such device."))
    return redirect(f"{reverse('accounts:settings')}#devices")


@writer_required
@require_POST
def summary_settings(request: HttpRequest) -> HttpResponse:
    """Turn one-line AI summaries of new revisions on or off."""
    on = request.POST.get("revision_summaries") == "on"
    services.memo_preference_set(signed_in(request), revision_summaries=on)
    messages.success(request, _("New revisions get a one-line summary.") if on else _("No more revision summaries."))
    return redirect(f"{reverse('accounts:settings')}#summaries")
