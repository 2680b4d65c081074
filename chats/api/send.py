"""POST /chats/{id}/messages/ with `Accept: text/event-stream`: the send as a stream, the path to every first token.

An async view: one trip to the request's thread for DRF's checks (the viewset's own authentication, permissions,
throttles, content negotiation and error rendering) and the reads; then the provider is asked while the question
and the reply are inserted, so the write costs the user nothing (a provider takes longer to its first token).
Everything else at this address (the list, the JSON send) is the viewset as it is.
"""

from __future__ import annotations

import asyncio
import functools
import weakref
from collections.abc import AsyncIterator, Callable

from asgiref.sync import sync_to_async
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponseBase, StreamingHttpResponse

from accounts.principals import signed_in
from ai import services as ai_services
from ai.client import Endpoint, Messages, ProviderError
from ai.models import AIConfig
from chats import selectors, services
from chats.api import serializers
from chats.api.views import MessageViewSet, wants_stream
from chats.models import Chat, Message
from chats.replies import Ahead, Event, chat_model, in_thread, run_reply

DRFView = Callable[..., HttpResponseBase]


def messages_view(viewset_view: DRFView) -> DRFView:
    """The viewset's list/create view, with the streamed send taken by `send_streamed`."""

    @functools.wraps(viewset_view)  # keeps what DRF marks its views with: the schema and csrf_exempt read them
    async def view(request: HttpRequest, chat_pk: int) -> HttpResponseBase:
        if request.method == "POST" and wants_stream(request):
            return await send_streamed(request, chat_pk)
        return await sync_to_async(viewset_view)(request, chat_pk=chat_pk)

    return view  # type: ignore[return-value]  # path() takes async views too; django-stubs says sync only


# How many sends of one process do their checks, reads and insert at once (streaming is not limited). Under a burst,
# sends that all advance together all reach their first token late, at the end of the burst; taken a few at a time,
# the first ones are answered early and the last ones no later (bench/chat_stream.py, 50 at once: median 330 →
# 240 ms, p95 unchanged). Eight keeps the database and the CPU busy; a chat that asks the user's notes holds its turn
# while they are searched.
PREPARING_AT_ONCE = 8
_preparing: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Semaphore] = weakref.WeakKeyDictionary()


async def send_streamed(request: HttpRequest, chat_pk: int) -> HttpResponseBase:
    viewset = MessageViewSet(action_map={"post": "create"})
    loop = asyncio.get_running_loop()
    async with _preparing.setdefault(loop, asyncio.Semaphore(PREPARING_AT_ONCE)):
        prepared = await sync_to_async(_prepare)(viewset, request, chat_pk)
        if isinstance(prepared, HttpResponseBase):
            return prepared
        question, reply, prompt, endpoint = prepared
        ahead = Ahead(endpoint, prompt, chat_model(reply, endpoint)) if endpoint is not None else None
        try:
            await in_thread(services.message_save)(question, reply)
        except (services.ReplyInProgress, ValidationError) as exc:  # another send won the race since the reads
            await _close(ahead)
            return await sync_to_async(_error)(viewset, exc)
        except BaseException:
            await _close(ahead)
            raise

    async def events() -> AsyncIterator[bytes]:
        yield Event("start", {"question": question.pk, "reply": reply.pk}).encode()
        async for event in run_reply(reply, prompt, ahead):
            yield event.encode()

    response = StreamingHttpResponse(events(), content_type="text/event-stream")
    response["Cache-Control"] = "no-cache"
    response["X-Accel-Buffering"] = "no"  # tell nginx not to buffer the stream
    return response


Prepared = tuple[Message, Message, Messages, Endpoint | None]


def _prepare(viewset: MessageViewSet, request: HttpRequest, chat_pk: int) -> Prepared | HttpResponseBase:
    """What DRF's dispatch() and the viewset's create() do before the insert; an error comes back rendered."""
    viewset.args, viewset.kwargs = (), {"chat_pk": chat_pk}
    viewset.request = viewset.initialize_request(request, chat_pk=chat_pk)
    viewset.headers = viewset.default_response_headers
    try:
        viewset.initial(viewset.request, chat_pk=chat_pk)
        try:
            chat, path = selectors.conversation(signed_in(viewset.request), chat_pk)
        except Chat.DoesNotExist:
            raise Http404 from None
        data = serializers.MessageInput(data=viewset.request.data)
        data.is_valid(raise_exception=True)
        question, reply = services.message_prepare(
            chat, data.validated_data["content"], path, files=data.validated_data.get("files")
        )
        prompt = services.prompt_for(reply)
    except Exception as exc:
        return _error(viewset, exc)
    try:
        endpoint = ai_services.endpoint_of(chat.ai_config_id, AIConfig.Key.CHAT)
    except ProviderError:
        endpoint = None  # run_reply saves the reply as failed, with the reason, and says so in the stream
    return question, reply, prompt, endpoint


def _error(viewset: MessageViewSet, exc: Exception) -> HttpResponseBase:
    response = viewset.finalize_response(viewset.request, viewset.handle_exception(exc))
    return response.render() if hasattr(response, "render") else response


async def _close(ahead: Ahead | None) -> None:
    if ahead is not None:
        await ahead.aclose()
