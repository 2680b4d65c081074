"""Encryption at rest for provider API keys (Fernet: AES-128-CBC with HMAC-SHA256)."""

from __future__ import annotations

import base64
from functools import cache

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings


class UnreadableSecret(Exception):
    """The stored secret was encrypted with another key (SECRET_KEY or ENCRYPTION_KEY changed)."""


@cache
def _fernet(key_material: str) -> Fernet:
    # A dedicated ENCRYPTION_KEY survives a SECRET_KEY rotation; without it, derive one from SECRET_KEY.
    derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"quillium-secrets-v1").derive(
        key_material.encode()
    )
    return Fernet(base64.urlsafe_b64encode(derived))


def _current() -> Fernet:
    return _fernet(settings.ENCRYPTION_KEY or settings.SECRET_KEY)


def encrypt(plaintext: str) -> str:
    return _current().encrypt(plaintext.encode()).decode() if plaintext else ""


def decrypt(token: str) -> str:
    if not token:
        return ""
    try:
        return _current().decrypt(token.encode()).decode()
    except InvalidToken:
        raise UnreadableSecret(
            "The stored API key can't be decrypted (SECRET_KEY or ENCRYPTION_KEY changed); enter it again."
        ) from None
