"""What, in a portal's value, looks like a credential (for `reconciler import`). Pure.

Three questions: is a key named like one (`is_credential_key`), is a whole string a token
(`is_token`), and which parts of a longer string are credentials (`spans`): a `key=value` pair
with a credential's usual key (URL queries, connection strings: `?token=`, `Password=`,
`PWD={...}`, also URL-encoded), a URL's user-info password (`user:pass@`, Oracle's
`user/pass@`), an `Authorization` scheme's value (`Basic ...`, `Bearer ...`), a PEM private key,
and, in JSON or Python-literal text, the value of a credential-named key or a quoted token. A
false positive costs a variable to set; a false negative writes a credential into Git, so the
rules lean towards finding [I].
"""

from __future__ import annotations

import collections
import itertools
import math
import re

from reconciler.masking import is_credential_key as _named_like_credential

# Words that name a credential when a key holds one as a whole part (`db_pass`, `X-Api-Key`,
# `sessionId`), so that `passage`, `author` or `compass` do not [I].
_WORDS = frozenset({"pass", "pw", "pwd", "passwd", "password", "passphrase", "secret", "token", "auth",
                    "authorization", "cookie", "session", "sessionid", "sid", "credential", "credentials",
                    "apikey", "privatekey", "accesskey", "signature", "sig"})
_PAIRS = frozenset({("api", "key"), ("private", "key"), ("access", "key"), ("secret", "key"), ("client", "secret"),
                    ("session", "id"), ("account", "key"), ("sas", "key")})
_PARTS = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])|\d+")

# A JWT: base64url JSON header and payload, both of which begin with `{"` (eyJ).
_JWT = re.compile(r"eyJ[\w-]{4,}\.eyJ[\w-]{4,}\.[\w-]*")
# A long unbroken string mixing cases and digits: what access tokens and API keys (AWS secret
# keys hold `/` and `+`) look like. Base64 data padded with `=` is data [I].
_RANDOM = re.compile(r"(?=.*[a-z])(?=.*[A-Z])(?=.*\d)[A-Za-z0-9._~+/_-]{40,4096}")
# Prefixed tokens whose shape says what they are: GitHub (ghp_, gho_, ghs_, github_pat_), Slack
# (xox.-), ArcGIS API keys (AAPK, AAPT) and AWS access key ids [I].
_PREFIXED = re.compile(r"(gh[pousr]_|github_pat_|xox[abprs]-|AAP[KT])[A-Za-z0-9_-]{16,}|AKIA[0-9A-Z]{16}")
_HEX = re.compile(r"[0-9a-fA-F]+")
# Random base64url text carries at least ~4.5 bits per character from 40 characters on; names
# made of words and numbers (`gisowner.Parcels_2024_Final`) carry less [I].
_MIN_ENTROPY = 4.5

# In `key=value` text only keys that are a credential's usual name whole: `OWNER_TOKEN_COUNT = 3`
# in a where clause is not one [I].
_ASSIGN_KEY = re.compile(r"(?i)(encrypted_|x-)?(pass|pw|pwd|passwd|password|passphrase|(access_|refresh_|id_)?token|"
                         r"api[_-]?key|key|secret|client_secret|sig|signature|auth|authorization|session(_?id)?|sid|"
                         r"cookie|credentials?)")
_VALUE = r"(?P<value>\{[^}]*\}|[^;&#\s'\",]+)"  # an ODBC value may be braced: PWD={a;b}
_ASSIGN = re.compile(r"(?<![^?&;,\s-])(?P<key>[A-Za-z_][\w.-]*)\s*=\s*" + _VALUE)
# `key: value` in plain text (a note, a YAML or INI fragment): the usual names only, and never a
# quoted value (JSON pairs are _PAIR's).
_COLON = re.compile(r"(?i)(?<![\w\"'])(?P<key>passw(or)?d|pwd|passphrase|secret|client_secret|token|api[_-]?key)"
                    r"\s*:\s*(?P<value>[^\s\"',;{}\[\]]+)")
