"""Esri's own client lists the publisher's tasks, for comparison (a step of bench.py, where `arcgis`
is installed: python benchmarks/bench.py --arcgis-python PATH).

    python benchmarks/esri_listing.py <portal URL> <CA file>   (RECONCILER_PASSWORD: publisher's)

Prints one JSON object: how many tasks `gis.users.me.tasks.all` returned, or what it raised. The
client insists on https, so bench.py gives it an emulator with --tls on the same data.
"""

from __future__ import annotations

import json
import os
import sys
import warnings


def main(portal: str, ca_file: str) -> int:
    warnings.simplefilter("ignore")
    os.environ["REQUESTS_CA_BUNDLE"] = ca_file
    from arcgis import __version__
    from arcgis.gis import GIS

    gis = GIS(portal, "publisher", os.environ["RECONCILER_PASSWORD"], verify_cert=False)
    try:
        found = len(gis.users.me.tasks.all)
    except Exception as e:  # what the client does past one page is the figure
        print(json.dumps({"arcgis": __version__, "error": f"{type(e).__name__}: {e}"[:300]}))
        return 0
    print(json.dumps({"arcgis": __version__, "tasks": found}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
