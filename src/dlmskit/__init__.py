"""dlmskit: DLMS/COSEM (IEC 62056) for Python.

Layers, each importing only those below it (see DESIGN.md):
codec (:mod:`dlmskit.axdr`, :mod:`dlmskit.cosem`) -> model -> security -> protocol -> io ->
sessions -> tools.
"""

from typing import TYPE_CHECKING, Any

from dlmskit.errors import (
    DecodeError,
    DlmsError,
    EncodeError,
    LocalProtocolError,
    RemoteProtocolError,
)

if TYPE_CHECKING:
    from dlmskit.client import Client, SyncClient

__version__ = "0.1.0.dev0"

__all__ = [
    "Client",
    "DecodeError",
    "DlmsError",
    "EncodeError",
    "LocalProtocolError",
    "RemoteProtocolError",
    "SyncClient",
    "__version__",
]


def __getattr__(name: str) -> Any:
    """``dlmskit.Client`` and ``dlmskit.SyncClient``, imported when first used."""
    if name in ("Client", "SyncClient"):
        from dlmskit import client

        return getattr(client, name)
    raise AttributeError(f"module 'dlmskit' has no attribute {name!r}")
