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
