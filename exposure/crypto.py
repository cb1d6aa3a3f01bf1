"""Field-level encryption of roster personal values (Fernet), and keyed hashes for matching.

Keys come from settings: ``FIELD_ENCRYPTION_KEYS`` (the first encrypts, every one decrypts, so a
new key is put first and ``custos exposure rotate`` re-encrypts every row under it) and
``MATCHING_HMAC_KEY`` (the scanner's index holds only HMACs under it, never plaintext).
"""

from __future__ import annotations

import base64
import json
from functools import lru_cache
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models

_HKDF_INFO = b"custos roster field encryption v1"


def _fernet_key(secret: str) -> bytes:
    """Return a Fernet key: the secret itself if it is one, else one derived with HKDF."""
    try:
        if len(base64.urlsafe_b64decode(secret.encode())) == 32:
            return secret.encode()
    except ValueError:
        pass
    derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_HKDF_INFO).derive(
        secret.encode()
    )
    return base64.urlsafe_b64encode(derived)


@lru_cache(maxsize=8)
def _multifernet(keys: tuple[str, ...]) -> MultiFernet:
    if not keys:
        raise ImproperlyConfigured("FIELD_ENCRYPTION_KEYS is empty.")
    return MultiFernet([Fernet(_fernet_key(key)) for key in keys])


def cipher() -> MultiFernet:
    """Return the cipher for the current settings (first key encrypts, all decrypt)."""
    return _multifernet(tuple(settings.FIELD_ENCRYPTION_KEYS))


def encrypt_json(value: Any) -> str:
    """Encrypt a JSON-serialisable value into a Fernet token (text)."""
    return cipher().encrypt(json.dumps(value, ensure_ascii=False).encode()).decode()


def decrypt_json(token: str) -> Any:
    """Decrypt a Fernet token written by ``encrypt_json``."""
    try:
        return json.loads(cipher().decrypt(token.encode()))
    except InvalidToken as error:
        raise ImproperlyConfigured(
            "A roster value cannot be decrypted with any key in FIELD_ENCRYPTION_KEYS."
        ) from error


def rotate_token(token: str) -> str:
    """Re-encrypt a token under the first (newest) key."""
    return cipher().rotate(token.encode()).decode()


def matching_key() -> bytes:
    """Return the HMAC key for the scanner's index and the stored value hashes."""
    return settings.MATCHING_HMAC_KEY.encode()


class EncryptedJSONField(models.TextField):
    """A JSON value stored as a Fernet token: the database never holds the plaintext.

    Encrypted values cannot be filtered or indexed; matching uses ``ProtectedValueHash``.
    """

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> Any:
        if value is None:
            return value
        return decrypt_json(value)

    def to_python(self, value: Any) -> Any:
        return value

    def get_prep_value(self, value: Any) -> Any:
        if value is None:
            return None
        return encrypt_json(value)

    def value_to_string(self, obj: Any) -> str:
        return json.dumps(self.value_from_object(obj))
