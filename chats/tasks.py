"""Background work of chats (run by `manage.py worker`)."""

from __future__ import annotations

import logging

from asgiref.sync import async_to_sync
from crontask import cron
from django.tasks import task

from ai import client
from ai import services as ai_services
from ai.client import ProviderError
from ai.models import AIConfig, TokenUsage
from chats.models import Chat, Message
from chats.services import chat_title_set_automatically, replies_abandoned_settle

logger = logging.getLogger(__name__)

TITLE_PROMPT = (
    "Write a short title (at most six words, no quotes, no final full stop) for a conversation that starts "
    "like this. Answer with the title only, in the conversation's language."
)


@task()
def generate_title(chat_id: int) -> str | None:
    """Give a chat with the default title a short one from its first exchange; on any failure keep the default."""
    chat = Chat.objects.select_related("owner").filter(pk=chat_id, title_source=Chat.TitleSource.DEFAULT).first()
    if chat is None:
        return None
    turns = list(
        chat.messages.filter(status=Message.Status.COMPLETE).exclude(content="").values_list("role", "content")[:2]
    )
    if not turns:
        return None
    excerpt = "\n\n".join(f"{role}: {content[:1000]}" for role, content in turns)
    try:
        endpoint = ai_services.endpoint_of(chat.ai_config_id, AIConfig.Key.CHAT)
        completion = async_to_sync(client.complete)(
            endpoint,
            [{"role": "system", "content": TITLE_PROMPT}, {"role": "user", "content": excerpt}],
            model=chat.model or None,
        )
    except ProviderError as exc:
        logger.info("No title for chat %s: %s", chat_id, exc.kind)
        return None
    ai_services.usage_record(
        user=chat.owner, model=chat.model or endpoint.model, feature=TokenUsage.Feature.TITLE, usage=completion.usage
    )
    return completion.content if chat_title_set_automatically(chat_id, completion.content) else None


@cron("*/5 * * * *")
@task()
def settle_abandoned_replies() -> int:
    """Every 5 minutes: fail the replies left `streaming` by a server that stopped mid-reply (see
    services.replies_abandoned_settle), once untouched for longer than any provider's timeout and two minutes."""
    return replies_abandoned_settle(untouched_for=ai_services.abandoned_after())
