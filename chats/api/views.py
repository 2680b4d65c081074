"""Chats API: chats, folders, messages with streamed replies, regenerate, stop, export."""

from __future__ import annotations

from typing import cast

from asgiref.sync import async_to_sync
from django.db.models import Count, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseBase, StreamingHttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, pagination, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import MultiPartParser
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer
from rest_framework.views import APIView

from accounts.models import User
from accounts.principals import signed_in
from ai.client import ProviderError
from chats import export, services
from chats.api import serializers
from chats.api.renderers import EventStreamRenderer
from chats.models import Chat, Folder, Message
from chats.replies import Event, collect_reply, message_payload, release_connection, run_reply
from quillium_site.api.views import ScopedRows


class MessageCursor(pagination.CursorPagination):
    ordering = ("created_at", "id")
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


@extend_schema_view(
    list=extend_schema(parameters=[OpenApiParameter("search", str, description=gettext_lazy("Title or text."))])
)
class ChatViewSet(ScopedRows, viewsets.ModelViewSet):
    """The user's chats; `?search=` looks in titles and messages (archived chats too), `?folder=`, `?pinned=` and
    `?is_archived=` filter; without a search or `?is_archived=`, the list leaves archived chats out."""

    model = Chat
    serializer_class = serializers.ChatSerializer
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]
    filterset_fields = ["folder", "pinned", "is_archived"]

    def rows_for(self, user: User) -> QuerySet[Chat]:
        chats = Chat.objects.visible_to(user).annotate(message_count=Count("messages"))
        params = self.request.query_params
        if self.action == "list" and "is_archived" not in params and not params.get("search", "").strip():
            chats = chats.filter(is_archived=False)
        # Meta.ordering doesn't apply to GROUP BY queries, so say it again.
        return chats.search(self.request.query_params.get("search", "")).order_by(*(Chat._meta.ordering or ()))

    @extend_schema(methods=["GET"], responses=serializers.ShareSerializer(many=True))
    @extend_schema(methods=["POST"], request=None, responses={201: serializers.ShareCreatedSerializer})
    @action(detail=True, methods=["get", "post"])
    def shares(self, request: Request, pk: str | None = None) -> Response:
        """GET: the chat's open share links. POST: a new read-only link to the chat as it stands now."""
        chat = self.get_object()
        if request.method == "POST":
            share, token = services.share_create(chat)
            url = request.build_absolute_uri(reverse("chats:shared", args=[token]))
            data = {**serializers.ShareSerializer(share).data, "url": url}
            return Response(data, status=status.HTTP_201_CREATED)
        return Response(serializers.ShareSerializer(chat.shares.filter(revoked_at=None), many=True).data)

    @extend_schema(request=None, responses={204: OpenApiResponse(description=gettext_lazy("The link is revoked."))})
    @action(detail=True, methods=["post"], url_path=r"shares/(?P<share_pk>[0-9]{1,18})/revoke", url_name="share-revoke")
    def share_revoke(self, request: Request, pk: str | None = None, share_pk: str = "0") -> Response:
        """End a share link: it opens nothing from now on."""
        services.share_revoke(get_object_or_404(self.get_object().shares, pk=int(share_pk)))
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(methods=["GET"], responses=serializers.ChatFileSerializer(many=True))
    @extend_schema(
        methods=["POST"],
        request={"multipart/form-data": serializers.ChatFileUpload},
        responses={201: serializers.ChatFileSerializer},
    )
    @action(detail=True, methods=["get", "post"], parser_classes=[MultiPartParser])
    def files(self, request: Request, pk: str | None = None) -> Response:
        """GET: the chat's files, sent and unsent. POST (multipart, `file`): attach a file to the next message (its
        id goes in the message's `files`); images need a model that reads images, text/Markdown/PDF become context,
        anything else is refused with the reason (400)."""
        chat = self.get_object()
        if request.method == "POST":
            upload = serializers.ChatFileUpload(data=request.data)
            upload.is_valid(raise_exception=True)
            attachment = services.chat_file_add(chat, upload.validated_data["file"])
            return Response(serializers.ChatFileSerializer(attachment).data, status=status.HTTP_201_CREATED)
        return Response(serializers.ChatFileSerializer(chat.files.all(), many=True).data)

    @extend_schema(request=None, responses={204: OpenApiResponse(description=gettext_lazy("The file is removed."))})
    @action(detail=True, methods=["delete"], url_path=r"files/(?P<file_pk>[0-9a-f-]{36})", url_name="file")
    def file_delete(self, request: Request, pk: str | None = None, file_pk: str = "") -> Response:
        """Take back a file not sent yet (409 once it was sent)."""
        services.chat_file_delete(get_object_or_404(self.get_object().files, pk=file_pk))
        return Response(status=status.HTTP_204_NO_CONTENT)

    def perform_create(self, serializer: BaseSerializer) -> None:
        chat = services.chat_create(owner=signed_in(self.request), **serializer.validated_data)
        chat.message_count = 0  # type: ignore[attr-defined]  # what the list's annotation adds
        serializer.instance = chat

    def perform_update(self, serializer: BaseSerializer) -> None:
        services.chat_update(cast(Chat, serializer.instance), **serializer.validated_data)

    def perform_destroy(self, instance: Chat) -> None:
        services.chat_delete(instance)

    @extend_schema(
        request=None, responses={200: OpenApiResponse(description=gettext_lazy("How many replies were stopped."))}
    )
    @action(detail=True, methods=["post"])
    def stop(self, request: Request, pk: str | None = None) -> Response:
        """Stop the running reply; it keeps its partial text with status `stopped`."""
        return Response({"stopped": services.reply_stop(self.get_object())})

    @extend_schema(
        parameters=[
            OpenApiParameter("as", str, enum=["markdown", "json"], description=gettext_lazy("Default: markdown."))
        ],
        responses={200: OpenApiResponse(description=gettext_lazy("The chat as a file."))},
    )
    @action(detail=True, methods=["get"])
    def export(self, request: Request, pk: str | None = None) -> HttpResponse:
        """Download the chat as Markdown or JSON."""
        chat = self.get_object()
        kind = request.query_params.get("as", "markdown")
        if kind not in {"markdown", "json"}:
            raise exceptions.ValidationError({"as": _("Choose markdown or json.")})
        return export.download(chat, kind)


