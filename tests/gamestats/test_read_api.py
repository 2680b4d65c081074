"""Users, guilds and leaderboards for the bot and staff: search, detail, moderation, constant query counts."""

from __future__ import annotations

import pytest

from gamestats import ingest, quotas
from gamestats.models import DiscordUser, Guild
from tests.gamestats.conftest import key_client, snowflake
from tests.gamestats.factories import players_with_games

pytestmark = pytest.mark.django_db

USERS = "/api/v1/gamestats/users/"
GUILDS = "/api/v1/gamestats/guilds/"


def board(client, game="wordle", **params):
    response = client.get(f"/api/v1/gamestats/leaderboards/{game}/", params)
    assert response.status_code == 200, response.content
    return response.json()


def test_leaderboards_rank_by_each_measure(bot):
    ids = players_with_games(6)  # player n: n wins of n + 2 games, best score min(n, 6)

    by_wins = board(bot)["results"]
    assert [row["user_id"] for row in by_wins] == list(reversed(ids))
    assert [row["rank"] for row in by_wins] == [1, 2, 3, 4, 5, 6]
    assert by_wins[0] | {"win_rate": round(by_wins[0]["win_rate"], 3)} == by_wins[0] | {"win_rate": 0.714}
    assert board(bot, by="best_score")["results"][0]["best_score"] == 5
    by_rate = board(bot, by="win_rate", min_games=6)["results"]
    assert [row["user_id"] for row in by_rate] == [ids[5], ids[4]]  # only players with at least 6 games
    assert board(bot, by="best_streak")["results"][0]["best_streak"] == 5


def test_a_guild_leaderboard_holds_only_players_seen_there(bot):
    guild = snowflake()
    here = players_with_games(3, guild_id=guild)
    players_with_games(3)

    rows = board(bot, guild=guild)["results"]

    assert sorted(row["user_id"] for row in rows) == sorted(here)


@pytest.mark.parametrize("params", [{"by": "luck"}, {"guild": "123"}, {"min_games": 0}])
def test_bad_leaderboard_parameters_are_a_400(bot, params):
    assert bot.get("/api/v1/gamestats/leaderboards/wordle/", params).status_code == 400


def test_an_unknown_game_has_an_empty_leaderboard_unless_the_site_refuses_unknown_games(bot):
    from accounts import site_settings

    assert bot.get("/api/v1/gamestats/leaderboards/chess/").json()["results"] == []
    site_settings.set_value("gamestats_unknown_games", "refuse")
    assert bot.get("/api/v1/gamestats/leaderboards/chess/").status_code == 404


def test_leaderboard_and_list_queries_stay_constant(bot, django_assert_max_num_queries):
    players_with_games(3)
    with django_assert_max_num_queries(20) as few:
        board(bot)
        bot.get(USERS)
        bot.get(GUILDS)
    players_with_games(12, guild_id=snowflake())

    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(board(bot)["results"]) == 15
        assert len(bot.get(USERS).json()["results"]) == 15
        bot.get(GUILDS)


def test_users_are_found_by_id_prefix_or_name(bot):
    ann = snowflake()
    ingest.store(ingest.parse([{"user_id": ann, "username": "Annika", "command": "ping"}]))
    ingest.store(ingest.parse([{"user_id": snowflake(), "username": "bob", "command": "ping"}]))

    by_name = bot.get(USERS, {"q": "nnik"}).json()["results"]
    by_id = bot.get(USERS, {"q": ann[:15]}).json()["results"]

    assert [u["discord_id"] for u in by_name] == [ann]
    assert ann in [u["discord_id"] for u in by_id]
    assert bot.get(USERS, {"q": "nn\x00ik"}).status_code == 400  # found by fuzzing: NUL must not reach PostgreSQL


