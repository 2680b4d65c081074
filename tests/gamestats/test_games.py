"""`gamestats/games/`: results counted exactly, streaks, achievements unlocked once."""

from __future__ import annotations

from decimal import Decimal

import pytest

from gamestats.models import DiscordUser, GameStats, GuildMember
from gamestats.services import game_record
from tests.gamestats.conftest import snowflake

pytestmark = pytest.mark.django_db

GAMES = "/api/v1/gamestats/games/"
TYPES = "/api/v1/gamestats/games/types/"


def play(client, user_id, won=True, score=3, game="wordle", **extra):
    body = {"user_id": user_id, "game_type": game, "won": won, "score": score, "playtime_seconds": 40, **extra}
    return client.post(GAMES, body, format="json")


def test_results_update_every_figure(bot):
    ann, guild = snowflake(), snowflake()
    for won, score in [(True, 4), (False, 0), (True, 5)]:
        assert play(bot, ann, won, score, username="ann", guild_id=guild).status_code == 200

    stats = GameStats.objects.get(user_id=ann, game_type="wordle")
    assert (stats.games_played, stats.games_won, stats.games_lost) == (3, 2, 1)
    assert (stats.best_score, stats.worst_score, stats.average_score) == (5, 0, Decimal("3.00"))
    assert (stats.total_playtime_seconds, stats.current_streak, stats.best_streak) == (120, 1, 1)
    assert DiscordUser.objects.get(discord_id=ann).username == "ann"
    assert GuildMember.objects.filter(guild_id=guild, user_id=ann).exists()


def test_achievements_unlock_once_each_when_earned(bot):
    ann = snowflake()
    first = play(bot, ann, True, 3).json()
    assert [a["key"] for a in first["unlocked"]] == ["first_win"]

    answers = [play(bot, ann, True, 3).json() for _ in range(4)]
    assert [a["key"] for a in answers[-1]["unlocked"]] == ["five_in_a_row"]
    assert all(not answer["unlocked"] for answer in answers[:-1])

    perfect = play(bot, ann, True, 6).json()
    assert [a["key"] for a in perfect["unlocked"]] == ["perfect_score"]
    assert play(bot, ann, True, 6).json()["unlocked"] == []
    for _ in range(3):
        play(bot, ann, True, 1)
    keys = [a["key"] for a in GameStats.objects.get(user_id=ann).achievements]
    assert keys == ["first_win", "five_in_a_row", "perfect_score", "ten_wins"]


def test_a_loss_ends_the_streak_but_keeps_the_best(bot):
    ann = snowflake()
    for won in [True, True, True, False, True]:
        play(bot, ann, won, 1 if won else 0)

    stats = GameStats.objects.get(user_id=ann)
    assert (stats.current_streak, stats.best_streak) == (1, 3)


def test_a_hundred_games_earn_the_regular_badge(db):
    ann = snowflake()
    for n in range(100):
        outcome = game_record(user_id=ann, game_type="rps", won=n % 2 == 0, score=n % 2, playtime_seconds=3)

    assert [a.key for a in outcome.unlocked] == ["hundred_games"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"game_type": "Not a key!"}, "game_type"),
        ({"score": 7}, "score"),
        ({"score": -1}, "score"),
        ({"user_id": "123"}, "user_id"),
        ({"guild_id": "abc"}, "guild_id"),
        ({"playtime_seconds": -3}, "playtime_seconds"),
        ({"won": "maybe"}, "won"),
    ],
)
def test_bad_results_are_a_400_and_count_nothing(bot, body, field):
    base = {"user_id": snowflake(), "game_type": "wordle", "won": True, "score": 3}

    response = bot.post(GAMES, {**base, **body}, format="json")

    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert not GameStats.objects.exists() and not DiscordUser.objects.exists()


def test_a_bad_score_is_explained_in_the_clients_language_with_the_games_name(bot):
    body = {"user_id": snowflake(), "game_type": "rps", "won": True, "score": 7}

    english = bot.post(GAMES, body, format="json").json()["errors"]["score"]
    japanese = bot.post(GAMES, body, format="json", headers={"accept-language": "ja"}).json()["errors"]["score"]

    assert english == ["A Rock paper scissors score runs from 0 to 1; got 7."]
    assert japanese == ["じゃんけん のスコアは 0 から 1 までです（受け取った値: 7）。"]


