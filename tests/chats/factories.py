import factory

from chats.models import Chat, Message


class ChatFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Chat

    title = factory.Sequence(lambda n: f"Chat {n}")
    title_source = Chat.TitleSource.MANUAL


class MessageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Message

    role = Message.Role.USER
    content = factory.Faker("sentence")
    # Follows the chat's latest message, as messages sent one after another do.
    parent = factory.LazyAttribute(lambda o: Message.objects.filter(chat=o.chat).order_by("created_at", "id").last())
