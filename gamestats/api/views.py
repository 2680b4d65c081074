"""Game stats API: the bot sends commands, game results and quota requests; staff and the bot read the rest."""

from __future__ import annotations

from typing import Any, cast

from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, filters, mixins, serializers, status, viewsets
from rest_framework.generics import ListAPIView
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer
from rest_framework.views import APIView

from accounts.permissions import IsAuthenticatedAndMayWrite
from gamestats import clock, games, ingest, leaderboards, quotas, rules, selectors, services
from gamestats.api import serializers as shapes
from gamestats.api.permissions import IsBotOrStaff, StaffChangesOnly
from gamestats.models import DiscordUser, Game, GameStats, Guild
from gamestats.snowflakes import snowflake_error
from quillium_site.api.views import ScopedRows


class GamestatsView(APIView):
    permission_classes = [IsAuthenticatedAndMayWrite, IsBotOrStaff]


class CommandIngestView(GamestatsView):
    """Store command events: one event object, or `{"events": [...]}` with up to 1,000. Unknown users and guilds
    are created; nothing is stored when any event is invalid or names a blacklisted user or guild."""

    @extend_schema(request=shapes.CommandBatchDoc, responses={201: shapes.IngestedSerializer})
    def post(self, request: Request) -> Response:
        body = request.data
        events = body.get("events") if isinstance(body, dict) and "events" in body else body
        try:
            parsed = ingest.parse([events] if isinstance(events, dict) else events)
        except ingest.BatchInvalid as invalid:
            raise exceptions.ValidationError(invalid.errors) from None
        result = ingest.store(parsed)
        return Response(shapes.IngestedSerializer(result).data, status=status.HTTP_201_CREATED)


class GameResultView(GamestatsView):
    """Count a finished game; the answer has the player's stats for that game and any achievement it unlocked."""

    @extend_schema(request=shapes.GameResultInput, responses=shapes.GameOutcomeSerializer)
    def post(self, request: Request) -> Response:
        given = shapes.GameResultInput(data=request.data)
        given.is_valid(raise_exception=True)
        outcome = services.game_record(**given.validated_data)
        return Response(shapes.GameOutcomeSerializer(outcome).data)


class GameTypesView(GamestatsView):
    """GET: the games (registered, then played without being registered) and the achievements. POST (staff):
    register a game with its rules."""

    permission_classes = [*GamestatsView.permission_classes, StaffChangesOnly]

    @extend_schema(responses=shapes.GameCatalogSerializer)
    def get(self, request: Request) -> Response:
        catalog = {"games": games.known(), "achievements": rules.ACHIEVEMENTS}
        return Response(shapes.GameCatalogSerializer(catalog).data)

    @extend_schema(request=shapes.GameInput, responses={201: shapes.GameInput})
    def post(self, request: Request) -> Response:
        given = shapes.GameInput(data=request.data)
        given.is_valid(raise_exception=True)
        game = services.game_save(Game(**given.validated_data))
        return Response(shapes.GameInput(game).data, status=status.HTTP_201_CREATED)


class GameTypeView(GamestatsView):
    """PATCH (staff): change a registered game's label or rules."""

    permission_classes = [*GamestatsView.permission_classes, StaffChangesOnly]

    @extend_schema(request=shapes.GameInput, responses=shapes.GameInput)
    def patch(self, request: Request, key: str) -> Response:
        game = Game.objects.filter(key=key).first()
        if game is None:
            raise exceptions.NotFound(_("No registered game with this key."))
        given = shapes.GameInput(game, data=request.data, partial=True)
        given.is_valid(raise_exception=True)
        if given.validated_data.get("key", key) != key:
            raise exceptions.ValidationError({"key": _("A game's key can't change; register a new game instead.")})
        for field, value in given.validated_data.items():
            setattr(game, field, value)
        return Response(shapes.GameInput(services.game_save(game)).data)


class ConsumeView(GamestatsView):
    """Take one unit of the user's daily allowance of an API. `allowed: false` when none is left (with when it
    comes back); 403 for a blacklisted user or guild."""

    @extend_schema(request=shapes.ConsumeInput, responses=shapes.DecisionSerializer)
    def post(self, request: Request) -> Response:
        given = shapes.ConsumeInput(data=request.data)
        given.is_valid(raise_exception=True)
        return Response(shapes.DecisionSerializer(quotas.consume(**given.validated_data)).data)


class OutcomeView(GamestatsView):
    """Report how a call went (success or error), after a consume."""

    @extend_schema(request=shapes.OutcomeInput, responses={204: None})
    def post(self, request: Request) -> Response:
        given = shapes.OutcomeInput(data=request.data)
        given.is_valid(raise_exception=True)
        if not quotas.record_outcome(**given.validated_data):
            raise exceptions.NotFound(_("This user never used that API; consume a unit first."))
        return Response(status=status.HTTP_204_NO_CONTENT)


