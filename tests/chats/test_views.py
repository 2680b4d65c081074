import pytest
from django.urls import reverse

from accounts import site_settings
from ai.client import Usage
from ai.services import usage_record
from chats.models import Chat, Message
from chats.services import chat_create
from tests.chats.factories import MessageFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def alice_client(client, alice):
    client.force_login(alice)
    return client


def test_chat_pages_need_a_sign_in(client):
    assert client.get("/chats/")["Location"].startswith("/accounts/login/")


def test_the_list_shows_an_empty_state_then_chats(alice_client, alice):
    assert b"No chats yet" in alice_client.get("/chats/").content

    chat_create(owner=alice, title="Birds")
    page = alice_client.get("/chats/").content.decode()

    assert "Birds" in page and "No chats yet" not in page


def test_the_list_searches_and_paginates(alice_client, alice):
    for number in range(35):
        chat_create(owner=alice, title=f"Topic {number}")

    first = alice_client.get("/chats/").context["page"]
    found = alice_client.get("/chats/?q=Topic 7").context["page"]

    assert (len(first.object_list), first.paginator.num_pages) == (30, 2)
    assert [chat.title for chat in found.object_list] == ["Topic 7"]


def test_search_shows_the_message_that_holds_the_words_in_any_script(
    alice_client, alice, bob, django_assert_max_num_queries
):
    dinner = chat_create(owner=alice, title="Dinner")
    MessageFactory(chat=dinner, role="user", content="明天的晚饭吃什么？<b>not bold</b> 我想吃面条")
    hit = MessageFactory(chat=dinner, role="assistant", content="晚饭可以做炒面。")
    chat_create(owner=alice, title="晚饭 ideas")
    MessageFactory(chat=chat_create(owner=bob, title="Bob"), role="user", content="晚饭 at bob's")

    with django_assert_max_num_queries(8):
        page = alice_client.get("/chats/", {"q": "晚饭"}).content.decode()

    first_hit = Message.objects.filter(chat=dinner, content__contains="晚饭").order_by("created_at").first()
    assert f'href="/chats/{dinner.pk}/#message-{first_hit.pk}"' in page and first_hit.pk != hit.pk
    assert "明天的<mark>晚饭</mark>吃什么？&lt;b&gt;not bold&lt;/b&gt;" in page
    assert "晚饭 ideas" in page and "bob" not in page.lower().split("<main")[1]


def test_a_new_chat_is_saved_with_its_first_message_only(alice_client, alice, fake_llm):
    page = alice_client.get("/chats/new/")
    assert page.status_code == 200 and 'data-chat=""' in page.content.decode()
    assert not Chat.objects.exists()  # opening "New chat" saves nothing
    assert alice_client.post("/chats/new/", {"content": "  "}).status_code == 400
    assert not Chat.objects.exists()

    fake_llm.script(reply="Hello!")
    response = alice_client.post("/chats/new/", {"content": "Hi", "use_notes": "on"})

    chat = Chat.objects.get(owner=alice)
    assert response["Location"] == f"{chat.get_absolute_url()}#end"
    assert chat.use_notes and list(chat.messages.values_list("content", flat=True)) == ["Hi", "Hello!"]


def test_a_refused_first_message_leaves_no_chat(alice_client, alice, fake_llm):
    from accounts import site_settings
    from ai.client import Usage
    from ai.services import usage_record

    site_settings.set_value("daily_token_limit", 100)
    usage_record(user=alice, model="fake-small", feature="chat", usage=Usage(60, 40))

    response = alice_client.post("/chats/new/", {"content": "Hi"})

    assert response.status_code == 429 and "resets at midnight" in response.content.decode()
    assert not Chat.objects.exists()
    assert fake_llm.requests == []


def test_a_folder_counts_and_lists_its_pinned_chat(alice_client, alice):
    from chats.services import folder_create

    work = folder_create(owner=alice, name="Work")
    pinned = chat_create(owner=alice, title="Pinned in work", pinned=True, folder=work)

    page = alice_client.get(pinned.get_absolute_url())

    assert page.context["sidebar"]["folders"] == [(work, [pinned])]
    summary = page.content.decode().split("📁 Work", 1)[1].split("</details>", 1)[0]
    assert '<span class="meta">1</span>' in summary and "📌 Pinned in work" in summary and "Empty" not in summary


def test_the_sidebar_lists_pinned_folders_and_recent_chats(alice_client, alice, bob, django_assert_max_num_queries):
    from chats.services import folder_create

    work = folder_create(owner=alice, name="Work")
    pinned = chat_create(owner=alice, title="Pinned one", pinned=True)
    filed = chat_create(owner=alice, title="Filed one", folder=work)
    for n in range(5):
        chat_create(owner=alice, title=f"Loose {n}")
    chat_create(owner=bob, title="Bob's secret")

    with django_assert_max_num_queries(12):
        page = alice_client.get(filed.get_absolute_url())

    sidebar = page.context["sidebar"]
    assert sidebar["pinned"] == [pinned]
    assert sidebar["folders"] == [(work, [filed])]
    assert [chat.title for chat in sidebar["recent"]][:1] == ["Loose 4"] and len(sidebar["recent"]) == 5
    assert "Bob's secret" not in page.content.decode()

    created = alice_client.post("/chats/folders/new/", {"name": "Ideas", "next": "https://evil.example/"})
    assert created["Location"] == "/chats/"  # never off-site
    moved = alice_client.post(f"/chats/{pinned.pk}/settings/",
                              {"title": "Pinned one", "pinned": "", "folder": work.pk})  # fmt: skip
    assert moved.status_code == 302
    pinned.refresh_from_db()
    assert (pinned.pinned, pinned.folder) == (False, work)