def test_a_users_detail_has_stats_quotas_and_recent_commands(bot):
    ann = players_with_games(2)[1]
    quotas.consume(user_id=ann, api_name="gemini")

    body = bot.get(f"{USERS}{ann}/").json()

    assert body["game_stats"][0]["games_played"] == 3
    assert body["api_usage"][0] | {"last_used_at": None} == {
        "api_name": "gemini",
        "endpoint": "",
        "usage_count": 1,
        "success_count": 0,
        "error_count": 0,
        "last_used_at": None,
        "limit": 100,
        "used_today": 1,
        "daily_reset_date": body["api_usage"][0]["daily_reset_date"],
    }
    assert [c["command_name"] for c in body["recent_commands"]] == ["wordle"]
    assert bot.get(f"{USERS}{snowflake()}/").status_code == 404


def test_staff_moderate_users_and_edit_guild_settings_the_bot_only_reads(bot, staff_key):
    ann, guild = snowflake(), snowflake()
    ingest.store(ingest.parse([{"user_id": ann, "guild_id": guild, "command": "ping"}]))

    assert bot.patch(f"{USERS}{ann}/", {"is_blacklisted": True}).status_code == 403
    banned = staff_key.patch(f"{USERS}{ann}/", {"is_blacklisted": True, "blacklist_reason": "spam"})
    saved = staff_key.patch(f"{GUILDS}{guild}/", {"settings": {"prefix": "!", "games_enabled": False}}, format="json")
    refused = staff_key.patch(f"{GUILDS}{guild}/", {"settings": {"prefix": "toolong!", "language": 5}}, format="json")

    assert banned.status_code == 200 and DiscordUser.objects.get(discord_id=ann).blacklist_reason == "spam"
    assert saved.status_code == 200
    assert refused.status_code == 400
    assert "prefix" in str(refused.json()["errors"]) and "language" in str(refused.json()["errors"])
    assert Guild.objects.get(discord_id=guild).settings == {"prefix": "!", "games_enabled": False}
    assert bot.get(f"{GUILDS}{guild}/").json()["members_seen"] == 1


def test_read_only_keys_can_read_but_not_send(service_account):
    from accounts.models import ApiKey
    from accounts.services import api_key_create

    _, raw = api_key_create(user=service_account, name="reader", scope=ApiKey.Scope.READ)
    client = key_client(service_account)
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {raw}")

    assert client.get(USERS).status_code == 200
    assert client.post("/api/v1/gamestats/commands/", {"user_id": snowflake(), "command": "x"}).status_code == 403


def test_the_bot_reports_a_guilds_owner_members_and_when_it_joined_and_left(bot, staff):
    """These seed fields could only be set by staff, so they were never filled in."""
    from tests.conftest import jwt_client

    guild, owner = snowflake(), snowflake()
    url = f"/api/v1/gamestats/guilds/{guild}/report/"

    joined = bot.post(url, {"event": "joined", "name": "Cafe", "owner_id": owner, "member_count": 42,
                            "at": "2026-11-01T10:00:00Z"}, format="json")  # fmt: skip
    grown = bot.post(url, {"member_count": 57}, format="json")
    left = bot.post(url, {"event": "left", "at": "2026-12-01T10:00:00Z"}, format="json")

    assert joined.status_code == grown.status_code == left.status_code == 200
    body = left.json()
    assert (body["name"], body["owner_id"], body["member_count"]) == ("Cafe", owner, 57)
    assert body["joined_at"].startswith("2026-11-01") and body["left_at"].startswith("2026-12-01")
    back = bot.post(url, {"event": "joined"}, format="json").json()
    assert back["left_at"] is None
    # moderation stays staff's
    assert bot.patch(f"/api/v1/gamestats/guilds/{guild}/", {"is_blacklisted": True}, format="json").status_code == 403
    assert jwt_client(staff).post(url, {"member_count": 1}, format="json").status_code == 200


@pytest.mark.parametrize(
    ("guild", "body"),
    [("123", {}), (None, {"owner_id": "abc"}), (None, {"member_count": -1}), (None, {"event": "kicked"})],
)
def test_bad_guild_reports_are_a_400(bot, guild, body):
    from gamestats.models import Guild

    response = bot.post(f"/api/v1/gamestats/guilds/{guild or snowflake()}/report/", body, format="json")

    assert response.status_code == 400 and not Guild.objects.exists()


def test_others_cannot_report_guilds(alice_api):
    assert alice_api.post(f"/api/v1/gamestats/guilds/{snowflake()}/report/", {}, format="json").status_code == 403
