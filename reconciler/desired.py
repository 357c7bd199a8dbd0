"""TaskSpec -> TaskFields: what create/update send for a declared task. Pure."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from reconciler.model import TaskFields, TaskSpec
from reconciler.ownership import DEFAULT_MARK, title_for

_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


def desired_fields(spec: TaskSpec, *, mark: str = DEFAULT_MARK) -> TaskFields:
    """The portal fields `spec` asks for; the title carries the ownership mark plus the name."""
    return TaskFields(
        title=title_for(spec.name, mark),
        task_type=spec.task_type,
        schedule=spec.schedule,
        parameters_json=spec.parameters_json,
        item_id=spec.item_id or None,
        task_url=spec.task_url,
        max_occurrences=spec.max_occurrences,
        start_date=to_ms(spec.start),
        end_date=to_ms(spec.end),
        active=spec.enabled,
    )


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
