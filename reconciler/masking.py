"""Every rule for hiding a secret value, in one place, so no two rules share a name.

Two kinds of secret, two text rules:
- task-file secrets (`${secret:NAME}` values) are masked as whole words, case-insensitively
  (`mask_words`): a secret "changed" must not turn "unchanged" into "un(secret)";
- credentials (password, token) are masked wherever they occur, even inside a longer word
  (`mask_credentials`): a portal message that glues a token to other text must not show it.
JSON values (a plan's before/after) are masked by path (`mask_paths`, `mask_field`: the secret
paths of a task file) and by value (`mask_values`: every secret value known in the run,
wherever it shows up).
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from reconciler.jsonforms import MAX_DEPTH, canonical_json, depth, normal_json

if TYPE_CHECKING:  # the model is not needed to mask text, e.g. an error at start-up
    from reconciler.model import FieldPath

SECRET_MASK = "(secret)"
CREDENTIAL_MASK = "<redacted>"


def mask_words(text: str, secret_values: Iterable[str], mask: str = SECRET_MASK) -> str:
    """`text` with every secret value replaced, longest first so overlapping secrets stay hidden.

    Case-insensitive, because messages may quote a value upper-cased (cron fields are). A value
    is only replaced where it is not part of a longer word. Views mask secret fields by path in
    the first place; this is the safety net for text that may quote a value (portal errors,
    validation messages).
    """
    values = sorted({v for v in secret_values if v}, key=len, reverse=True)
    if not values:
        return text
    alternatives = "|".join(re.escape(v) for v in values)
    pattern = re.compile(rf"(?<![^\W_])(?:{alternatives})(?![^\W_])", re.IGNORECASE)
    return pattern.sub(mask, text)


def mask_credentials(text: str, secrets: Iterable[str]) -> str:
    """`text` with every credential replaced wherever it occurs, even inside a longer word, in
    any case (a message may quote it upper-cased), longest first."""
    values = sorted({s for s in secrets if s}, key=len, reverse=True)
    if not values:
        return text
    return re.compile("|".join(re.escape(v) for v in values), re.IGNORECASE).sub(CREDENTIAL_MASK, text)


def mask_output(text: str, *, secret_values: Iterable[str], credentials: Iterable[str]) -> str:
    """What a command prints: task-file secrets masked as words, credentials as substrings."""
    return mask_credentials(mask_words(text, secret_values), credentials)


def leaks(document: Any, secrets: tuple[str, ...]) -> bool:
    """Whether a JSON document (parsed) shows a secret where the views should have masked it: in
    a string (key or value) as a whole word, as mask_words masks, or as a number equal to one.
    Booleans and null never count: a secret "true" cannot be told from the JSON literal."""
    if isinstance(document, dict):
        return any(leaks(k, secrets) or leaks(v, secrets) for k, v in document.items())
    if isinstance(document, list):
        return any(leaks(v, secrets) for v in document)
    if isinstance(document, str):
        return mask_words(document, secrets) != document
    if isinstance(document, (int, float)) and not isinstance(document, bool):
        return bool(_secret_forms(secrets)) and canonical_json(normal_json(document)) in _secret_forms(secrets)
    return False


_TOKEN_IN_URL = re.compile(r"(?i)([?&](?:token|access_token)=)[^&#]*")


def mask_url_token(url: str) -> str:
    """A URL with the value of a `token`/`access_token` query parameter masked."""
    return _TOKEN_IN_URL.sub(lambda m: m.group(1) + SECRET_MASK, url)


def mask_scalar(value: Any) -> Any:
    """A field marked secret, as every view shows it: a scalar is masked whole; an object or
    array keeps the planner's value, in which only the secret parts are masked."""
    if value is None or isinstance(value, (dict, list)):
        return value
    return SECRET_MASK


# Keys whose values are credentials wherever they appear in GP parameters: their values are
# masked in every view even when the task file does not mark them `${secret:...}` (e.g. a value
# that stopped being a secret: the portal still holds the old one, and the plan is posted on a
# pull request), and left out of fingerprints.
_CREDENTIAL_KEY = re.compile(r"(?i)(passw(or)?d|passphrase|secret|token|api_?key|credential|private_?key|access_?key|authorization)")


