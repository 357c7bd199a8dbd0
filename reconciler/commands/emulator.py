"""`reconciler emulator`: run the portal emulator in the foreground until Ctrl-C."""

from __future__ import annotations

import threading
from collections.abc import Callable

from reconciler.emulator import limits, samples, version
from reconciler.emulator.auth import DEFAULT_USERS, load_users_file
from reconciler.emulator.context import Settings
from reconciler.emulator.server import Emulator
from reconciler.errors import UsageError


def run(
    *,
    host: str,
    port: int,
    data: str | None,
    users: str | None,
    tls: bool,
    cert_out: str | None,
    enable_control: bool,
    echo: Callable[[str], None],
    limit: tuple[str, ...] = (),
    enterprise_version: str = version.DEFAULT,
) -> int:
    if cert_out and not tls:
        raise UsageError("--cert-out needs --tls")
    try:
        version.parse(enterprise_version)
    except ValueError as e:
        raise UsageError(f"--enterprise-version: {e}") from None
    settings = Settings(limits=parse_limits(limit), enterprise_version=enterprise_version)
    emulator = Emulator(
        host=host,
        port=port,
        data=data,
        users=load_users_file(users) if users else None,
        tls=tls,
        enable_control=enable_control,
        settings=settings,
    )
    try:
        emulator.start()  # UsageError for a --port out of range or an unusable --data
    except OSError as e:
        raise UsageError(f"cannot serve on {host}:{port}: {e.strerror or e} (try another --port, or --port 0)") from None
    try:
        if cert_out and emulator.ca_pem is not None:
            try:
                with open(cert_out, "wb") as fh:
                    fh.write(emulator.ca_pem)
            except OSError as e:
                raise UsageError(f"--cert-out {cert_out}: cannot write the certificate: {e.strerror or e}") from None
        # The first line is the Sharing API root alone: scripts read it to find a port picked with --port 0.
        echo(emulator.sharing_url)
        echo(usage(emulator))
        try:
            threading.Event().wait()
        except KeyboardInterrupt:
            pass  # Ctrl-C is how a foreground server is meant to stop: exit 0 after a clean stop
    finally:
        emulator.stop()
    return 0


def usage(emulator: Emulator) -> str:
    """What a person needs to use the running emulator with curl: its users (the passwords of the
    built-in demo users only, which are public fixtures; never one from --users), the sample GP
    task URLs and the control API."""
    store = emulator.ctx.store if emulator.ctx else None
    rows = [row for name in (store.usernames() if store else ()) if store and (row := store.user(name))]
    demo = {(user["username"], user["password"]) for user in DEFAULT_USERS}
    users = [f"{row['username']}{' / ' + row['password'] if (row['username'], row['password']) in demo else ''} "
             f"({row['role']})" for row in rows]
    tasks = [emulator.task_url(tool.key) + (" (administrators only)" if tool.system else "") for tool in samples.TOOLS]
    control = (f"{emulator.control_url}/ (clock, faults, expire-tokens, requests)" if emulator.control_enabled
               else "off (not on loopback: --enable-control turns it on)")
    return "\n".join([
        f"  users:           {', '.join(users) or 'none'}",
        *(f"  {'sample GP tasks:' if i == 0 else '':<16} {url}" for i, url in enumerate(tasks)),
        f"  control API:     {control}",
        "Ctrl-C stops it.",
    ])


def parse_limits(assignments: tuple[str, ...]) -> dict[str, int]:
    """`--limit NAME=N` flags as system limits (the last one of a name wins); UsageError otherwise."""
    found: dict[str, int] = {}
    for item in assignments:
        name, sep, value = item.partition("=")
        if not sep:
            raise UsageError(f"--limit {item!r}: expected NAME=N, e.g. GPServiceUserLimit=1000")
        try:
            found[name.strip()] = limits.checked(name.strip(), value.strip())
        except ValueError as e:
            raise UsageError(f"--limit {item!r}: {e}") from None
    return found
