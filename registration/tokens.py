"""The random tokens of the secret links the site emails."""

import secrets


def new_manage_token():
    # 32 random bytes: 256 bits, far past the 128 needed to make guessing hopeless.
    return secrets.token_urlsafe(32)
