"""Staff pages: overview with charts, players, guilds with settings, leaderboards with export."""

from __future__ import annotations

import json

import pytest

from gamestats import ingest, quotas
from gamestats.models import DiscordUser, Guild
from tests.gamestats.conftest import snowflake
from tests.gamestats.factories import players_with_games

pytestmark = pytest.mark.django_db


@pytest.fixture
def data():
    guild = snowflake()
    ids = players_with_games(3, guild_id=guild)
    ingest.store(
        ingest.parse(
            [
                {"user_id": ids[0], "guild_id": guild, "guild_name": "Cozy Corner", "command": "screenshot",
                 "execution_time_ms": 900, "success": False, "error_message": "browser crashed"},
                {"user_id": ids[0], "guild_id": guild, "command": "ping", "execution_time_ms": 3},
            ]
        )
    )  # fmt: skip
    quotas.consume(user_id=ids[0], api_name="screenshot")
    return {"guild": guild, "ids": ids}


def test_pages_are_for_staff_only(client, alice, password):
    client.force_login(alice)

    assert client.get("/gamestats/").status_code == 403
    assert b"Game stats" not in client.get("/").content


def test_the_overview_draws_its_charts_from_the_logs(admin_client, data):
    page = admin_client.get("/gamestats/").content.decode()

    assert page.count('class="bar"') == 30  # one bar a day
    assert 'class="bar-error"' in page
    assert "/screenshot" in page and "900 ms" in page  # the slowest command
    assert "https://" not in page.split("<body", 1)[1]  # nothing from outside


def test_an_empty_overview_says_so(admin_client):
    page = admin_client.get("/gamestats/").content.decode()

    assert page.count("No commands in the last 30 days.") == 2 and "No timed commands yet." in page


def test_staff_find_a_player_and_see_stats_quotas_and_commands(admin_client, data):
    ann = data["ids"][0]
    found = admin_client.get("/gamestats/players/", {"q": "player0"}).content.decode()
    assert f"/gamestats/players/{ann}/" in found

    page = admin_client.get(f"/gamestats/players/{ann}/").content.decode()

    assert "wordle" in page and "screenshot" in page  # a game and a quota
    assert "browser crashed" in page and "Cozy Corner" in page
    assert admin_client.get(f"/gamestats/players/{snowflake()}/").status_code == 404
    winner = admin_client.get(f"/gamestats/players/{data['ids'][2]}/").content.decode()
    assert ">First win</span>" in winner  # achievements by their titles


def test_built_in_game_names_and_achievements_are_in_the_readers_language_and_staffs_own_names_as_typed(
    admin_client, data
):
    from gamestats.models import Game

    Game.objects.filter(key="hangman").update(label="Gallows")
    zh = {"accept-language": "zh-Hans"}

    board = admin_client.get("/gamestats/leaderboards/rps/", headers=zh).content.decode()
    winner = admin_client.get(f"/gamestats/players/{data['ids'][2]}/", headers=zh).content.decode()

    assert "石头剪刀布" in board.split("<h1>")[1].split("</h1>")[0]
    assert ">井字棋</a>" in board and ">Gallows</a>" in board and "Rock paper scissors" not in board
    assert ">首胜</span>" in winner


def test_staff_blacklist_and_lift_it_from_the_player_page(admin_client, data):
    ann = data["ids"][1]
    url = f"/gamestats/players/{ann}/moderate/"

    admin_client.post(url, {"action": "blacklist", "reason": "spam"})
    assert DiscordUser.objects.get(discord_id=ann).blacklist_reason == "spam"
    admin_client.post(url, {"action": "unblacklist"})
    admin_client.post(url, {"action": "whitelist"})

    user = DiscordUser.objects.get(discord_id=ann)
    assert (user.is_blacklisted, user.blacklist_reason, user.is_whitelisted) == (False, "", True)


def test_the_guild_page_and_its_settings_form(admin_client, data):
    url = f"/gamestats/guilds/{data['guild']}/"
    page = admin_client.get(url).content.decode()
    assert "Cozy Corner" in page and "player2" in page and "error rate 20%" in page  # 1 of 5 commands failed

    bad = admin_client.post(f"{url}settings/", {"settings": '{"prefix": "way too long"'})
    worse = admin_client.post(f"{url}settings/", {"settings": '{"prefix": "way too long"}'})
    good = admin_client.post(f"{url}settings/", {"settings": '{"prefix": "?", "custom": [1, 2]}'})

    assert bad.status_code == 400 and "Not valid JSON" in bad.content.decode()
    assert worse.status_code == 400 and "prefix" in worse.content.decode()
    assert good.status_code == 302
    assert Guild.objects.get(discord_id=data["guild"]).settings == {"prefix": "?", "custom": [1, 2]}


def test_leaderboard_page_and_json_export(admin_client, data):
    page = admin_client.get("/gamestats/leaderboards/wordle/", {"by": "wins"}).content.decode()
    assert page.index("player2") < page.index("player1") < page.index("player0")

    export = admin_client.get("/gamestats/leaderboards/wordle/export.json", {"guild": data["guild"]})
    body = json.loads(export.content)

    assert export["Content-Disposition"] == 'attachment; filename="leaderboard-wordle.json"'
    assert [row["username"] for row in body["entries"]] == ["player2", "player1", "player0"]
    assert admin_client.get("/gamestats/leaderboards/wordle/", {"by": "nonsense"}).status_code == 400
    assert "Nobody has played this yet" in admin_client.get("/gamestats/leaderboards/chess/").content.decode()
    from accounts import site_settings

    site_settings.set_value("gamestats_unknown_games", "refuse")
    assert admin_client.get("/gamestats/leaderboards/chess/").status_code == 404


def test_lists_paginate_and_search_guilds(admin_client, data):
    assert "Cozy Corner" in admin_client.get("/gamestats/guilds/", {"q": "cozy"}).content.decode()
    assert "No guild matches" in admin_client.get("/gamestats/guilds/", {"q": "nowhere"}).content.decode()
    assert admin_client.get("/gamestats/players/", {"page": 99}).status_code == 200