def wants_stream(request: HttpRequest | Request) -> bool:
    return "text/event-stream" in request.headers.get("Accept", "")


class ReplyStreamingMixin(APIView):
    """Answer with SSE when the client asks for text/event-stream, else with JSON after the reply is done."""

    renderer_classes = [JSONRenderer, EventStreamRenderer]

    def handle_exception(self, exc: Exception) -> Response:
        # Errors before the stream starts are JSON, whatever was asked for.
        self.request.accepted_renderer = JSONRenderer()
        self.request.accepted_media_type = JSONRenderer.media_type
        return super().handle_exception(exc)

    def reply_response(self, question: Message | None, reply: Message) -> HttpResponseBase:
        if wants_stream(self.request):
            start = Event("start", {"question": question.pk if question else None, "reply": reply.pk})
            prompt = services.prompt_for(reply)  # here, while this request's thread holds a connection
            release_connection()

            async def events():
                yield start.encode()
                async for event in run_reply(reply, prompt):
                    yield event.encode()

            response = StreamingHttpResponse(events(), content_type="text/event-stream")
            response["Cache-Control"] = "no-cache"
            response["X-Accel-Buffering"] = "no"  # tell nginx not to buffer the stream
            return response
        reply = async_to_sync(collect_reply)(reply)
        body = {"question": message_payload(question) if question else None, "reply": message_payload(reply)}
        return Response(body, status=_status_of(reply))


def _status_of(reply: Message) -> int:
    """201 when the reply was written; when the provider failed, 502 (503 if none is configured), with the
    saved question and the failed reply in the body so the client can show the error and retry."""
    if reply.status != Message.Status.FAILED:
        return status.HTTP_201_CREATED
    return ProviderError(reply.error_kind, reply.error).http_status