def test_messages_render_markdown_without_scripts(alice_client, alice):
    chat = chat_create(owner=alice)
    MessageFactory(chat=chat, role="assistant", content="**bold** <script>alert('x')</script>\n```\ncode\n```")

    page = alice_client.get(chat.get_absolute_url()).content.decode()

    assert "<strong>bold</strong>" in page
    assert "<pre><code>code" in page
    assert "<script>alert" not in page


def test_the_page_explains_how_to_configure_a_provider(alice_client, alice):
    chat = chat_create(owner=alice)

    assert b'data-testid="no-provider"' in alice_client.get(chat.get_absolute_url()).content


def test_sending_without_javascript_saves_both_messages(alice_client, alice, fake_llm):
    chat = chat_create(owner=alice)
    fake_llm.script(reply="Plain **reply**")

    response = alice_client.post(f"/chats/{chat.pk}/send/", {"content": "hello"})

    assert response.status_code == 302
    assert list(chat.messages.values_list("role", "status")) == [("user", "complete"), ("assistant", "complete")]
    assert b"<strong>reply</strong>" in alice_client.get(chat.get_absolute_url()).content


def test_a_failed_reply_shows_its_error_and_a_retry_button(alice_client, alice, fake_llm):
    chat = chat_create(owner=alice)
    fake_llm.script(status=500)
    alice_client.post(f"/chats/{chat.pk}/send/", {"content": "hello"})

    page = alice_client.get(chat.get_absolute_url()).content.decode()

    assert "The AI provider failed (HTTP 500)" in page
    assert ">Retry</button>" in page
    fake_llm.script(reply="Better now.")
    alice_client.post(f"/chats/{chat.pk}/regenerate/")
    assert chat.messages.last().content == "Better now."


def test_over_quota_the_form_keeps_the_text_and_says_when_it_resets(alice_client, alice, fake_llm):
    site_settings.set_value("daily_token_limit", 10)
    usage_record(user=alice, model="m", feature="chat", usage=Usage(10, 0))
    chat = chat_create(owner=alice)

    response = alice_client.post(f"/chats/{chat.pk}/send/", {"content": "my long thought"})

    assert response.status_code == 429
    assert "resets at midnight" in response.content.decode()
    assert "my long thought" in response.content.decode()
    assert not chat.messages.exists()


def test_rename_and_delete_with_confirmation(alice_client, alice):
    chat = chat_create(owner=alice, title="Old")

    alice_client.post(f"/chats/{chat.pk}/settings/", {"title": "New name", "system_prompt": "Answer in French."})
    chat.refresh_from_db()
    assert (chat.title, chat.system_prompt) == ("New name", "Answer in French.")
    confirm = alice_client.get(f"/chats/{chat.pk}/delete/")
    assert confirm.status_code == 200 and Chat.objects.filter(pk=chat.pk).exists()
    alice_client.post(f"/chats/{chat.pk}/delete/")
    assert not Chat.objects.filter(pk=chat.pk).exists()


def test_another_users_chat_pages_are_404(alice_client, bob):
    chat = chat_create(owner=bob)
    message = MessageFactory(chat=chat)

    for url in [
        chat.get_absolute_url(),
        reverse("chats:message", args=[chat.pk, message.pk]),
        f"/chats/{chat.pk}/delete/",
    ]:
        assert alice_client.get(url).status_code == 404
    assert alice_client.post(f"/chats/{chat.pk}/send/", {"content": "x"}).status_code == 404
    assert alice_client.post(f"/chats/{chat.pk}/delete/").status_code == 404
    assert Message.objects.filter(chat=chat).count() == 1


def test_the_settings_page_shows_usage_and_allowance(alice_client, alice):
    site_settings.set_value("daily_token_limit", 500)
    usage_record(user=alice, model="m", feature="chat", usage=Usage(100, 20))

    page = alice_client.get("/accounts/settings/").content.decode()

    assert "Today you used <strong>120</strong> tokens" in page
    assert "<strong>380</strong> left" in page


def test_list_page_queries_stay_constant(alice_client, alice, django_assert_max_num_queries):
    for count in (3, 30):
        Chat.objects.all().delete()
        for number in range(count):
            chat_create(owner=alice, title=f"c{number}")
        # session, user, settings, count, page of chats
        with django_assert_max_num_queries(5):
            alice_client.get("/chats/")


def test_versions_and_edits_on_the_page_without_javascript(alice_client, alice, fake_llm):
    chat = chat_create(owner=alice)
    fake_llm.script(reply="First answer.")
    alice_client.post(f"/chats/{chat.pk}/send/", {"content": "Question one"})
    fake_llm.script(reply="Second answer.")
    alice_client.post(f"/chats/{chat.pk}/regenerate/")

    page = alice_client.get(chat.get_absolute_url()).content.decode()
    assert "Second answer." in page and "First answer." not in page and "2/2" in page
    first = Message.objects.get(content="First answer.")
    assert alice_client.post(f"/chats/{chat.pk}/messages/{first.pk}/show/").status_code == 302
    page = alice_client.get(chat.get_absolute_url()).content.decode()
    assert "First answer." in page and "1/2" in page

    question = Message.objects.get(content="Question one")
    fake_llm.script(reply="Edited answer.")
    alice_client.post(f"/chats/{chat.pk}/messages/{question.pk}/edit/", {"content": "Question two"})
    page = alice_client.get(chat.get_absolute_url()).content.decode()
    assert "Question two" in page and "Edited answer." in page and "Question one" not in page
    export = alice_client.get(f"/api/v1/chats/{chat.pk}/export/").content.decode()
    assert "Question two" in export and "Question one" not in export  # the conversation as shown
