"""Every secret-masking rule, each pinned: words for task-file secrets, substrings for
credentials, credential-named keys, and the checks a saved plan relies on."""

from __future__ import annotations

from reconciler.masking import (
    CREDENTIAL_MASK,
    SECRET_MASK,
    is_credential_key,
    leaks,
    mask_credential_field,
    mask_credential_keys,
    mask_credentials,
    mask_output,
    mask_url_token,
)


def test_credentials_are_masked_even_inside_a_longer_word() -> None:
    assert mask_credentials("bad token abc123xyz (abc123)", ["abc123"]) == f"bad token {CREDENTIAL_MASK}xyz ({CREDENTIAL_MASK})"


def test_output_masks_task_secrets_as_words_and_credentials_as_substrings() -> None:
    text = "3 unchanged, changed; Bearer tok3nXYZ"
    assert mask_output(text, secret_values=["changed"], credentials=["tok3n"]) == \
        f"3 unchanged, {SECRET_MASK}; Bearer {CREDENTIAL_MASK}XYZ"


def test_credential_named_keys() -> None:
    assert all(is_credential_key(k) for k in ("token", "access_token", "apiKey", "api_key", "Password", "passwd",
                                              "client_secret", "privateKey", "credentials"))
    assert not any(is_credential_key(k) for k in ("in_features", "key_field", "distance", "units"))
    assert mask_credential_keys({"a": [{"token": "t", "n": 1}], "auth": {"password": None}}) == \
        {"a": [{"token": SECRET_MASK, "n": 1}], "auth": {"password": None}}


def test_a_credential_field_is_masked_whole_or_inside() -> None:
    assert mask_credential_field("parameters.api_key", "old", "new") == (SECRET_MASK, SECRET_MASK, True)
    assert mask_credential_field("parameters.auth", {"password": "p", "u": 1}, None) == \
        ({"password": SECRET_MASK, "u": 1}, None, True)
    assert mask_credential_field("schedule", "0 0 2 * * ?", "x") == ("0 0 2 * * ?", "x", False)
    assert mask_credential_field("parameters.note", "a", "b") == ("a", "b", False)


def test_leaks_finds_a_secret_where_the_masking_would_hide_it() -> None:
    assert leaks({"x": 'pa"ss'}, ('pa"ss',)) and leaks(["xx s3cret yy"], ("s3cret",)) and leaks({"S3CRET": 1}, ("s3cret",))
    assert leaks({"n": 4711}, ("4711",))
    assert not leaks({"x": "nothing here"}, ("s3cret", ""))
    # Neither a longer word (as mask_words leaves it) nor a JSON literal equal to the secret's text.
    assert not leaks({"x": "unchanged", "on": True, "off": None}, ("changed", "true", "null"))


def test_a_token_in_a_url_is_masked() -> None:
    assert mask_url_token("https://h/portal/sharing/rest?f=json&token=abc&x=1") == \
        f"https://h/portal/sharing/rest?f=json&token={SECRET_MASK}&x=1"


def test_credentials_are_masked_in_any_case() -> None:
    assert mask_credentials("?a=xadmin123y&b=ADMIN123", ["admin123"]) == f"?a=x{CREDENTIAL_MASK}y&b={CREDENTIAL_MASK}"