class MessageViewSet(ScopedRows, ReplyStreamingMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    """Messages of one chat, oldest first (cursor-paginated). POST asks the model and answers."""

    model = Message
    serializer_class = serializers.MessageSerializer
    pagination_class = MessageCursor

    def chat(self) -> Chat:
        user = signed_in(self.request)
        chat = get_object_or_404(Chat.objects.visible_to(user), pk=self.kwargs["chat_pk"])
        chat.owner = user  # the same row, already loaded with what the quota check and the ledger read
        return chat

    def rows_for(self, user: User) -> QuerySet[Message]:
        """The conversation as shown (the active version of each turn); `?all=true` lists every version."""
        chat = self.chat()
        path = services.chat_path(chat)
        self.versions = {m.pk: {"version": m.version, "versions": m.siblings} for m in path}  # type: ignore[attr-defined]
        if self.request.query_params.get("all") in ("1", "true"):
            return chat.messages.prefetch_related("files")
        return chat.messages.filter(pk__in=list(self.versions)).prefetch_related("files")

    def get_serializer_context(self) -> dict:
        return {**super().get_serializer_context(), "versions": getattr(self, "versions", {})}

    def _message(self, pk: str) -> Message:
        return get_object_or_404(self.chat().messages.select_related("chat"), pk=pk)

    @extend_schema(request=serializers.MessageInput, responses={201: serializers.ExchangeOutput})
    @action(detail=True, methods=["post"])
    def edit(self, request: Request, chat_pk: str, pk: str) -> HttpResponseBase:
        """Ask an edited version of one of your questions; the earlier version and what followed stay as versions."""
        data = serializers.MessageInput(data=request.data)
        data.is_valid(raise_exception=True)
        question, reply = services.message_edit(self._message(pk), data.validated_data["content"])
        return self.reply_response(question, reply)

    @extend_schema(request=None, responses={200: serializers.MessageSerializer})
    @action(detail=True, methods=["post"])
    def show(self, request: Request, chat_pk: str, pk: str) -> Response:
        """Show this version of a reply or question (and what followed it) instead of its siblings."""
        message = services.version_show(self._message(pk))
        return Response(serializers.MessageSerializer(message, context=self.get_serializer_context()).data)

    @extend_schema(
        request=serializers.MessageInput,
        responses={
            201: serializers.ExchangeOutput,
            429: OpenApiResponse(description=gettext_lazy("Daily token quota used up.")),
        },
        description=gettext_lazy(
            "Saves the message, then answers. With `Accept: text/event-stream` the reply streams as "
            "Server-Sent Events: `start` (ids), `delta` (text pieces), then `done`, `stopped` or `error` carrying the "
            "saved message with its token counts."
        ),
    )
    def create(self, request: Request, chat_pk: str) -> HttpResponseBase:
        chat = self.chat()
        data = serializers.MessageInput(data=request.data)
        data.is_valid(raise_exception=True)
        question, reply = services.message_send(
            chat, data.validated_data["content"], files=data.validated_data.get("files")
        )
        return self.reply_response(question, reply)

    @extend_schema(request=None, responses={201: serializers.ExchangeOutput})
    @action(detail=False, methods=["post"])
    def regenerate(self, request: Request, chat_pk: str) -> HttpResponseBase:
        """Answer the last question again (also the way to retry a failed reply)."""
        reply = services.reply_regenerate(self.chat())
        return self.reply_response(None, reply)


class FolderViewSet(ScopedRows, viewsets.ModelViewSet):
    """The user's chat folders; deleting one leaves its chats unfiled."""

    model = Folder
    serializer_class = serializers.FolderSerializer
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def perform_create(self, serializer: BaseSerializer) -> None:
        serializer.instance = services.folder_create(owner=signed_in(self.request), **serializer.validated_data)

    def perform_update(self, serializer: BaseSerializer) -> None:
        folder = cast(Folder, serializer.instance)
        services.folder_rename(folder, serializer.validated_data.get("name", folder.name))

    def perform_destroy(self, instance: Folder) -> None:
        services.folder_delete(instance)
