"""`gamestats/api-usage/`: daily limits per API, reset at midnight in the configured timezone."""

from __future__ import annotations

import io
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command

from accounts import site_settings
from gamestats.models import ApiUsage, DiscordUser, Guild
from tests.gamestats.conftest import snowflake

pytestmark = pytest.mark.django_db

CONSUME = "/api/v1/gamestats/api-usage/consume/"
OUTCOME = "/api/v1/gamestats/api-usage/outcome/"
TOKYO = ZoneInfo("Asia/Tokyo")


@pytest.fixture(autouse=True)
def limits(db):
    site_settings.set_value("gamestats_daily_limits", {"default": 5, "gemini": 2})
    site_settings.set_value("gamestats_timezone", "Asia/Tokyo")


def consume(client, user_id, api="gemini", **extra):
    response = client.post(CONSUME, {"user_id": user_id, "api_name": api, **extra}, format="json")
    assert response.status_code == 200, response.content
    return response.json()


def test_units_are_taken_until_the_limit_then_refused_with_when_they_come_back(bot):
    ann = snowflake()
    with time_machine.travel(datetime(2026, 11, 24, 15, 0, tzinfo=TOKYO), tick=False):
        answers = [consume(bot, ann) for _ in range(3)]

    assert [(a["allowed"], a["used"], a["remaining"]) for a in answers] == [(True, 1, 1), (True, 2, 0), (False, 2, 0)]
    assert answers[-1]["limit"] == 2
    assert datetime.fromisoformat(answers[-1]["resets_at"]) == datetime(2026, 11, 25, 0, 0, tzinfo=TOKYO)
    assert consume(bot, ann, api="screenshot")["limit"] == 5  # the default for APIs not named
    usage = ApiUsage.objects.get(user_id=ann, api_name="gemini")
    assert (usage.usage_count, usage.daily_usage_count) == (2, 2)


def test_the_day_starts_over_at_midnight_in_the_configured_timezone(bot):
    ann = snowflake()
    with time_machine.travel(datetime(2026, 11, 24, 23, 59, tzinfo=TOKYO), tick=False):
        consume(bot, ann)
        consume(bot, ann)
        assert consume(bot, ann)["allowed"] is False
    with time_machine.travel(datetime(2026, 11, 25, 0, 0, 30, tzinfo=TOKYO), tick=False):
        fresh = consume(bot, ann)  # 15:00 UTC: a new day in Tokyo, still the same day in London

    assert (fresh["allowed"], fresh["used"], fresh["remaining"]) == (True, 1, 1)
    assert ApiUsage.objects.get(user_id=ann).daily_reset_date.isoformat() == "2026-11-25"


def test_reset_daily_usage_is_idempotent(bot):
    ann, ben = snowflake(), snowflake()
    with time_machine.travel(datetime(2026, 11, 24, 12, 0, tzinfo=TOKYO), tick=False):
        consume(bot, ann)
        consume(bot, ben)
    with time_machine.travel(datetime(2026, 11, 25, 1, 0, tzinfo=TOKYO), tick=False):
        consume(bot, ben)
        call_command("reset_daily_usage", stdout=(out := io.StringIO()))
        call_command("reset_daily_usage", stdout=(again := io.StringIO()))

    assert "Reset 1 usage row(s) to 2026-11-25 (Asia/Tokyo)" in out.getvalue()
    assert "Reset 0 usage row(s)" in again.getvalue()
    counts = dict(ApiUsage.objects.values_list("user_id", "daily_usage_count"))
    assert counts == {ann: 0, ben: 1}


def test_outcomes_are_counted(bot):
    ann = snowflake()
    consume(bot, ann)
    for success in (True, True, False):
        assert bot.post(OUTCOME, {"user_id": ann, "api_name": "gemini", "success": success}).status_code == 204

    usage = ApiUsage.objects.get(user_id=ann)
    assert (usage.success_count, usage.error_count) == (2, 1)
    unknown = bot.post(OUTCOME, {"user_id": ann, "api_name": "never-used", "success": True})
    assert unknown.status_code == 404


def test_blacklisted_users_and_guilds_get_a_403_with_the_reason(bot):
    troll, guild = snowflake(), snowflake()
    DiscordUser.objects.create(discord_id=troll, is_blacklisted=True, blacklist_reason="abuse of /screenshot")
    Guild.objects.create(discord_id=guild, is_blacklisted=True, blacklist_reason="raids")

    refused = bot.post(CONSUME, {"user_id": troll, "api_name": "gemini"}, format="json")
    refused_guild = bot.post(CONSUME, {"user_id": snowflake(), "api_name": "gemini", "guild_id": guild}, format="json")

    assert refused.status_code == 403 and "abuse of /screenshot" in refused.json()["detail"]
    assert refused_guild.status_code == 403 and "raids" in refused_guild.json()["detail"]
    assert not ApiUsage.objects.exists()


@pytest.mark.parametrize(
    "body", [{"user_id": "42", "api_name": "gemini"}, {"user_id": "175928847299117063", "api_name": "Bad Name!"}, {}]
)
def test_bad_requests_are_a_400(bot, body):
    response = bot.post(CONSUME, body, format="json")

    assert response.status_code == 400 and response.json()["errors"]
    assert not ApiUsage.objects.exists()


def test_a_limit_of_zero_refuses_everything(bot):
    site_settings.set_value("gamestats_daily_limits", {"default": 0})

    assert consume(bot, snowflake())["allowed"] is False
