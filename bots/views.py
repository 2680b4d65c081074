"""Bot pages: the list (create, edit, reorder, delete) and the thread under a memo. Thin: services write."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.decorators import writer_required
from accounts.principals import signed_in
from bots import services
from bots.forms import AskForm, BotForm
from bots.models import Bot, BotReply
from memos.models import Memo


def _own_bot(request: HttpRequest, pk: Any) -> Bot:
    return get_object_or_404(Bot.objects.visible_to(signed_in(request)), pk=pk)


@login_required
def bot_list(request: HttpRequest, form: BotForm | None = None, status: int = 200) -> HttpResponse:
    bots = Bot.objects.visible_to(signed_in(request)).select_related("ai_config")
    return render(request, "bots/list.html", {"bots": bots, "form": form or BotForm()}, status=status)


def _fields(form: BotForm) -> dict[str, Any]:
    data = dict(form.cleaned_data)
    data.pop("avatar", None)
    return data


@writer_required
@require_POST
def bot_create(request: HttpRequest) -> HttpResponse:
    form = BotForm(request.POST, request.FILES)
    if not form.is_valid():
        return bot_list(request, form, status=400)
    data = _fields(form)
    try:
        bot = services.bot_create(owner=signed_in(request), name=data.pop("name"), **data)
        if form.cleaned_data.get("avatar"):
            services.bot_avatar_set(bot, form.cleaned_data["avatar"])
    except ValidationError as error:
        form.add_error(None, error.messages)
        return bot_list(request, form, status=400)
    messages.success(request, _("%(name)s is ready: tag a memo or write @%(name)s.") % {"name": bot.name})
    return redirect("bots:list")


@writer_required
def bot_edit(request: HttpRequest, pk: str) -> HttpResponse:
    bot = _own_bot(request, pk)
    initial = {"name": bot.name, "description": bot.description, "tags": ", ".join(bot.tags),
               "auto_reply": bot.auto_reply, "avatar_url": bot.avatar_url, "ai_config": bot.ai_config,
               "model": bot.model, "vision": bot.vision}  # fmt: skip
    form = BotForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.bot_update(bot, **_fields(form))
            if form.cleaned_data.get("avatar"):
                services.bot_avatar_set(bot, form.cleaned_data["avatar"])
        except ValidationError as error:
            form.add_error(None, error.messages)
        else:
            messages.success(request, _("%(name)s saved.") % {"name": bot.name})
            return redirect("bots:list")
    return render(request, "bots/edit.html", {"bot": bot, "form": form}, status=400 if form.errors else 200)


@writer_required
def bot_delete(request: HttpRequest, pk: str) -> HttpResponse:
    bot = _own_bot(request, pk)
    if request.method == "POST":
        services.bot_delete(bot)
        messages.success(request, _("%(name)s is gone; its replies stay under their memos.") % {"name": bot.name})
        return redirect("bots:list")
    return render(request, "bots/confirm_delete.html", {"bot": bot})


@writer_required
@require_POST
def bot_move(request: HttpRequest, pk: str, direction: str) -> HttpResponse:
    """Move a bot one place up or down the list."""
    services.bot_move(_own_bot(request, pk), up=direction == "up")
    return redirect("bots:list")


def _own_memo(request: HttpRequest, pk: Any) -> Memo:
    return get_object_or_404(Memo.objects.visible_to(signed_in(request)), pk=pk)


@writer_required
@require_POST
def reply_ask(request: HttpRequest, memo_pk: str) -> HttpResponse:
    memo = _own_memo(request, memo_pk)
    form = AskForm(request.POST)
    if form.is_valid():
        bot = _own_bot(request, form.cleaned_data["bot"])
        parent_id = form.cleaned_data.get("parent")
        parent = get_object_or_404(BotReply, memo=memo, pk=parent_id) if parent_id else None
        try:
            services.reply_ask(memo=memo, bot=bot, question=form.cleaned_data["question"], user=signed_in(request),
                               parent=parent)  # fmt: skip
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
    else:
        messages.error(request, _("Write a question for the bot."))
    return redirect(f"{memo.get_absolute_url()}#bots")


@writer_required
@require_POST
def reply_action(request: HttpRequest, pk: str, action: str) -> HttpResponse:
    reply = get_object_or_404(BotReply.objects.visible_to(signed_in(request)), pk=pk)
    memo = reply.memo
    try:
        if action == "regenerate":
            services.reply_regenerate(reply)
        elif action == "delete":
            services.reply_delete(reply)
        else:
            messages.error(request, _("Unknown action."))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect(f"{memo.get_absolute_url()}#bots")


@writer_required
@require_POST
def diary_settings(request: HttpRequest) -> HttpResponse:
    enabled = request.POST.get("enabled") == "on"
    services.diary_preference_set(signed_in(request), enabled=enabled)
    messages.success(request, _("Diaries will be written each night.") if enabled else _("No more AI diaries."))
    return redirect("accounts:settings")


@writer_required
@require_POST
def diary_write(request: HttpRequest, day: str) -> HttpResponse:
    """Write (or rewrite) a day's diary with AI now; a diary written by hand stays as it is."""
    try:
        target = date.fromisoformat(day)
    except ValueError:
        raise Http404(_("No such day.")) from None
    services.diary_job_request(signed_in(request), target)
    messages.success(request, _("The diary is being written; reload in a moment."))
    return redirect("memos:diary-day", day=day)