# The last word of a key that holds a credential in key=value text (AccountKey=, X-Amz-Signature=,
# PGPASSWORD=): `OWNER_TOKEN_COUNT = 3` ends in another word and is not one [I].
_LAST_WORDS = frozenset({"key", "password", "passwd", "pwd", "pass", "secret", "token", "signature", "sig",
                         "credential", "credentials", "passphrase"})
_ENCODED = re.compile(r"(?i)(?:%3F|%26|%3B)(?P<key>[A-Za-z_][\w.-]*)%3D(?P<value>.+?)(?=%26|%3B|%23|[&#\s\"']|$)")
_USERINFO = re.compile(r"(?i)\b[a-z][a-z0-9+.-]*://[^/\s:@]+[:/](?P<value>[^/\s@]+)@")
_SCHEME = re.compile(r"(?i)\b(?:basic|bearer)\s+(?P<value>[A-Za-z0-9+/=._~-]{8,})")
_PEM = re.compile(r"-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----[\s\S]*?-----END [A-Z0-9 ]*PRIVATE KEY-----")
_PAIR = re.compile(r"""(?P<q>["'])(?P<key>(?:(?!(?P=q))[^\\]|\\.)*)(?P=q)\s*:\s*"""
                   r"""(?:(?P<vq>["'])(?P<value>(?:(?!(?P=vq))[^\\]|\\.)*)(?P=vq)|(?P<number>-?\d[\d.eE+-]*))""")
_QUOTED = re.compile(r"""["'](?P<value>[^"'\\\s]{40,4096})["']""")


def is_credential_key(key: str) -> bool:
    """A key named like a credential: as the output masking names them, or holding one of the
    words above as a whole part (split at `_`, `-`, `.` and case changes)."""
    if _named_like_credential(key):
        return True
    parts = key_parts(key)
    return any(p in _WORDS for p in parts) or any(pair in _PAIRS for pair in itertools.pairwise(parts))


def key_parts(key: str) -> list[str]:
    """A key's words, lower-case: `X-Api-Key` -> x, api, key; `sessionId` -> session, id."""
    return [p.lower() for p in _PARTS.findall(key)]


def is_token(text: str) -> bool:
    """Whether `text`, whole, looks like an access token, an API key, a JWT or a private key
    [I]. Item ids (32 hex digits), names, paths, URLs and padded base64 data do not."""
    if _JWT.fullmatch(text) or _PEM.fullmatch(text.strip()) or _PREFIXED.fullmatch(text):
        return True
    return (bool(_RANDOM.fullmatch(text)) and not _HEX.fullmatch(text) and not text.endswith("=")
            and "://" not in text and _entropy(text) >= _MIN_ENTROPY)


def spans(text: str) -> list[tuple[int, int]]:
    """The (start, end) of each credential inside `text`, in order, not overlapping."""
    found: list[tuple[int, int]] = []
    for pattern in (_ASSIGN, _ENCODED):
        found += [m.span("value") for m in pattern.finditer(text) if _assigned_secret(m["key"])]
    found += [m.span("value") for m in _COLON.finditer(text)]
    for pattern in (_USERINFO, _SCHEME):
        found += [m.span("value") for m in pattern.finditer(text)]
    found += [m.span() for m in _PEM.finditer(text)]
    for m in _PAIR.finditer(text):
        group = "value" if m["value"] is not None else "number"
        if is_credential_key(m["key"]) and m[group]:
            found.append(m.span(group))
    found += [m.span("value") for m in _QUOTED.finditer(text) if is_token(m["value"])]
    found += [m.span() for m in _PREFIXED.finditer(text)]
    merged: list[tuple[int, int]] = []
    for start, end in sorted(found):
        if merged and start < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _assigned_secret(key: str) -> bool:
    parts = key_parts(key)
    last = parts[-1] if parts else ""
    return bool(_ASSIGN_KEY.fullmatch(key)) or last in _LAST_WORDS or last.endswith(("password", "passwd", "secret"))


def _entropy(text: str) -> float:
    counts = collections.Counter(text).values()
    return -sum(n / len(text) * math.log2(n / len(text)) for n in counts)
