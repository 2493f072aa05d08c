"""Time-based one-time passwords (RFC 6238, the authenticator-app codes) with the stdlib.

pyotp is not installed beside Rasa's pins, and the algorithm is twenty lines: HMAC-SHA1 of the
30-second step counter (RFC 4226's HOTP), dynamically truncated to six digits. A code is
accepted for the current step and one step either side (clock drift), and never twice: the
caller stores the step a code was used for and passes it back as `last_step`.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import struct
import time
from urllib.parse import quote, urlencode

STEP_SECONDS = 30
DIGITS = 6
DRIFT_STEPS = 1
ISSUER = "Council case console"


def new_secret() -> str:
    """160 random bits in base32 (what authenticator apps expect), without padding."""
    return base64.b32encode(secrets.token_bytes(20)).decode("ascii").rstrip("=")


def _key(secret: str) -> bytes:
    compact = secret.replace(" ", "").upper()
    return base64.b32decode(compact + "=" * (-len(compact) % 8))


def hotp(secret: str, counter: int) -> str:
    digest = hmac.new(_key(secret), struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset:offset + 4])[0] & 0x7FFFFFFF
    return str(value % 10 ** DIGITS).zfill(DIGITS)


def step_at(now: float | None = None) -> int:
    return int((time.time() if now is None else now) // STEP_SECONDS)


def code_at(secret: str, now: float | None = None) -> str:
    """The code an authenticator app shows at `now` (tests and the enrolment check use it)."""
    return hotp(secret, step_at(now))


def verify(secret: str, code: str, last_step: int | None = None,
           now: float | None = None) -> int | None:
    """The step `code` belongs to if it is valid now and newer than `last_step`, else None."""
    code = "".join(ch for ch in (code or "") if not ch.isspace())
    if len(code) != DIGITS or not code.isdigit() or not secret:
        return None
    current = step_at(now)
    for step in range(current - DRIFT_STEPS, current + DRIFT_STEPS + 1):
        if last_step is not None and step <= last_step:
            continue
        if hmac.compare_digest(hotp(secret, step), code):
            return step
    return None


def provisioning_uri(secret: str, username: str, issuer: str = ISSUER) -> str:
    """The otpauth:// URI an authenticator app imports (as a QR code or pasted)."""
    label = quote(f"{issuer}:{username}")
    query = urlencode({"secret": secret, "issuer": issuer, "algorithm": "SHA1",
                       "digits": DIGITS, "period": STEP_SECONDS})
    return f"otpauth://totp/{label}?{query}"


def grouped(secret: str) -> str:
    """'ABCD EFGH ...': easier to type into an app by hand."""
    return " ".join(secret[i:i + 4] for i in range(0, len(secret), 4))
