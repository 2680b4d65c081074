"""Finding Discord users and guilds, shared by the pages and the API."""

from __future__ import annotations

from django.db.models import Count, QuerySet

from gamestats.models import DiscordUser, Guild


def _find(rows: QuerySet, q: str, name_field: str) -> QuerySet:
    """All digits: a Discord id prefix; anything else: part of the name."""
    q = q.replace("\x00", "").strip()  # PostgreSQL text can't hold NUL
    if not q:
        return rows
    if q.isdigit():
        return rows.filter(discord_id__startswith=q)
    return rows.filter(**{f"{name_field}__icontains": q})


def find_users(q: str = "") -> QuerySet[DiscordUser]:
    return _find(DiscordUser.objects.all(), q, "username")


def find_guilds(q: str = "") -> QuerySet[Guild]:
    """Guilds with `members_seen`, the number of users seen using the bot there."""
    return _find(Guild.objects.annotate(members_seen=Count("members")), q, "name")
