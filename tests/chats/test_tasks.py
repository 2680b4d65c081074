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
