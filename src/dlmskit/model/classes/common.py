"""Structures that several interface classes share (Blue Book 4.1.5 "common data types" and
the types the class descriptions define once and reuse)."""

from __future__ import annotations

from typing import Final

from dlmskit.model.enums import ScriptServiceId
from dlmskit.model.schema import (
    ANY,
    DATE_TIME,
    I8,
    LN,
    U16,
    EnumOf,
    struct,
)

__all__ = [
    "ACTION_ITEM",
    "ACTION_SET",
    "CAPTURE_OBJECT",
    "DATA_0",
    "OBJECT_DEFINITION",
    "SCRIPT_ACTION",
    "VALUE_DEFINITION",
    "WINDOW",
    "ZERO",
]

#: ``capture_object_definition``: what a Profile generic (or Push setup v0) captures.
CAPTURE_OBJECT: Final = struct(
    "capture_object_definition",
    ("class_id", U16),
    ("logical_name", LN),
    ("attribute_index", I8),
    ("data_index", U16),
)

#: ``value_definition`` of Register monitor and Limiter: an attribute of another object.
VALUE_DEFINITION: Final = struct(
    "value_definition",
    ("class_id", U16),
    ("logical_name", LN),
    ("attribute_index", I8),
)

#: ``object_definition``: class and logical name of another object.
OBJECT_DEFINITION: Final = struct("object_definition", ("class_id", U16), ("logical_name", LN))

#: ``action_item`` / ``script``: a script of a Script table, by its logical name and id.
ACTION_ITEM: Final = struct("action_item", ("script_logical_name", LN), ("script_selector", U16))

#: ``action_set`` of Register monitor: the scripts run when a threshold is crossed.
ACTION_SET: Final = struct("action_set", ("action_up", ACTION_ITEM), ("action_down", ACTION_ITEM))

#: ``action_specification`` of a Script table script.
SCRIPT_ACTION: Final = struct(
    "action_specification",
    ("service_id", EnumOf(ScriptServiceId)),
    ("class_id", U16),
    ("logical_name", LN),
    ("index", I8),
    ("parameter", ANY),
)

#: A time window ``structure{start_time, end_time}`` of date-times.
WINDOW: Final = struct("window_element", ("start_time", DATE_TIME), ("end_time", DATE_TIME))

#: The ``data ::= integer (0)`` parameter of most parameterless methods.
ZERO: Final = I8
#: Same as ZERO; a name that reads better in some tables.
DATA_0: Final = I8
