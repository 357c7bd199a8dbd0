"""The pure core: declared tasks + what the portal holds -> a Plan. No I/O, no clock.

`planner` decides (make_plan, tasks_needing_runs) from the records in `options` (PlanOptions,
Policy) and model.PortalState; `matching` pairs declared and portal tasks by Key (renames,
owner moves); `compare` finds field differences by meaning; `checks` finds errors and warnings;
`desired` and `ownership` say what the portal task should hold and which tasks are managed;
`fingerprints` let a saved plan be refused when stale; `plan` is the Plan itself.
"""

from __future__ import annotations
