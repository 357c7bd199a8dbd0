"""The one `format_version` of the JSON documents that carry one: plans (`plan --format json`,
`--out`), saved plan files, and the `validate` and `apply` reports. (`cron --format json` has
none yet; adding it is a minor change.)

A minor change only adds keys; a major one changes or removes them, and bumps this number.
"""

from __future__ import annotations

FORMAT_VERSION = "1"