def test_blacklisted_players_are_refused_with_the_reason(bot):
    troll = snowflake()
    play(bot, troll)
    DiscordUser.objects.filter(discord_id=troll).update(is_blacklisted=True, blacklist_reason="cheating")

    response = play(bot, troll)

    assert response.status_code == 403
    assert response.json()["code"] == "blacklisted" and "cheating" in response.json()["detail"]
    assert GameStats.objects.get(user_id=troll).games_played == 1


def test_the_bot_can_list_games_and_achievements(bot):
    body = bot.get("/api/v1/gamestats/games/types/").json()

    wordle = next(game for game in body["games"] if game["key"] == "wordle")
    assert (wordle["label"], wordle["max_score"], wordle["negative_scores"]) == ("Wordle", 6, False)
    assert [a["key"] for a in body["achievements"]] == [
        "first_win",
        "ten_wins",
        "hundred_games",
        "perfect_score",
        "five_in_a_row",
    ]


def test_a_game_nobody_registered_is_counted_with_no_rules(bot):
    """The seed's game_type is open text: an unknown game was a 400, and negative scores always were."""
    ann = snowflake()

    first = play(bot, ann, True, -12, game="golf")
    play(bot, ann, True, 100_000, game="golf")

    assert first.status_code == 200 and [a["key"] for a in first.json()["unlocked"]] == ["first_win"]
    stats = GameStats.objects.get(user_id=ann, game_type="golf")
    assert (stats.worst_score, stats.best_score) == (-12, 100_000)
    assert "perfect_score" not in {a["key"] for a in stats.achievements}  # no maximum, no perfect game
    listed = bot.get("/api/v1/gamestats/games/types/").json()["games"]
    assert {"key": "golf", "label": "golf", "max_score": None, "negative_scores": True, "achievements": None} in listed


def test_the_site_can_refuse_unknown_games(bot):
    from accounts import site_settings

    site_settings.set_value("gamestats_unknown_games", "refuse")

    response = play(bot, snowflake(), game="golf")

    assert response.status_code == 400 and "Unknown game 'golf'" in response.json()["detail"]
    assert not GameStats.objects.exists()


def test_staff_register_a_game_with_its_rules_and_the_bot_plays_by_them(bot, staff):
    from tests.conftest import jwt_client

    staff_api = jwt_client(staff)
    rules = {"key": "darts", "label": "Darts", "max_score": 180, "negative_scores": True, "achievements": ["first_win"]}
    assert bot.post(TYPES, rules, format="json").status_code == 403  # the bot reads, staff register
    assert staff_api.post(TYPES, rules, format="json").status_code == 201
    ann = snowflake()

    assert play(bot, ann, True, 181, game="darts").status_code == 400
    for _ in range(5):
        assert play(bot, ann, True, -3, game="darts").status_code == 200

    stats = GameStats.objects.get(user_id=ann, game_type="darts")
    assert [a["key"] for a in stats.achievements] == ["first_win"]  # five in a row isn't one of darts'


def test_staff_change_a_game_but_not_its_key(staff):
    from tests.conftest import jwt_client

    staff_api = jwt_client(staff)

    changed = staff_api.patch(f"{TYPES}wordle/", {"max_score": 7, "label": "Wordle+"}, format="json")
    renamed = staff_api.patch(f"{TYPES}wordle/", {"key": "wordle2"}, format="json")
    missing = staff_api.patch(f"{TYPES}nope/", {"label": "x"}, format="json")
    bad = staff_api.post(TYPES, {"key": "x", "label": "X", "max_score": -1}, format="json")

    assert changed.status_code == 200 and changed.json()["max_score"] == 7
    assert renamed.status_code == 400 and missing.status_code == 404
    assert bad.status_code == 400 and "max_score" in bad.json()["errors"]
    assert game_record(user_id=snowflake(), game_type="wordle", won=True, score=7, playtime_seconds=1).stats


def test_staff_register_games_in_the_admin(admin_client):
    from gamestats.models import Game

    form = {"key": "chess", "label": "Chess", "max_score": "1", "achievements": '["first_win", "ten_wins"]'}

    assert admin_client.post("/admin/gamestats/game/add/", form).status_code == 302
    assert Game.objects.get(key="chess").rules().achievements == frozenset({"first_win", "ten_wins"})
