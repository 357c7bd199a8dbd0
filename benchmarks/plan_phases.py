"""Where one `reconciler plan` spends its CPU: each phase timed in this one process.

    python benchmarks/plan_phases.py        # in a folder with tasks.d, RECONCILER_* set as for plan

Prints one JSON object: CPU seconds (time.process_time) of loading the task files (in this process:
the command may read many files in worker processes meanwhile, taskfiles/workers.py), reading the
portal (the client's own work; the emulator runs in another process), the planner, and the three
views; wall seconds of the portal read. bench.py runs it as a step, beside the real command, so
issue 14's "planner plus renderers at most 1 s of CPU" is measured where it is spent.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

from reconciler.cli import resolve, tune_gc
from reconciler.cli.parser import build_parser
from reconciler.commands.plan import load_tasks, portal_now
from reconciler.planning.options import PlanOptions
from reconciler.planning.ownership import PLAIN_MARK, is_managed
from reconciler.planning.planner import draft, make_plan
from reconciler.portal import snapshot
from reconciler.render import render


def main() -> int:
    tune_gc()  # as the command does (reconciler.cli.console)
    args = build_parser().parse_args(["plan"])
    asked = resolve.planning(args, os.environ, variables={}, cwd=Path.cwd())
    request = asked.request
    cpu: dict[str, float] = {}
    with asked.connect() as connection:
        now = portal_now(connection)
        start = time.process_time()
        loaded = load_tasks(request, connection, now=now)
        cpu["load task files"] = time.process_time() - start
        if not loaded.ok:
            print(json.dumps({"error": "the task files have errors"}))
            return 1
        portal = connection.portal
        options = PlanOptions(default_owner=portal.owner, portal=connection.label, now=now, mark=request.mark,
                              adopts=request.adopts, owner_pinned=request.owner_pinned, policy=request.policy,
                              secret_values=loaded.secret_values)
        wall, start = time.perf_counter(), time.process_time()
        found = snapshot.gather(portal, loaded.specs, default_owner=options.default_owner,
                                managed=lambda title: is_managed(title, request.mark, request.adopts)
                                or title.startswith(PLAIN_MARK))
        read_cpu = time.process_time() - start
        start = time.process_time()
        drafted = draft(loaded.specs, found, options)
        plan_cpu = time.process_time() - start
        start = time.process_time()
        found = snapshot.with_runs(portal, found, drafted.needing_runs())
        cpu["read the portal"] = read_cpu + time.process_time() - start
        read_wall = time.perf_counter() - wall - plan_cpu
        start = time.process_time()
        plan = make_plan(loaded.specs, found, options, drafted=drafted)
        cpu["planner"] = plan_cpu + time.process_time() - start
    for fmt in ("text", "markdown", "json"):
        start = time.process_time()
        render(plan, fmt)
        cpu[f"render {fmt}"] = time.process_time() - start
    print(json.dumps({"cpu": cpu, "portal read wall": read_wall, "tasks": len(loaded.specs),
                      "changes": len(plan.changes)}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
