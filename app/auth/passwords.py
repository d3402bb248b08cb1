"""Password hashing: argon2id with at least OWASP's parameters (ASVS 2.4 / OWASP Password
Storage Cheat Sheet: memory 19 MiB, 2 iterations, 1 degree of parallelism).

Hashes are PHC strings ("$argon2id$v=19$m=19456,t=2,p=1$..."), so a hash made with older
parameters still verifies and is replaced at the next successful login.
"""

from __future__ import annotations

import secrets
from functools import cache

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from flask_babel import gettext as _

MEMORY_KIB = 19456
TIME_COST = 2
PARALLELISM = 1
MIN_LENGTH = 12
MAX_LENGTH = 1024  # argon2 takes any length; a cap keeps a huge body from costing more

HASHER = PasswordHasher(
    time_cost=TIME_COST,
    memory_cost=MEMORY_KIB,
    parallelism=PARALLELISM,
    hash_len=32,
    salt_len=16,
    type=Type.ID,
)


@cache
def _dummy_hash() -> str:
    """Verified when the account does not exist, so that a failure takes the same time
    either way. Its password is random and thrown away."""
    return HASHER.hash(secrets.token_urlsafe(32))


def hash_password(password: str) -> str:
    return HASHER.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """Whether `password` matches; with `password_hash` None, spends the same time on a
    dummy hash and returns False."""
    try:
        return HASHER.verify(password_hash or _dummy_hash(), password) and bool(password_hash)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    """Whether the hash was made with other parameters than HASHER's (replace it)."""
    try:
        return HASHER.check_needs_rehash(password_hash)
    except InvalidHashError:
        return True


def password_problem(password: str) -> str | None:
    """Why a new password is refused, or None (ASVS: at least 12 characters, any
    characters allowed, no composition rules)."""
    if len(password) < MIN_LENGTH:
        return str(_("A password needs at least %(n)s characters.", n=MIN_LENGTH))
    if len(password) > MAX_LENGTH:
        return str(_("A password has at most %(n)s characters.", n=MAX_LENGTH))
    return None
