"""Talking to a portal: everything the reconciler knows about one comes through here.

`client` (over `http`, the one request choke-point, with `auth`, `retry`, `paging`, `writes`,
`wire` and `envelope`) speaks the Sharing API; `settings` says where and as whom to connect;
`snapshot` reads what the planner needs. Nothing here imports the planner.
"""

from __future__ import annotations
