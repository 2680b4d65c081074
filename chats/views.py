"""Chat pages. With JavaScript the reply streams in through the API; without, the form posts here."""

from __future__ import annotations

from asgiref.sync import async_to_sync
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.decorators import writer_required
from accounts.principals import signed_in
from ai.services import QuotaExceeded
from chats import selectors, services
from chats.forms import ACCEPTED, ChatSettingsForm, FolderForm, MessageForm
from chats.models import Chat, Message
from chats.replies import collect_reply
from quillium_site.files.responses import INLINE_TYPES, stored_file_response
from quillium_site.files.transactions import atomic_with_files
from quillium_site.navigation import posted_next

PAGE_SIZE = 30


def _own_chat(request: HttpRequest, pk: int) -> Chat:
    return get_object_or_404(Chat.objects.visible_to(signed_in(request)).select_related("ai_config"), pk=pk)


def _own_message(chat: Chat, pk: int) -> Message:
    return get_object_or_404(chat.messages.select_related("chat"), pk=pk)


@login_required
def chat_list(request: HttpRequest) -> HttpResponse:
    search = request.GET.get("q", "").strip()
    archived = request.GET.get("archived") == "1"
    chats = selectors.chat_list(signed_in(request), search=search, archived=archived)
    page = Paginator(chats, PAGE_SIZE).get_page(request.GET.get("page"))
    params = f"{urlencode({'q': search})}&" if search else ("archived=1&" if archived else "")
    rows = [
        (chat, selectors.snippet(content, search) if (content := getattr(chat, "match_content", None)) else None)
        for chat in page.object_list
    ]
    context = {"page": page, "rows": rows, "search": search, "archived": archived, "pager_params": params}
    return render(request, "chats/list.html", context)


@writer_required
def chat_new(request: HttpRequest) -> HttpResponse:
    """An empty conversation; the chat is saved with its first message, so no empty chats pile up."""
    if request.method != "POST":
        return _detail(request, None)
    form = MessageForm(request.POST, request.FILES)
    if not form.is_valid():
        return _detail(request, None, form, status=400)
    try:
        with atomic_with_files():  # a refused first message leaves no chat (and no file) behind
            chat = services.chat_create(owner=signed_in(request), use_notes=bool(request.POST.get("use_notes")))
            reply = _ask(request, chat, form)
    except QuotaExceeded as exc:
        form.add_error("content", str(exc))
        return _detail(request, None, form, status=429)
    except ValidationError as exc:
        form.add_error(None, exc.messages)
        return _detail(request, None, form, status=400)
    async_to_sync(collect_reply)(reply)
    return redirect(f"{chat.get_absolute_url()}#end")


def _detail(
    request: HttpRequest, chat: Chat | None, form: MessageForm | None = None, status: int = 200
) -> HttpResponse:
    user = signed_in(request)
    context = {
        "chat": chat,
        "chat_messages": services.chat_path(chat, with_files=True) if chat else [],
        "form": form or MessageForm(),
        "settings_form": ChatSettingsForm.for_chat(chat) if chat else None,
        "sidebar": selectors.sidebar(user),
        "provider_ready": selectors.chat_provider_ready(),
        "shares": list(chat.shares.filter(revoked_at=None)) if chat else [],
        "accept_files": ACCEPTED,
    }
    return render(request, "chats/detail.html", context, status=status)


@writer_required
@require_POST
def folder_new(request: HttpRequest) -> HttpResponse:
    form = FolderForm(request.POST)
    if form.is_valid():
        try:
            services.folder_create(owner=signed_in(request), name=form.cleaned_data["name"])
        except ValidationError as exc:
            messages.error(request, "; ".join(exc.messages))
    else:
        messages.error(request, _("A folder needs a name."))
    return redirect(posted_next(request, reverse("chats:list")))


@login_required
def chat_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, _own_chat(request, pk))


@writer_required
@require_POST
def chat_send(request: HttpRequest, pk: int) -> HttpResponse:
    """Without JavaScript: save the message, wait for the whole reply, show the chat again."""
    chat = _own_chat(request, pk)
    form = MessageForm(request.POST, request.FILES)
    if not form.is_valid():
        return _detail(request, chat, form, status=400)
    try:
        with atomic_with_files():  # a refused message keeps none of its files
            reply = _ask(request, chat, form)
    except QuotaExceeded as exc:
        form.add_error("content", str(exc))
        return _detail(request, chat, form, status=429)
    except services.ReplyInProgress as exc:
        form.add_error("content", str(exc))
        return _detail(request, chat, form, status=409)
    except ValidationError as exc:
        form.add_error(None, exc.messages)
        return _detail(request, chat, form, status=400)
    async_to_sync(collect_reply)(reply)
    return redirect(f"{chat.get_absolute_url()}#end")


def _ask(request: HttpRequest, chat: Chat, form: MessageForm) -> Message:
    """Store the form's files, then send its message with them; the reply to fill in."""
    files = [services.chat_file_add(chat, upload).pk for upload in request.FILES.getlist("files")]
    _question, reply = services.message_send(chat, form.cleaned_data["content"], files=files)
    return reply


