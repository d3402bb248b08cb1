"""The key that signs session cookies: ATLAS_SECRET_KEY, or a random key generated once
into the instance folder and shared by every worker process (never a constant)."""

from __future__ import annotations

import contextlib
import os
import secrets
from pathlib import Path

FILENAME = "secret_key"


def instance_secret_key(instance_path: str | os.PathLike[str]) -> str:
    """The key in `instance_path`/secret_key, created on first use.

    The new key is written to a private temporary file and then hard-linked into place:
    linking fails if the name exists, so when several workers start at once exactly one
    key wins and nobody ever reads a half-written file.
    """
    path = Path(instance_path) / FILENAME
    if not path.exists():
        temporary = path.with_name(f".{FILENAME}.{secrets.token_hex(8)}")
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(fd, "w", encoding="ascii") as handle:
                handle.write(secrets.token_hex(32) + "\n")
                handle.flush()
                os.fsync(handle.fileno())
            with contextlib.suppress(FileExistsError):
                os.link(temporary, path)
        finally:
            temporary.unlink(missing_ok=True)
    key = path.read_text("ascii").strip()
    if len(key) < 32:
        raise RuntimeError(f"{path} holds no usable secret key; delete it to make a new one")
    return key
