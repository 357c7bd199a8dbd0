"""The ArcGIS Enterprise release the emulator presents, and what the portal reports for it.

The Sharing API root answers `currentVersion` (the REST API version) and, from 11.3 on,
`enterpriseVersion` and `enterpriseBuild`; Esri's example values for 11.3 are 2024.1, 11.3.0 and
51526 (https://developers.arcgis.com/rest/users-groups-and-items/root). The Portal Admin `info`
resource (11.1+) gives `currentversion`, `fullVersion`, `currentbuild`, e.g. 11.1.0 and 41248
(https://developers.arcgis.com/rest/enterprise-administration/portal/portal-info). The other
values below are the emulator's [I].
"""

from __future__ import annotations

import re
from dataclasses import dataclass

DEFAULT = "11.3.0"
OLDEST = (10, 8, 1)  # scheduled tasks appear in 10.8.1 (docs/portal-api.md §5)
ENTERPRISE_VERSION_SINCE = (11, 3)  # the root's enterpriseVersion [D]
ADMIN_INFO_SINCE = (11, 1)  # portaladmin/info [D]
SYSTEM_LIMITS_SINCE = (11, 2)  # portaladmin/system/limits (§6.12) [D]
# The REST version and a build number per release; only 11.3's and 11.1's build are documented [I].
_RELEASES: tuple[tuple[tuple[int, ...], str, str], ...] = (
    ((10, 8, 1), "8.2", "14362"),
    ((10, 9), "8.4", "26828"),
    ((10, 9, 1), "9.2", "28388"),
    ((11, 0), "10.3", "35180"),
    ((11, 1), "2023.1", "41248"),  # build [D]
    ((11, 2), "2023.2", "47970"),
    ((11, 3), "2024.1", "51526"),  # [D]
    ((11, 4), "2024.2", "53700"),
    ((11, 5), "2025.1", "56900"),
)
_FORM = re.compile(r"[0-9]{1,4}(\.[0-9]{1,4}){1,2}")


@dataclass(frozen=True)
class Release:
    parts: tuple[int, int, int]

    @property
    def full(self) -> str:
        """Always three numbers, e.g. 11.3.0."""
        return ".".join(map(str, self.parts))

    def at_least(self, *parts: int) -> bool:
        return self.parts >= _padded(parts)

    def _known(self) -> tuple[str, str]:
        rest, build = _RELEASES[0][1:]
        for parts, r, b in _RELEASES:
            if self.parts >= _padded(parts):
                rest, build = r, b
        return rest, build

    @property
    def rest_version(self) -> str:
        """The Sharing API `currentVersion`: that of the newest listed release not above this one."""
        return self._known()[0]

    @property
    def build(self) -> str:
        return self._known()[1]


def parse(text: str) -> Release:
    """`X.Y` or `X.Y.Z`, 10.8.1 or later; ValueError with the reason otherwise."""
    if not _FORM.fullmatch(text.strip()):
        raise ValueError(f"expected a release such as {DEFAULT} or 11.1, got {text!r}")
    parts = _padded(tuple(int(p) for p in text.strip().split(".")))
    if parts < OLDEST:
        raise ValueError(f"scheduled tasks exist from ArcGIS Enterprise {'.'.join(map(str, OLDEST))} on, got {text!r}")
    return Release(parts)


def _padded(parts: tuple[int, ...]) -> tuple[int, int, int]:
    a, b, *c = parts
    return (a, b, c[0] if c else 0)
