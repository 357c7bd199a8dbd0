"""reconciler: GitOps for scheduled geoprocessing tasks on ArcGIS Enterprise."""

__version__ = "0.1.0"
