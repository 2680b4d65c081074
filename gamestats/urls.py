from django.urls import path

from gamestats import views

app_name = "gamestats"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("players/", views.players, name="players"),
    path("players/<str:discord_id>/", views.player, name="player"),
    path("players/<str:discord_id>/moderate/", views.player_moderate, name="player-moderate"),
    path("guilds/", views.guilds, name="guilds"),
    path("guilds/<str:discord_id>/", views.guild, name="guild"),
    path("guilds/<str:discord_id>/settings/", views.guild_settings, name="guild-settings"),
    path("leaderboards/<slug:game>/", views.leaderboard, name="leaderboard"),
    path("leaderboards/<slug:game>/export.json", views.leaderboard_export, name="leaderboard-export"),
]
