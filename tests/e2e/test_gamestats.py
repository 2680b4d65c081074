"""Staff find a Discord user from the game stats overview and see their games, quotas and commands."""

import pytest
from playwright.sync_api import Page, expect

from gamestats import quotas
from tests.e2e.helpers import sign_in
from tests.gamestats.factories import players_with_games


@pytest.mark.django_db(transaction=True)
def test_staff_find_a_player(live_server, page: Page, staff, password):
    player = players_with_games(2)[1]
    quotas.consume(user_id=player, api_name="gemini")
    sign_in(page, live_server.url, staff.email, password)

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Game stats").click()
    expect(page.get_by_role("heading", name="Commands per day")).to_be_visible()
    expect(page.locator(".chart svg rect.bar")).to_have_count(30)
    page.get_by_label("Find a Discord user by id or name").fill(player[:12])
    page.get_by_label("Find a Discord user by id or name").press("Enter")
    page.get_by_role("link", name="player1").click()

    expect(page.get_by_role("heading", name="player1")).to_be_visible()
    games = page.get_by_role("table").first
    expect(games.get_by_role("cell", name="Wordle")).to_be_visible()
    expect(page.get_by_role("cell", name="gemini")).to_be_visible()
    expect(page.get_by_role("cell", name="/wordle")).to_be_visible()
