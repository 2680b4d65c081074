import pytest
from django.core.management import call_command

from chats.models import Chat
from chats.services import chat_create, chat_update
from chats.tasks import generate_title

pytestmark = pytest.mark.django_db


@pytest.mark.django_db(transaction=True)  # the worker commits and closes connections like in production
def test_the_first_exchange_queues_a_title_that_the_worker_writes(alice_api, alice, fake_llm):
    chat = chat_create(owner=alice)
    alice_api.post(f"/api/v1/chats/{chat.pk}/messages/", {"content": "Tell me about quills"})
    fake_llm.script(reply='"Quills and feathers"')

    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)

    chat.refresh_from_db()
    assert (chat.title, chat.title_source) == ("Quills and feathers", "auto")


def test_a_failing_provider_keeps_the_default_title(alice, fake_llm):
    chat = chat_create(owner=alice)
    chat.messages.create(role="user", content="hello")
    fake_llm.script(status=500)

    assert generate_title.call(chat.pk) is None

    chat.refresh_from_db()
    assert (chat.title, chat.title_source) == ("New chat", "default")


def test_a_title_set_by_the_user_is_never_overwritten(alice, fake_llm):
    chat = chat_create(owner=alice)
    chat.messages.create(role="user", content="hello")
    chat_update(chat, title="Mine")

    generate_title.call(chat.pk)

    assert Chat.objects.get(pk=chat.pk).title == "Mine"


@pytest.mark.parametrize(
    ("generated", "title"),
    [
        ('"Quills and feathers."', "Quills and feathers"),
        ("## **Birds** of `prey`\n\nMore chatter here", "Birds of prey"),
        ("word " * 40, ("word " * 16).strip() + "…"),
    ],
)
def test_generated_titles_are_cleaned_up(alice, generated, title):
    from chats.services import chat_title_set_automatically

    chat = chat_create(owner=alice)

    assert chat_title_set_automatically(chat.pk, generated)
    assert Chat.objects.get(pk=chat.pk).title == title


def test_replies_left_streaming_by_a_stopped_server_are_failed_and_the_chat_takes_messages_again(
    alice_api, alice, fake_llm
):
    from datetime import timedelta

    from django.utils import timezone

    from chats.models import Message
    from chats.tasks import settle_abandoned_replies

    chat = chat_create(owner=alice)
    question = Message.objects.create(chat=chat, role="user", content="hello")
    orphan = Message.objects.create(chat=chat, parent=question, role="assistant", status="streaming", content="Hal")
    live = Message.objects.create(chat=chat_create(owner=alice), role="assistant", status="streaming")
    # the orphan's server stopped 10 minutes ago; the provider's timeout is 2 s (fake_llm), plus two minutes' grace
    Message.objects.filter(pk=orphan.pk).update(updated_at=timezone.now() - timedelta(minutes=10))
    Message.objects.filter(pk=live.pk).update(updated_at=timezone.now() - timedelta(seconds=90))
    assert alice_api.post(f"/api/v1/chats/{chat.pk}/messages/", {"content": "again"}).status_code == 409

    assert settle_abandoned_replies.call() == 1

    orphan.refresh_from_db()
    live.refresh_from_db()
    assert (orphan.status, orphan.error_kind, orphan.content) == ("failed", "interrupted", "Hal")
    assert "server stopped" in orphan.error
    assert live.status == "streaming"  # within the provider's timeout and the grace: its runner may be alive
    assert alice_api.post(f"/api/v1/chats/{chat.pk}/messages/", {"content": "again"}).status_code == 201
