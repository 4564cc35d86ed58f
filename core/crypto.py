"""Encryption at rest for secrets stored in the database (DatabaseConnection passwords)."""

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings


class SecretUnreadable(Exception):
    """The stored ciphertext was written with another key (CCWEB_FIELD_ENCRYPTION_KEY changed)."""


def _fernet() -> Fernet:
    return Fernet(settings.FIELD_ENCRYPTION_KEY.encode())


def encrypt_secret(plaintext: str) -> str:
    return _fernet().encrypt(plaintext.encode()).decode() if plaintext else ""


def decrypt_secret(ciphertext: str) -> str:
    if not ciphertext:
        return ""
    try:
        return _fernet().decrypt(ciphertext.encode()).decode()
    except InvalidToken as exc:
        raise SecretUnreadable(
            "The stored password cannot be decrypted with the current CCWEB_FIELD_ENCRYPTION_KEY; enter it again."
        ) from exc
