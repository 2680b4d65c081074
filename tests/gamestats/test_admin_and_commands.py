"""The admin finds any Discord user; operators' commands prune logs and reset quotas."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from gamestats import ingest, quotas
from gamestats.models import CommandLog, DiscordUser, Guild
from tests.gamestats.conftest import snowflake
from tests.gamestats.factories import players_with_games

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "url",
    [
        "/admin/gamestats/discorduser/?is_blacklisted__exact=0",
        "/admin/gamestats/guild/",
        "/admin/gamestats/gamestats/?game_type=wordle",
        "/admin/gamestats/apiusage/",
        "/admin/gamestats/commandlog/?success__exact=1",
        "/admin/gamestats/guildmember/",
    ],
)
def test_admin_lists_render(admin_client, url):
    players_with_games(2, guild_id=snowflake())

    assert admin_client.get(url).status_code == 200


def test_the_admin_finds_a_user_by_id_and_shows_stats_quotas_and_commands(admin_client):
    ann = players_with_games(2)[1]
    quotas.consume(user_id=ann, api_name="gemini")
    user = DiscordUser.objects.get(discord_id=ann)

    listing = admin_client.get("/admin/gamestats/discorduser/", {"q": ann}).content.decode()
    page = admin_client.get(f"/admin/gamestats/discorduser/{user.pk}/change/").content.decode()

    assert ann in listing
    assert "wordle" in page and "gemini" in page and "/wordle" in page


def test_admin_actions_blacklist_and_whitelist(admin_client):
    ids = players_with_games(2)
    pks = list(DiscordUser.objects.values_list("pk", flat=True))
    guild = Guild.objects.create(discord_id=snowflake(), name="g")

    admin_client.post(
        "/admin/gamestats/discorduser/", {"action": "set_is_blacklisted", "_selected_action": pks}, follow=True
    )
    admin_client.post(
        "/admin/gamestats/discorduser/", {"action": "set_is_whitelisted", "_selected_action": pks[:1]}, follow=True
    )
    admin_client.post("/admin/gamestats/guild/", {"action": "set_is_blacklisted", "_selected_action": [guild.pk]})

    assert DiscordUser.objects.filter(discord_id__in=ids, is_blacklisted=True).count() == 2
    assert DiscordUser.objects.filter(is_whitelisted=True).count() == 1
    assert Guild.objects.get(pk=guild.pk).is_blacklisted


def test_prune_command_logs_deletes_only_old_ones_in_batches_with_progress():
    ann = snowflake()
    old = timezone.now() - timedelta(days=100)
    events = [{"user_id": ann, "command": "old", "executed_at": old.isoformat()} for _ in range(25)]
    ingest.store(ingest.parse([*events, {"user_id": ann, "command": "new"}]))
    out = io.StringIO()

    call_command("prune_command_logs", "--older-than", "90d", "--batch-size", "10", stdout=out)

    assert list(CommandLog.objects.values_list("command_name", flat=True)) == ["new"]
    assert "Deleted 10 of 25 (40%)" in out.getvalue() and "Deleted 25 command log(s)" in out.getvalue()
    assert DiscordUser.objects.get(discord_id=ann).total_commands_used == 26  # totals are kept


@pytest.mark.parametrize("age", ["90", "0d", "3 months", "1m"])
def test_prune_refuses_an_unclear_age(age):
    with pytest.raises(CommandError, match="like 90d"):
        call_command("prune_command_logs", "--older-than", age)


def test_the_admin_checks_guild_settings_too(admin_client):
    guild = Guild.objects.create(discord_id=snowflake(), name="Cozy", settings={"prefix": "!"})
    form = {"discord_id": guild.discord_id, "name": "Cozy", "owner_id": "", "member_count": 3,
            "blacklist_reason": "", "joined_at_0": "2026-01-01", "joined_at_1": "10:00:00",
            "settings": '{"prefix": "far too long"}'}  # fmt: skip

    response = admin_client.post(f"/admin/gamestats/guild/{guild.pk}/change/", form)

    assert response.status_code == 200 and "prefix: &#x27;far too long&#x27; is too long" in response.content.decode()
    guild.refresh_from_db()
    assert guild.settings == {"prefix": "!"}
