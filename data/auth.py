"""Password hashing for the uploader role, and the small rules around it. No streamlit.

The stored form is self-describing so parameters can be raised later without breaking
existing hashes::

    scrypt$<n>$<r>$<p>$<salt, base64>$<hash, base64>

``verify_password`` recomputes with the stored parameters and compares in constant time
(``hmac.compare_digest``). A malformed or absurd hash string never verifies.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
from collections.abc import Iterable
from dataclasses import dataclass

SCHEME = "scrypt"
# n=2**15, r=8: about 32 MiB and ~0.1 s per check on the target machine: slow for an
# attacker with a stolen hash, unnoticeable for a person logging in.
DEFAULT_N = 2**15
DEFAULT_R = 8
DEFAULT_P = 1
SALT_BYTES = 16
KEY_BYTES = 32
# Refuse parameters that would let a bad configuration exhaust memory or CPU.
MAX_N = 2**20
MAX_R = 32
MAX_P = 16

# Failed sign-ins are counted in the store per typed name and per client address, so a
# reload or a new session does not reset them (see Store.sign_in_failed).
FREE_ATTEMPTS = 5  # failed attempts allowed before a delay applies
BASE_DELAY_S = 5.0
MAX_DELAY_S = 300.0
LOCK_AFTER = 10  # from this many failures on, a temporary lock instead of a delay
LOCK_S = 900.0
FORGET_AFTER_S = 3600.0  # a subject's count restarts after an hour without failures
UNKNOWN_ADDRESS = "unknown"  # all clients whose address Streamlit does not give share one count


class HashFormatError(ValueError):
    """The configured hash string is not in the ``scrypt$n$r$p$salt$hash`` form."""


@dataclass(frozen=True)
class ScryptHash:
    n: int
    r: int
    p: int
    salt: bytes
    key: bytes

    def encode(self) -> str:
        b64 = base64.b64encode
        return "$".join(
            [
                SCHEME,
                str(self.n),
                str(self.r),
                str(self.p),
                b64(self.salt).decode("ascii"),
                b64(self.key).decode("ascii"),
            ]
        )


def _maxmem(n: int, r: int, p: int) -> int:
    # scrypt needs 128 * n * r bytes (plus p-parallel blocks); leave headroom.
    return 128 * r * (n + p) + 16 * 1024 * 1024


def _derive(password: str, salt: bytes, n: int, r: int, p: int, dklen: int) -> bytes:
    return hashlib.scrypt(
        password.encode("utf-8"), salt=salt, n=n, r=r, p=p, maxmem=_maxmem(n, r, p), dklen=dklen
    )


def hash_password(
    password: str, *, n: int = DEFAULT_N, r: int = DEFAULT_R, p: int = DEFAULT_P
) -> str:
    """A new salted scrypt hash of ``password`` in the self-describing string form.

    Example: hash_password("s3cret").startswith("scrypt$32768$8$1$")."""
    if not password:
        raise ValueError("the password is empty")
    salt = os.urandom(SALT_BYTES)
    return ScryptHash(n, r, p, salt, _derive(password, salt, n, r, p, KEY_BYTES)).encode()


def parse_hash(text: str) -> ScryptHash:
    """Parse ``scrypt$n$r$p$salt$hash``; raise HashFormatError with the reason."""
    parts = text.strip().split("$")
    if len(parts) != 6 or parts[0] != SCHEME:
        raise HashFormatError("expected scrypt$n$r$p$salt$hash")
    try:
        n, r, p = (int(x) for x in parts[1:4])
        salt = base64.b64decode(parts[4], validate=True)
        key = base64.b64decode(parts[5], validate=True)
    except (ValueError, binascii.Error) as exc:
        raise HashFormatError(f"unreadable field: {exc}") from None
    if n < 2 or n & (n - 1) or n > MAX_N or not 1 <= r <= MAX_R or not 1 <= p <= MAX_P:
        raise HashFormatError("scrypt parameters out of range")
    if len(salt) < 8 or not 16 <= len(key) <= 64:
        raise HashFormatError("salt or hash has the wrong length")
    return ScryptHash(n, r, p, salt, key)


def is_valid_hash(text: str | None) -> bool:
    if not text:
        return False
    try:
        parse_hash(text)
    except HashFormatError:
        return False
    return True


def verify_password(password: str, stored: str) -> bool:
    """True when ``password`` matches ``stored``; False for any mismatch or bad hash."""
    try:
        h = parse_hash(stored)
    except HashFormatError:
        return False
    got = _derive(password, h.salt, h.n, h.r, h.p, len(h.key))
    return hmac.compare_digest(got, h.key)


def lockout_seconds(failures: int) -> float:
    """Wait imposed after ``failures`` failed attempts of one name or one address.

    Zero for the first FREE_ATTEMPTS, then doubling from BASE_DELAY_S, capped at
    MAX_DELAY_S; from LOCK_AFTER failures on, a temporary lock of LOCK_S.
    Example: [lockout_seconds(k) for k in (4, 5, 6, 7, 10)] == [0, 5, 10, 20, 900]."""
    if failures < FREE_ATTEMPTS:
        return 0.0
    if failures >= LOCK_AFTER:
        return LOCK_S
    return min(BASE_DELAY_S * 2 ** (failures - FREE_ATTEMPTS), MAX_DELAY_S)


def sign_in_subjects(name: str, address: str | None) -> list[str]:
    """What failed sign-ins are counted against: the typed name (hashed, so a password
    typed into the name field is never stored) and the client address.

    Example: sign_in_subjects("Lan", None)[1] == "addr:unknown"."""
    key = hashlib.sha256(name.strip().casefold().encode("utf-8")).hexdigest()[:32]
    return [f"user:{key}", f"addr:{(address or UNKNOWN_ADDRESS)[:64]}"]


def parse_allowlist(raw: str | Iterable[str] | None) -> frozenset[str]:
    """Normalised e-mail allowlist from "a@x, b@y" or a list; empty when unset."""
    if raw is None:
        return frozenset()
    items = raw.replace(";", ",").split(",") if isinstance(raw, str) else list(raw)
    return frozenset(s.strip().casefold() for s in items if str(s).strip())


def email_allowed(email: str | None, allowlist: frozenset[str]) -> bool:
    """An exact (case-insensitive) address, or a whole domain written as "@example.org"."""
    if not email or "@" not in email:
        return False
    e = email.strip().casefold()
    return e in allowlist or ("@" + e.rsplit("@", 1)[1]) in allowlist