class DiscordViewSet(ScopedRows, mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.UpdateModelMixin,
                     viewsets.GenericViewSet):  # fmt: skip
    """Users or guilds by Discord id: the bot reads, staff may PATCH (the household's rows: all of them)."""

    permission_classes = [IsAuthenticatedAndMayWrite, IsBotOrStaff, StaffChangesOnly]
    lookup_field = "discord_id"
    filter_backends = [filters.OrderingFilter]
    http_method_names = ["get", "patch", "head", "options"]

    @extend_schema(
        parameters=[OpenApiParameter("q", str, description=gettext_lazy("Discord id prefix or part of the name."))]
    )
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)


class DiscordUserViewSet(DiscordViewSet):
    """Discord users the bot has seen. `?q=` finds by id (prefix) or name. Staff may PATCH the whitelist and
    blacklist flags."""

    ordering_fields = ["last_seen_at", "total_commands_used", "first_seen_at", "username"]
    ordering = ["-last_seen_at"]
    model = DiscordUser

    def perform_update(self, serializer: BaseSerializer) -> None:
        user = cast(DiscordUser, serializer.instance)
        serializer.instance = services.discord_user_update(user, **serializer.validated_data)

    def rows_for(self, user: Any) -> QuerySet[DiscordUser]:
        users = selectors.find_users(self.request.query_params.get("q", ""))
        if self.action == "retrieve":
            users = users.prefetch_related(Prefetch("game_stats", GameStats.objects.order_by("game_type")), "api_usage")
        return users

    def get_serializer_class(self) -> type[serializers.Serializer]:
        return shapes.DiscordUserDetailSerializer if self.action == "retrieve" else shapes.DiscordUserSerializer

    def get_serializer_context(self) -> dict[str, Any]:
        return {**super().get_serializer_context(), "today": clock.today()}

    def get_object(self) -> DiscordUser:
        user = super().get_object()
        user.recent_commands = user.commands.order_by("-executed_at")[:20]
        return user


class GuildViewSet(DiscordViewSet):
    """Guilds the bot is in. `?q=` finds by id (prefix) or name. Staff may PATCH them, settings included (checked
    against the settings schema)."""

    model = Guild
    serializer_class = shapes.GuildSerializer
    ordering_fields = ["name", "member_count", "joined_at", "members_seen"]
    ordering = ["name"]

    def perform_update(self, serializer: BaseSerializer) -> None:
        serializer.instance = services.guild_update(cast(Guild, serializer.instance), **serializer.validated_data)

    def rows_for(self, user: Any) -> QuerySet[Guild]:
        return selectors.find_guilds(self.request.query_params.get("q", ""))


class GuildReportView(GamestatsView):
    """The bot reports a guild: name, owner, member count, and that it joined or left (the guild is made on first
    report). Moderation and settings stay staff's, through PATCH on the guild."""

    @extend_schema(request=shapes.GuildReportInput, responses=shapes.GuildSerializer)
    def post(self, request: Request, discord_id: str) -> Response:
        if error := snowflake_error(discord_id):
            raise exceptions.ValidationError({"discord_id": error})
        given = shapes.GuildReportInput(data=request.data)
        given.is_valid(raise_exception=True)
        guild = services.guild_report(discord_id, **given.validated_data)
        return Response(shapes.GuildSerializer(selectors.find_guilds("").get(pk=guild.pk)).data)


class LeaderboardQuery(serializers.Serializer):
    by = serializers.ChoiceField(choices=list(leaderboards.ORDERS), default="wins")
    guild = serializers.CharField(
        required=False, help_text=gettext_lazy("A guild's Discord id: only players seen there.")
    )
    min_games = serializers.IntegerField(
        min_value=1, max_value=1_000_000, required=False, help_text=gettext_lazy("For by=win_rate.")
    )

    def validate_guild(self, value: str) -> str:
        if error := snowflake_error(value):
            raise serializers.ValidationError(error)
        return value


class LeaderboardView(ScopedRows, ListAPIView):
    """One game's players in rank order, globally or in one guild, by wins, best score, win rate (with a minimum
    number of games), current or best streak."""

    permission_classes = [IsAuthenticatedAndMayWrite, IsBotOrStaff]
    model = GameStats
    serializer_class = shapes.LeaderboardEntrySerializer

    @extend_schema(parameters=[LeaderboardQuery])
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    def rows_for(self, user: Any) -> QuerySet[GameStats]:
        """Leaderboards are the household's: the bot and staff, who alone get here, see all of them."""
        if games.game(self.kwargs["game"]) is None:
            raise Http404(_("No such game."))
        query = LeaderboardQuery(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        return leaderboards.leaderboard(
            self.kwargs["game"],
            by=query.validated_data["by"],
            guild_id=query.validated_data.get("guild"),
            min_games=query.validated_data.get("min_games"),
        )
