from django.urls import path
from rest_framework.routers import SimpleRouter

from gamestats.api import views

router = SimpleRouter()
router.register("gamestats/users", views.DiscordUserViewSet, basename="gamestats-user")
router.register("gamestats/guilds", views.GuildViewSet, basename="gamestats-guild")

urlpatterns = [
    path("gamestats/commands/", views.CommandIngestView.as_view(), name="gamestats-commands"),
    path("gamestats/games/", views.GameResultView.as_view(), name="gamestats-games"),
    path("gamestats/games/types/", views.GameTypesView.as_view(), name="gamestats-game-types"),
    path("gamestats/games/types/<str:key>/", views.GameTypeView.as_view(), name="gamestats-game-type"),
    path("gamestats/guilds/<str:discord_id>/report/", views.GuildReportView.as_view(), name="gamestats-guild-report"),
    path("gamestats/api-usage/consume/", views.ConsumeView.as_view(), name="gamestats-consume"),
    path("gamestats/api-usage/outcome/", views.OutcomeView.as_view(), name="gamestats-outcome"),
    path("gamestats/leaderboards/<slug:game>/", views.LeaderboardView.as_view(), name="gamestats-leaderboard"),
    *router.urls,
]
