"""Instants as the project writes them: epoch milliseconds for the portal, UTC ISO 8601 with "Z"
for people and files. One place, so Python 3.10 (whose fromisoformat knows no "Z") works everywhere."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


def parse_instant(text: str) -> datetime:
    """ISO 8601, "Z" allowed; naive when the text has no offset.

    Raises:
        ValueError: not ISO 8601.
    """
    return datetime.fromisoformat(text[:-1] + "+00:00" if text.endswith(("Z", "z")) else text)


def to_ms(moment: datetime | None) -> int | None:
    """Epoch milliseconds (the portal's date format); None stays None."""
    if moment is None:
        return None
    return (moment - _EPOCH) // timedelta(milliseconds=1)


def from_ms(ms: int) -> datetime:
    return datetime.fromtimestamp(ms / 1000, tz=timezone.utc)


def iso(moment: datetime) -> str:
    """UTC ISO 8601 with "Z", to the second, or to the millisecond when that is not zero (so
    a 500 ms change to start or end does not show as identical before and after)."""
    utc = moment.astimezone(timezone.utc)
    timespec = "milliseconds" if utc.microsecond // 1000 else "seconds"
    return utc.isoformat(timespec=timespec).replace("+00:00", "Z")


def iso_ms(ms: int | None) -> str | None:
    return None if ms is None else iso(from_ms(ms))
