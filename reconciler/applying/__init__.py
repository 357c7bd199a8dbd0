"""Carrying out a Plan on the portal: `executor` runs the changes (in order per change, in
parallel across changes, quota-freeing ones first) and `outcomes` records what became of each."""

from __future__ import annotations
