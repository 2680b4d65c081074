"""Factories for accounts; users are made through the service so they get settings and a role."""

from __future__ import annotations

from typing import Any

import factory

from accounts import services
from accounts.models import Role, User

PASSWORD = "correct horse battery staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User

    email = factory.Sequence(lambda n: f"person{n}@example.com")
    name = factory.Faker("name")
    password = PASSWORD
    role = Role.USER

    @classmethod
    def _create(cls, model_class: type[User], *args: Any, **kwargs: Any) -> User:
        return services.user_create(**kwargs)


def api_key_for(user: User, **kwargs: Any) -> tuple[Any, str]:
    """An API key for `user` and its plaintext."""
    return services.api_key_create(user=user, name=kwargs.pop("name", "test key"), **kwargs)
