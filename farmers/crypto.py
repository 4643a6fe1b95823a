"""Encryption at rest for households' personal data (ID number, phone).

Values are encrypted with Fernet (AES-128-CBC + HMAC-SHA256, authenticated)
under ``settings.FIELD_ENCRYPTION_KEY``. Fernet is randomised, so equal values
give different ciphertexts; to find a duplicate without decrypting, a keyed
digest (HMAC-SHA256 under a key derived from the same secret) is stored beside
the ciphertext.

``FIELD_ENCRYPTION_KEY`` is a Fernet key (``Fernet.generate_key()``); several
keys may be given comma-separated to rotate: the first encrypts, all decrypt.
The digest key is derived from the *last* key, so put a new key first and keep
the oldest one last while rows are being re-encrypted.
"""

import hashlib
import hmac
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed

DIGEST_CONTEXT = b"taibao household personal data digest v1"


def _keys() -> list[bytes]:
    raw = settings.FIELD_ENCRYPTION_KEY
    keys = [k.strip().encode() for k in raw.split(",") if k.strip()] if raw else []
    if not keys:
        raise ImproperlyConfigured("FIELD_ENCRYPTION_KEY is not set / 未设置 FIELD_ENCRYPTION_KEY")
    return keys


@lru_cache(maxsize=1)
def _fernet() -> MultiFernet:
    try:
        return MultiFernet([Fernet(key) for key in _keys()])
    except ValueError as exc:
        raise ImproperlyConfigured(
            "FIELD_ENCRYPTION_KEY must be Fernet keys (32 url-safe base64 bytes) / "
            "FIELD_ENCRYPTION_KEY 必须是 Fernet 密钥"
        ) from exc


@lru_cache(maxsize=1)
def _digest_key() -> bytes:
    return hmac.new(_keys()[-1], DIGEST_CONTEXT, hashlib.sha256).digest()


def _forget_keys(*, setting: str, **kwargs) -> None:
    if setting == "FIELD_ENCRYPTION_KEY":
        _fernet.cache_clear()
        _digest_key.cache_clear()


setting_changed.connect(_forget_keys)


def field_encrypt(plain: str) -> str:
    """Ciphertext of ``plain`` as text; the empty string stays empty."""
    if not plain:
        return ""
    return _fernet().encrypt(plain.encode()).decode("ascii")


def field_decrypt(token: str) -> str:
    """The plain value of a ciphertext made by ``field_encrypt``; "" for ""."""
    if not token:
        return ""
    try:
        return _fernet().decrypt(token.encode("ascii")).decode()
    except InvalidToken as exc:
        raise ImproperlyConfigured(
            "A stored value cannot be decrypted with FIELD_ENCRYPTION_KEY (wrong key?) / "
            "无法用 FIELD_ENCRYPTION_KEY 解密已存储的数据（密钥错误？）"
        ) from exc


def field_digest(normalized: str) -> str | None:
    """Keyed digest of a normalised value, for uniqueness; None for ""."""
    if not normalized:
        return None
    return hmac.new(_digest_key(), normalized.encode(), hashlib.sha256).hexdigest()
