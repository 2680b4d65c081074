"""`gamestats/commands/`: command events in batches, users and guilds created on the fly, all or nothing."""

from __future__ import annotations

import pytest

from gamestats.models import CommandLog, DiscordUser, Guild, GuildMember
from gamestats.services import set_blacklisted
from tests.gamestats.conftest import key_client, snowflake

pytestmark = pytest.mark.django_db

COMMANDS = "/api/v1/gamestats/commands/"


def event(user_id, guild_id=None, **extra):
    return {"user_id": user_id, "guild_id": guild_id, "command": "ping", **extra}


def test_a_batch_creates_users_and_guilds_and_bumps_their_counters(bot):
    ann, ben, guild = snowflake(), snowflake(), snowflake()
    batch = [
        event(ann, guild, username="ann", guild_name="Cozy", execution_time_ms=12, args={"target": "x"}),
        event(ann, guild, command="wordle", success=False, error_message="timeout"),
        event(ben, None, username="ben", ip_address="203.0.113.9", user_agent="UtilsBot+/2.1"),
    ]

    response = bot.post(COMMANDS, {"events": batch}, format="json")

    assert response.status_code == 201, response.content
    assert response.json() == {"stored": 3, "users": 2, "guilds": 1, "new_users": 2, "new_guilds": 1}
    assert DiscordUser.objects.get(discord_id=ann).total_commands_used == 2
    assert DiscordUser.objects.get(discord_id=ben).username == "ben"
    assert Guild.objects.get(discord_id=guild).name == "Cozy"
    assert GuildMember.objects.filter(guild_id=guild).count() == 1
    failed = CommandLog.objects.get(command_name="wordle")
    assert (failed.success, failed.error_message, failed.guild_id) == (False, "timeout", guild)
    direct = CommandLog.objects.get(user_id=ben)
    assert (direct.guild_id, direct.ip_address, direct.user_agent) == (None, "203.0.113.9", "UtilsBot+/2.1")
    assert CommandLog.objects.get(execution_time_ms=12).command_args == {"target": "x"}


def test_one_event_on_its_own_is_a_batch_of_one_and_counters_add_up(bot):
    ann = snowflake()
    for _ in range(3):
        assert bot.post(COMMANDS, event(ann, username="ann"), format="json").status_code == 201

    user = DiscordUser.objects.get(discord_id=ann)
    assert (user.total_commands_used, CommandLog.objects.filter(user=user).count()) == (3, 3)


def test_a_thousand_events_in_one_request(bot):
    users = [snowflake() for _ in range(50)]
    batch = [event(users[n % 50], command=f"cmd{n % 7}") for n in range(1000)]

    assert bot.post(COMMANDS, {"events": batch}, format="json").status_code == 201
    assert CommandLog.objects.count() == 1000
    assert sum(DiscordUser.objects.values_list("total_commands_used", flat=True)) == 1000


@pytest.mark.parametrize(
    ("mutate", "where"),
    [
        (lambda e: e.update(user_id="12345"), "events[1].user_id"),
        (lambda e: e.update(guild_id="not-a-snowflake"), "events[1].guild_id"),
        (lambda e: e.update(command=""), "events[1].command"),
        (lambda e: e.update(execution_time_ms=-5), "events[1].execution_time_ms"),
        (lambda e: e.update(executed_at="2026-01-01T10:00:00"), "events[1].executed_at"),
        (lambda e: e.update(executed_at="2999-01-01T10:00:00Z"), "events[1].executed_at"),
        (lambda e: e.update(ip_address="999.1.1.1"), "events[1].ip_address"),
        (lambda e: e.update(args={"blob": "x" * 5000}), "events[1].args"),
        (lambda e: e.update(colour="red"), "events[1].colour"),
    ],
)
def test_a_bad_event_is_a_400_naming_it_and_stores_nothing(bot, mutate, where):
    good, bad = event(snowflake()), event(snowflake())
    mutate(bad)

    response = bot.post(COMMANDS, {"events": [good, bad]}, format="json")

    assert response.status_code == 400
    assert where in response.json()["errors"], response.json()
    assert response.json()["detail"].startswith(where)
    assert not CommandLog.objects.exists() and not DiscordUser.objects.exists()


@pytest.mark.parametrize("body", [{"events": []}, {"events": "x"}, "nonsense", [1, 2]])
def test_malformed_bodies_are_a_400(bot, body):
    assert bot.post(COMMANDS, body, format="json").status_code == 400


def test_more_than_a_thousand_events_is_a_400_that_stores_nothing(bot):
    batch = [event(snowflake()) for _ in range(1001)]

    response = bot.post(COMMANDS, {"events": batch}, format="json")

    assert response.status_code == 400
    assert "1,000" in response.json()["detail"]
    assert not CommandLog.objects.exists()


def test_a_blacklisted_user_or_guild_in_a_batch_is_a_403_with_the_reason(bot):
    ann, troll, guild = snowflake(), snowflake(), snowflake()
    bot.post(COMMANDS, [event(troll), event(ann, guild)], format="json")
    set_blacklisted(DiscordUser.objects.filter(discord_id=troll), True, "spamming /wordle")
    before = CommandLog.objects.count()

    refused = bot.post(COMMANDS, [event(ann), event(troll)], format="json")
    set_blacklisted(Guild.objects.filter(discord_id=guild), True, "raid server")
    refused_guild = bot.post(COMMANDS, [event(ann, guild)], format="json")

    assert refused.status_code == 403 and "spamming /wordle" in refused.json()["detail"]
    assert troll in refused.json()["detail"]
    assert refused_guild.status_code == 403 and "raid server" in refused_guild.json()["detail"]
    assert CommandLog.objects.count() == before
    assert DiscordUser.objects.get(discord_id=ann).total_commands_used == 1


def test_only_staff_and_service_accounts_may_send(alice, staff_key):
    plain = key_client(alice)

    assert plain.post(COMMANDS, event(snowflake()), format="json").status_code == 403
    assert plain.get("/api/v1/gamestats/users/").status_code == 403
    assert staff_key.post(COMMANDS, event(snowflake()), format="json").status_code == 201


def test_deleting_a_user_deletes_their_logs_and_deleting_a_guild_keeps_its_logs(bot):
    ann, ben, guild = snowflake(), snowflake(), snowflake()
    bot.post(COMMANDS, [event(ann, guild), event(ben, guild), event(ben)], format="json")

    DiscordUser.objects.get(discord_id=ann).delete()
    Guild.objects.get(discord_id=guild).delete()

    assert list(CommandLog.objects.values_list("user_id", "guild_id")) == [(ben, None), (ben, None)]


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"command": "a\u0000b"}, "command"),
        ({"user_agent": "\u0000"}, "user_agent"),
        ({"args": {"k": "\u0000"}}, "args"),
    ],
)
def test_null_characters_are_a_400_not_a_database_error(bot, extra, field):
    response = bot.post(COMMANDS, {"events": [event(snowflake(), **extra)]}, format="json")

    assert response.status_code == 400
    assert f"events[0].{field}" in response.json()["errors"]