@login_required
def chat_file(request: HttpRequest, pk: int, file_pk: str) -> HttpResponseBase:
    """A file attached in one of the user's chats (images shown, PDFs and text opened, the rest downloaded)."""
    attachment = get_object_or_404(_own_chat(request, pk).files, pk=file_pk)
    inline = attachment.mime_type in INLINE_TYPES
    return stored_file_response(attachment.file, attachment.mime_type, attachment.filename, inline=inline)


@writer_required
@require_POST
def chat_regenerate(request: HttpRequest, pk: int) -> HttpResponse:
    chat = _own_chat(request, pk)
    try:
        reply = services.reply_regenerate(chat)
    except (QuotaExceeded, services.ReplyInProgress, services.NothingToRegenerate) as exc:
        messages.error(request, str(exc))
    else:
        async_to_sync(collect_reply)(reply)
    return redirect(f"{chat.get_absolute_url()}#end")


@writer_required
@require_POST
def message_edit(request: HttpRequest, pk: int, message_pk: int) -> HttpResponse:
    """Without JavaScript: ask an edited question, wait for its reply, show the chat again."""
    chat = _own_chat(request, pk)
    question = _own_message(chat, message_pk)
    form = MessageForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Write the question to ask instead."))
        return redirect(chat)
    try:
        _question, reply = services.message_edit(question, form.cleaned_data["content"])
    except (QuotaExceeded, services.ReplyInProgress, ValidationError) as exc:
        messages.error(request, "; ".join(getattr(exc, "messages", [str(exc)])))
        return redirect(chat)
    async_to_sync(collect_reply)(reply)
    return redirect(f"{chat.get_absolute_url()}#end")


@writer_required
@require_POST
def message_show(request: HttpRequest, pk: int, message_pk: int) -> HttpResponse:
    """Show another version of a reply or question."""
    chat = _own_chat(request, pk)
    try:
        services.version_show(_own_message(chat, message_pk))
    except services.ReplyInProgress as exc:
        messages.error(request, str(exc))
    return redirect(f"{chat.get_absolute_url()}#message-{message_pk}")


@writer_required
@require_POST
def chat_settings(request: HttpRequest, pk: int) -> HttpResponse:
    """Rename the chat or change its system prompt."""
    chat = _own_chat(request, pk)
    form = ChatSettingsForm(request.POST, owner=signed_in(request))
    if form.is_valid():
        try:
            services.chat_update(chat, **form.cleaned_data)
        except ValidationError as exc:
            messages.error(request, "; ".join(exc.messages))
    else:
        messages.error(request, _("A chat needs a title."))
    return redirect(chat)


@writer_required
@require_POST
def chat_share(request: HttpRequest, pk: int) -> HttpResponse:
    """Make a read-only link to the conversation as it stands; the page shows the link this once."""
    chat = _own_chat(request, pk)
    try:
        share, token = services.share_create(chat)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(chat.get_absolute_url())
    link = request.build_absolute_uri(reverse("chats:shared", args=[token]))
    return render(request, "chats/share_created.html", {"chat": chat, "share": share, "link": link})


@writer_required
@require_POST
def share_revoke(request: HttpRequest, pk: int, share_pk: int) -> HttpResponse:
    chat = _own_chat(request, pk)
    services.share_revoke(get_object_or_404(chat.shares, pk=share_pk))
    messages.success(request, _("The link no longer opens the chat."))
    return redirect(chat.get_absolute_url())


def shared_chat(request: HttpRequest, token: str) -> HttpResponse:
    """A shared conversation, read-only, for anyone holding the link (signed in or not), until it is revoked."""
    share = services.shared_by_token(token)
    if share is None:
        raise Http404(_("This link is invalid or was revoked."))
    return render(request, "chats/shared.html", {"share": share})


@writer_required
@require_POST
def chat_archive(request: HttpRequest, pk: int) -> HttpResponse:
    """Archive a chat (out of the list and the sidebar, kept, found by search) or take it back."""
    chat = _own_chat(request, pk)
    archive = request.POST.get("archive") == "1"
    services.chat_update(chat, is_archived=archive)
    messages.success(request, _("Chat archived.") if archive else _("Chat back in the list."))
    return redirect("chats:list" if archive else chat.get_absolute_url())


@writer_required
def chat_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """GET asks for confirmation; POST deletes the chat and its messages."""
    chat = _own_chat(request, pk)
    if request.method == "POST":
        services.chat_delete(chat)
        messages.success(request, _("Deleted “%(title)s”.") % {"title": chat.title})
        return redirect("chats:list")
    return render(request, "chats/confirm_delete.html", {"chat": chat, "count": chat.messages.count()})


@login_required
def message_fragment(request: HttpRequest, pk: int, message_pk: int) -> HttpResponse:
    """One rendered message, for the page to swap in when a streamed reply is done."""
    chat = _own_chat(request, pk)
    message = next((m for m in services.chat_path(chat, with_files=True) if m.pk == message_pk), None)
    if message is None:
        raise Http404(_("No such message in this conversation."))
    return render(request, "chats/detail.html#message", {"chat": chat, "message": message})
