"""reconciler: GitOps for scheduled geoprocessing tasks on ArcGIS Enterprise."""

from __future__ import annotations

__version__ = "0.1.0"
