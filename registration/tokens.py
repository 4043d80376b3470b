"""The random tokens of the secret links the site emails."""

import hashlib
import secrets


def new_manage_token():
    # 32 random bytes: 256 bits, far past the 128 needed to make guessing hopeless.
    return secrets.token_urlsafe(32)


def token_digest(token: str) -> str:
    """A one-way fingerprint of a token: it recognises the token without being able to act as it."""
    return hashlib.sha256(token.encode()).hexdigest()
