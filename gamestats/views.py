"""Game stats pages for staff: overview with charts, players, guilds, leaderboards."""

from __future__ import annotations

import json

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.decorators import staff_required
from gamestats import charts, clock, games, leaderboards, quotas, selectors, services, stats
from gamestats.api.serializers import LeaderboardEntrySerializer
from gamestats.forms import BlacklistForm, GuildSettingsForm, LeaderboardForm, SearchForm
from gamestats.models import DiscordUser, GameStats, Guild

PAGE_SIZE = 25


@staff_required
def overview(request: HttpRequest) -> HttpResponse:
    days = stats.per_day()
    context = {
        "users": DiscordUser.objects.count(),
        "guilds": Guild.objects.count(),
        "commands_30d": sum(d.total for d in days),
        "error_rate": stats.error_rate(days),
        "chart": charts.daily_bars(days),
        "slowest": stats.slowest_commands(),
        "top": stats.top_commands(),
        "games": games.known(),
        "tz": clock.zone().key,
        "section": "overview",
    }
    return render(request, "gamestats/overview.html", context)


@staff_required
def players(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET)
    q = form.cleaned_data["q"].strip() if form.is_valid() else ""
    rows = selectors.find_users(q).order_by("-last_seen_at")
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    params = f"{urlencode({'q': q})}&" if q else ""
    context = {"form": form, "page": page, "q": q, "pager_params": params, "section": "players"}
    return render(request, "gamestats/players.html", context)


@staff_required
def player(request: HttpRequest, discord_id: str) -> HttpResponse:
    user = get_object_or_404(
        DiscordUser.objects.prefetch_related(
            Prefetch("game_stats", GameStats.objects.order_by("game_type")), "api_usage"
        ),
        discord_id=discord_id,
    )
    labels = games.labels()
    context = {
        "player": user,
        "game_stats": [(row, labels.get(row.game_type, row.game_type)) for row in user.game_stats.all()],
        "usage": quotas.allowances(user.api_usage.all()),
        "resets_at": clock.next_midnight(),
        "commands": user.commands.select_related("guild").order_by("-executed_at")[:20],
        "guilds": user.guilds.select_related("guild").order_by("-first_seen_at")[:20],
        "blacklist_form": BlacklistForm(),
        "section": "players",
    }
    return render(request, "gamestats/player.html", context)


@staff_required
@require_POST
def player_moderate(request: HttpRequest, discord_id: str) -> HttpResponse:
    """Blacklist (with a reason), lift the blacklist, or toggle beta access."""
    user = get_object_or_404(DiscordUser, discord_id=discord_id)
    this_user = DiscordUser.objects.filter(pk=user.pk)
    action = request.POST.get("action")
    if action == "blacklist":
        form = BlacklistForm(request.POST)
        reason = form.cleaned_data["reason"] if form.is_valid() else ""
        services.set_blacklisted(this_user, True, reason)
        messages.success(request, _("%(user)s is blacklisted.") % {"user": user})
    elif action == "unblacklist":
        services.set_blacklisted(this_user, False)
        messages.success(request, _("%(user)s is no longer blacklisted.") % {"user": user})
    elif action in ("whitelist", "unwhitelist"):
        services.set_whitelisted(this_user, action == "whitelist")
        messages.success(
            request,
            (_("%(user)s has beta access.") if action == "whitelist" else _("%(user)s no longer has beta access."))
            % {"user": user},
        )
    else:
        messages.error(request, _("Unknown action."))
    return redirect(user)


@staff_required
def guilds(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET)
    q = form.cleaned_data["q"].strip() if form.is_valid() else ""
    rows = selectors.find_guilds(q).order_by("name", "discord_id")
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    params = f"{urlencode({'q': q})}&" if q else ""
    context = {"form": form, "page": page, "q": q, "pager_params": params, "section": "guilds"}
    return render(request, "gamestats/guilds.html", context)


@staff_required
def guild(request: HttpRequest, discord_id: str, settings_form: GuildSettingsForm | None = None) -> HttpResponse:
    found = get_object_or_404(Guild.objects.annotate(members_seen=Count("members")), discord_id=discord_id)
    known = games.known()
    game = request.GET.get("game", "")
    game = game if game in {known_game.key for known_game in known} else (known[0].key if known else "")
    days = stats.per_day(found.discord_id)
    context = {
        "guild": found,
        "chart": charts.daily_bars(days),
        "commands_30d": sum(d.total for d in days),
        "error_rate": stats.error_rate(days),
        "top": stats.top_commands(found.discord_id),
        "members": stats.most_active_members(found.discord_id),
        "game": game,
        "games": known,
        "board": leaderboards.leaderboard(game, guild_id=found.discord_id)[:10],
        "settings_form": settings_form
        or GuildSettingsForm(initial={"settings": json.dumps(found.settings, indent=2, ensure_ascii=False)}),
        "section": "guilds",
    }
    return render(request, "gamestats/guild.html", context, status=400 if settings_form else 200)


@staff_required
@require_POST
def guild_settings(request: HttpRequest, discord_id: str) -> HttpResponse:
    found = get_object_or_404(Guild, discord_id=discord_id)
    form = GuildSettingsForm(request.POST)
    if not form.is_valid():
        return guild(request, discord_id, settings_form=form)
    services.guild_settings_update(found, form.cleaned_data["settings"])
    messages.success(request, _("Settings saved."))
    return redirect(found)


def _board(request: HttpRequest, game: str):
    if games.game(game) is None:
        raise Http404(_("No such game."))
    form = LeaderboardForm(request.GET)
    if not form.is_valid():
        return form, None
    by = form.cleaned_data["by"] or "wins"
    rows = leaderboards.leaderboard(
        game, by=by, guild_id=form.cleaned_data["guild"] or None, min_games=form.cleaned_data["min_games"]
    )
    return form, rows


@staff_required
def leaderboard(request: HttpRequest, game: str) -> HttpResponse:
    form, rows = _board(request, game)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page")) if rows is not None else None
    kept: dict[str, str] = {key: str(value) for key, value in request.GET.items() if key != "page" and value}
    context = {
        "game": games.game(game),
        "games": games.known(),
        "form": form,
        "page": page,
        "by": form.cleaned_data.get("by") or "wins" if form.is_valid() else "wins",
        "pager_params": f"{urlencode(kept)}&" if kept else "",
        "export_query": urlencode(kept),
        "section": "leaderboards",
    }
    return render(request, "gamestats/leaderboard.html", context, status=200 if page is not None else 400)


@staff_required
def leaderboard_export(request: HttpRequest, game: str) -> HttpResponse:
    """The whole leaderboard as a JSON file."""
    form, rows = _board(request, game)
    if rows is None:
        return HttpResponse(json.dumps({"errors": form.errors}), status=400, content_type="application/json")
    # The same shape as the API's leaderboard pages, all of it at once.
    entries = LeaderboardEntrySerializer(rows.iterator(chunk_size=2000), many=True).data
    body = {"game": game, "by": form.cleaned_data["by"] or "wins", "guild": form.cleaned_data["guild"] or None}
    response = HttpResponse(json.dumps({**body, "entries": entries}, indent=1), content_type="application/json")
    response["Content-Disposition"] = f'attachment; filename="leaderboard-{game}.json"'
    return response
