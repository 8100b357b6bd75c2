"""dlmskit: DLMS/COSEM (IEC 62056) for Python.

Layers, each importing only those below it (see DESIGN.md):
codec (:mod:`dlmskit.axdr`, :mod:`dlmskit.cosem`) -> model -> security -> protocol -> io ->
sessions -> tools.
"""

from dlmskit.errors import (
    DecodeError,
    DlmsError,
    EncodeError,
    LocalProtocolError,
    RemoteProtocolError,
)

__version__ = "0.1.0.dev0"

__all__ = [
    "DecodeError",
    "DlmsError",
    "EncodeError",
    "LocalProtocolError",
    "RemoteProtocolError",
    "__version__",
]
