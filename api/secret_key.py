"""The server's secret key: signs staff tokens and CSRF tokens, keys the session-id HMACs, the Redis
counter names, the purge pseudonyms and (other code) the backup manifest.

There is no shared default. `FAYUAN_SECRET_KEY` when set (production requires it: every replica
must sign with the same key); otherwise a random key generated on first start and kept in
`data_dir/secret_key` (mode 0600), read again on every later start. A published or weak key is
refused in every mode (api.settings validates the setting; the key file is checked here).

Call `effective_secret_key(settings)` wherever the key is needed, never `settings.secret_key`."""
from __future__ import annotations

import logging
import os
import secrets
import stat
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from api.settings import Settings

log = logging.getLogger(__name__)

KEY_FILE = "secret_key"
MIN_SECRET_CHARS = 32
MIN_DISTINCT_CHARS = 10
# the default earlier releases shipped (anyone can sign a token with it) and keys people type in
PUBLISHED_KEYS = frozenset({"dev-insecure-change-me", "change-me", "changeme", "secret", "secret-key",
                            "secretkey", "password", "fayuan", "development", "insecure", "test", "default"})
HOW_TO_MAKE_ONE = "python -c 'import secrets; print(secrets.token_urlsafe(32))'"


class WeakSecretKey(ValueError):
    """A key that must not sign anything; the message says why (never the key itself)."""


def weak_key_reason(key: str) -> str | None:
    """Why `key` is unfit to be the secret key, or None when it is fine."""
    folded = key.strip().lower()
    if folded in PUBLISHED_KEYS or any(word in folded for word in ("dev-insecure", "change-me", "changeme")):
        return "is a published or placeholder key that anyone can sign tokens with"
    if len(key) < MIN_SECRET_CHARS:
        return f"is shorter than {MIN_SECRET_CHARS} characters"
    if len(set(key)) < MIN_DISTINCT_CHARS:
        return f"has fewer than {MIN_DISTINCT_CHARS} different characters (not random)"
    return None


def check_secret_key(key: str, where: str = "FAYUAN_SECRET_KEY") -> str:
    reason = weak_key_reason(key)
    if reason:
        raise WeakSecretKey(f"{where} {reason}: set a random secret of at least {MIN_SECRET_CHARS} characters, "
                            f"e.g. {HOW_TO_MAKE_ONE}")
    return key


def effective_secret_key(settings: "Settings") -> str:
    """The secret key this server signs with: FAYUAN_SECRET_KEY, else the generated key of the data
    folder (created on the first call). WeakSecretKey when the stored key is weak."""
    if settings.secret_key:
        return settings.secret_key          # validated by api.settings
    return _stored_key(Path(settings.data_dir).resolve())


@lru_cache(maxsize=8)
def _stored_key(data_dir: Path) -> str:
    path = data_dir / KEY_FILE
    if not path.exists():
        _create_key_file(path)
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        log.warning("%s was readable by other users (mode %o): set to 0600", path, mode)
        path.chmod(0o600)
    return check_secret_key(path.read_text(encoding="utf-8").strip(), str(path))


def _create_key_file(path: Path) -> None:
    """Write a new random key atomically: several workers starting at once agree on one key (the
    first link wins; the others read it)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    draft = path.with_name(f".{KEY_FILE}.{os.getpid()}.{secrets.token_hex(4)}")
    fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(secrets.token_urlsafe(48) + "\n")
            out.flush()
            os.fsync(out.fileno())
        os.link(draft, path)
        log.warning("FAYUAN_SECRET_KEY is not set: generated a random secret key in %s (keep it private; "
                    "back it up with the data folder)", path)
    except FileExistsError:
        pass                                  # another worker made it first
    finally:
        draft.unlink(missing_ok=True)
