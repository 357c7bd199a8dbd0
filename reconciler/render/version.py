"""The one `format_version` of every JSON document the reconciler writes: plans (`plan --format
json`, `--out`), saved plan files, `validate`, `apply` and `cron` reports.

A minor change only adds keys; a major one changes or removes them, and bumps this number.
"""

from __future__ import annotations

FORMAT_VERSION = "1"
