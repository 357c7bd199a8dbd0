"""A certificate for `--tls`, made at start with trustme (the optional extra `emulator-tls`)."""

from __future__ import annotations

import ssl

from reconciler.errors import UsageError


def server_context(hostnames: tuple[str, ...]) -> tuple[ssl.SSLContext, bytes]:
    """(server SSL context, PEM of the certificate clients should trust)."""
    try:
        import trustme
    except ImportError:
        raise UsageError(
            "--tls needs the optional extra 'emulator-tls': pip install 'arcgis-task-reconciler[emulator-tls]' (installs trustme)"
        ) from None
    ca = trustme.CA(organization_name="reconciler emulator")
    leaf = ca.issue_cert(*hostnames)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    leaf.configure_cert(context)
    # Clients trust the issuing CA; trustme signs the leaf with a fresh CA made for this run.
    return context, ca.cert_pem.bytes()