def is_credential_key(key: Any) -> bool:
    return isinstance(key, str) and _CREDENTIAL_KEY.search(key) is not None


def mask_credential_keys(value: Any) -> Any:
    """A JSON value with the value of every credential-named key masked, at any depth."""
    if isinstance(value, dict):
        return {k: (_whole(v) if is_credential_key(k) and not isinstance(v, (dict, list)) else mask_credential_keys(v))
                for k, v in value.items()}
    if isinstance(value, list):
        return [mask_credential_keys(v) for v in value]
    return value


def is_under(path: FieldPath, prefix: FieldPath) -> bool:
    return path[: len(prefix)] == tuple(prefix)


def mask_field(path: FieldPath, before: Any, after: Any,
               secret_paths: Sequence[FieldPath]) -> tuple[Any, Any, bool]:
    """A field's (before, after, secret): masked whole at or under a secret path, or only the
    secret parts inside it when a secret path lies below `path`."""
    if any(is_under(path, s) for s in secret_paths):
        return _whole(before), _whole(after), True
    inner = [s[len(path):] for s in secret_paths if is_under(s, path) and s != path]
    if inner:
        before, after = _inside(before, inner), _inside(after, inner)
    return before, after, bool(inner)


def mask_credential_field(path: str, before: Any, after: Any) -> tuple[Any, Any, bool]:
    """A parameter field's (before, after, masked) with credential-named keys masked: whole when
    the dotted `path` names one ("parameters.auth.password"), else inside its value."""
    if not path.startswith("parameters.") and not path.startswith("parameters["):
        return before, after, False
    if any(is_credential_key(part) for part in re.split(r"[.\[\]]", path)[1:]):
        return _whole(before), _whole(after), before is not None or after is not None
    masked = mask_credential_keys(before), mask_credential_keys(after)
    return masked[0], masked[1], masked != (before, after)


def mask_paths(value: Any, paths: Sequence[FieldPath]) -> Any:
    """`value` with whatever lies at each of `paths` (relative to it) replaced by SECRET_MASK."""
    return _inside(value, list(paths))


def _whole(value: Any) -> Any:
    return None if value is None else SECRET_MASK


def _inside(value: Any, paths: list[FieldPath]) -> Any:
    if not paths:  # nothing secret below: the value as it is (most values, at 10,000 tasks)
        return value
    if value is None:
        return None
    if () in paths:
        return SECRET_MASK
    if isinstance(value, dict):
        return {k: _inside(v, [p[1:] for p in paths if p[0] == k]) for k, v in value.items()}
    if isinstance(value, list):
        return [_inside(v, [p[1:] for p in paths if p[0] == i]) for i, v in enumerate(value)]
    return value


def mask_values(value: Any, secrets: tuple[str, ...]) -> Any:
    """A JSON value with every secret value masked in every string (keys included), as
    mask_words does. A number, object or array equal to a secret (parameters are compared as
    parsed JSON, so a secret holding JSON text, e.g. a credentials object, shows up parsed) is
    masked whole."""
    if not secrets:
        return value
    if isinstance(value, str):
        return mask_words(value, secrets)
    if isinstance(value, bool) or value is None:
        return value
    forms = _secret_forms(secrets)
    if forms and canonical_json(normal_json(value)) in forms:
        return SECRET_MASK
    if isinstance(value, dict):
        return {mask_values(k, secrets): mask_values(v, secrets) for k, v in value.items()}
    if isinstance(value, list):
        return [mask_values(v, secrets) for v in value]
    return value


@functools.lru_cache(maxsize=8)  # one set of secrets per run
def _secret_forms(secrets: tuple[str, ...]) -> frozenset[str]:
    """The canonical JSON of each secret read as a JSON value (a number, object or array)."""
    forms: set[str] = set()
    for secret in secrets:
        try:
            parsed = json.loads(secret)
        except (ValueError, RecursionError):  # RecursionError: nested deeper than the decoder goes
            continue
        if depth(parsed) > MAX_DEPTH:
            continue  # normal_json keeps such text as text, where mask_words finds it
        if not isinstance(parsed, (str, bool)) and parsed is not None:
            forms.add(canonical_json(normal_json(parsed)))
    return frozenset(forms)
