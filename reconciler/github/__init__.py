"""GitHub glue for the shipped workflows: the pull request's plan comment, the apply comment on a
merged pull request and the drift issue (`reconciler github ...`). bodies.py and fit.py are pure;
api.py is the one module that talks to GitHub; context.py reads what Actions sets."""

from __future__ import annotations
