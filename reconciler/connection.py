"""Where plan and apply connect: a configured portal, or (`--emulator`) the embedded emulator.

The embedded emulator runs in this process with its state in `.reconciler/emulator.sqlite` in
the current directory, and is reached over real HTTP through the normal PortalClient, signed in
as the emulator's `publisher`. Its port is picked once and saved in `.reconciler/emulator.json`:
task URLs stored in the emulator contain it, so a new port every run would make every plan
propose updates.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from reconciler.errors import ConfigError
from reconciler.portal.client import PortalClient
from reconciler.portal.protocol import Portal
from reconciler.portal.settings import ConnectionSettings, build_settings

STATE_DIR = ".reconciler"
DATA_FILE = "emulator.sqlite"
PORT_FILE = "emulator.json"
EMULATOR_USER = ("publisher", "publisher123")
GP_SERVER_VARIABLE = "GP_SERVER_URL"
EMULATOR_LABEL = "emulator"


@dataclass(frozen=True, kw_only=True)
class Connection:
    """An open portal session. `label` names the portal in plans ("emulator" for the embedded one);
    `banner` is a line to show first; `defaults` are variables to use unless the user set them."""

    portal: Portal
    label: str
    banner: str | None = None
    defaults: dict[str, str] = field(default_factory=dict)
    secrets: tuple[str, ...] = ()


Connect = Callable[[], contextlib.AbstractContextManager[Connection]]


@contextlib.contextmanager
def remote(settings: ConnectionSettings) -> Iterator[Connection]:
    with PortalClient(settings) as client:
        yield Connection(portal=client, label=settings.portal_url, secrets=settings.secrets)


@contextlib.contextmanager
def embedded(*, verbose: bool = False, owner: str | None = None) -> Iterator[Connection]:
    """Start the emulator on its saved port (a free one the first time) and sign in to it.

    Raises:
        ConfigError: the saved port is taken, or the state folder cannot be written.
    """
    from reconciler.emulator.server import Emulator  # only --emulator pays for importing it

    state = Path(STATE_DIR)
    try:
        state.mkdir(mode=0o700, exist_ok=True)  # the emulator's database holds tokens
    except OSError as e:
        raise ConfigError(f"cannot create {state} for the embedded emulator's state: {e.strerror or e}") from None
    port = _saved_port(state / PORT_FILE)
    emulator = Emulator(port=port or 0, data=str(state / DATA_FILE))
    try:
        emulator.start()
    except OSError as e:
        raise ConfigError(
            f"the embedded emulator cannot listen on 127.0.0.1:{port} ({e.strerror or e}); it keeps that port "
            f"(saved in {state / PORT_FILE}) because stored task URLs contain it. Stop what uses the port, "
            f"or delete {state} to start over with a new port and no tasks."
        ) from None
    try:
        if port is None:
            (state / PORT_FILE).write_text(json.dumps({"port": emulator.port}) + "\n", encoding="utf-8")
        user, password = EMULATOR_USER
        settings = build_settings(portal=emulator.sharing_url, username=user, password=password, owner=owner,
                                  verbose=verbose)
        banner = (f"Using the embedded emulator (state: {state / DATA_FILE}) at {emulator.sharing_url}"
                  " — not a real portal.")
        with PortalClient(settings) as client:
            yield Connection(portal=client, label=EMULATOR_LABEL, banner=banner,
                             defaults={GP_SERVER_VARIABLE: emulator.server_url})
    finally:
        emulator.stop()


def _saved_port(path: Path) -> int | None:
    try:
        port = json.loads(path.read_text(encoding="utf-8")).get("port")
    except (OSError, ValueError, AttributeError, RecursionError):  # RecursionError: nested too deeply to decode
        return None
    return port if isinstance(port, int) and 0 < port < 65536 else None
