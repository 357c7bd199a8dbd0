"""Defaults the command line states in its help, kept apart from the modules that use them so
that `reconciler --version` and `--help` import neither requests nor the planner."""

from __future__ import annotations

DEFAULT_PARALLELISM = 4  # changes apply carries out at once
DEFAULT_TIMEOUT = 30.0  # seconds one request may take, its answer included
DEFAULT_MAX_RESPONSE_MB = 64  # a page of 100 tasks is well under 1 MB
FORMATS = ("text", "markdown", "json")  # the views of a plan
ON_REMOVE = ("delete", "disable")  # what becomes of a managed task whose file was removed
