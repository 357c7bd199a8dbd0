"""What, in a portal's parameter value, looks like a credential (for `reconciler import`). Pure.

Two questions: is a whole string a token (`is_token`), and which parts of a longer string are
credentials (`spans`): a `key=value` pair with a credential-named key (URL queries, connection
strings: `?token=`, `Password=`, `PWD=`), a URL's user-info password, an `Authorization` scheme's
value (`Basic ...`, `Bearer ...`), and, in JSON text, the value of a credential-named key or a
quoted token. A false positive costs a variable to set; a false negative writes a credential into
Git, so the rules lean towards finding [I].
"""

from __future__ import annotations

import collections
import math
import re

from reconciler.masking import is_credential_key as _named_like_credential

# A JWT: base64url JSON header and payload, both of which begin with `{"` (eyJ).
_JWT = re.compile(r"eyJ[\w-]{4,}\.eyJ[\w-]{4,}\.[\w-]*")
# A long unbroken string mixing cases and digits: what access tokens and API keys look like.
_RANDOM = re.compile(r"(?=.*[a-z])(?=.*[A-Z])(?=.*\d)[A-Za-z0-9._~+-]{40,4096}")
_HEX = re.compile(r"[0-9a-fA-F]+")
# Random base64url text carries at least ~4.5 bits per character from 40 characters on; names
# made of words and numbers (`gisowner.Parcels_2024_Final`) carry less [I].
_MIN_ENTROPY = 4.5

# In `key=value` text (URL queries, connection strings) only keys that are a credential's usual
# name whole: `OWNER_TOKEN_COUNT = 3` in a where clause is not one [I].
_ASSIGN_KEY = re.compile(r"(?i)(encrypted_)?(password|passwd|pwd|passphrase|(access_|refresh_|id_)?token|api_?key|"
                         r"key|secret|client_secret|sig|signature|auth|authorization)")
_ASSIGN = re.compile(r"(?<![^?&;,\s])(?P<key>[A-Za-z_][\w.-]*)\s*=\s*(?P<value>[^;&#\s'\",]+)")
_USERINFO = re.compile(r"(?i)\b[a-z][a-z0-9+.-]*://[^/\s:@]+:(?P<value>[^/\s@]+)@")
_SCHEME = re.compile(r"(?i)\b(?:basic|bearer)\s+(?P<value>[A-Za-z0-9+/=._~-]{8,})")
_JSON_PAIR = re.compile(r'"(?P<key>(?:[^"\\]|\\.)*)"\s*:\s*(?:"(?P<value>(?:[^"\\]|\\.)*)"|(?P<number>-?\d[\d.eE+-]*))')
_QUOTED = re.compile(r'"(?P<value>[^"\\]{40,4096})"')


def is_credential_key(key: str) -> bool:
    """A credential-named key, and `PWD` (ODBC/SDE connection strings), which the output masking
    cannot take: it is also the shell's working directory."""
    return _named_like_credential(key) or "pwd" in key.lower()


def is_token(text: str) -> bool:
    """Whether `text`, whole, looks like an access token, an API key or a JWT [I]. Item ids
    (32 hex digits), names, paths and URLs do not."""
    if _JWT.fullmatch(text):
        return True
    return bool(_RANDOM.fullmatch(text)) and not _HEX.fullmatch(text) and _entropy(text) >= _MIN_ENTROPY


def spans(text: str) -> list[tuple[int, int]]:
    """The (start, end) of each credential inside `text`, in order, not overlapping."""
    found: list[tuple[int, int]] = []
    for m in _ASSIGN.finditer(text):
        if _ASSIGN_KEY.fullmatch(m["key"]):
            found.append(m.span("value"))
    for pattern in (_USERINFO, _SCHEME):
        found += [m.span("value") for m in pattern.finditer(text)]
    for m in _JSON_PAIR.finditer(text):
        group = "value" if m["value"] is not None else "number"
        if is_credential_key(m["key"]) and m[group]:
            found.append(m.span(group))
    found += [m.span("value") for m in _QUOTED.finditer(text) if is_token(m["value"])]
    merged: list[tuple[int, int]] = []
    for start, end in sorted(found):
        if merged and start < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _entropy(text: str) -> float:
    counts = collections.Counter(text).values()
    return -sum(n / len(text) * math.log2(n / len(text)) for n in counts)
