"""Interface classes for parameters and measurement data (Blue Book 4.3)."""

from __future__ import annotations

from dlmskit.model.classdef import Access, M, bb, define, dyn, st
from dlmskit.model.classes.common import CAPTURE_OBJECT, OBJECT_DEFINITION, ZERO
from dlmskit.model.enums import CaptureMethod, SortMethod
from dlmskit.model.schema import (
    ANY,
    ANY_SIMPLE,
    DATE_TIME,
    I8,
    LN,
    OCTETS,
    SCALER_UNIT,
    U8,
    U16,
    U32,
    ArrayOf,
    EnumOf,
    Scaled,
    struct,
)

# 4.3.1 Data
define(
    1,
    0,
    "Data",
    [dyn("value", ANY, Access.READ_WRITE)],
    source=bb("Data (class_id = 1, version = 0)"),
)

# 4.3.2 Register
define(
    3,
    0,
    "Register",
    [dyn("value", Scaled(ANY_SIMPLE), Access.READ_WRITE), st("scaler_unit", SCALER_UNIT)],
    [M("reset", ZERO)],
    scaler_attribute=3,
    source=bb("Register (class_id = 3, version = 0)"),
)

# 4.3.3 Extended register
define(
    4,
    0,
    "Extended register",
    [
        dyn("value", Scaled(ANY_SIMPLE), Access.READ_WRITE),
        st("scaler_unit", SCALER_UNIT),
        dyn("status", ANY_SIMPLE),
        dyn("capture_time", DATE_TIME),
    ],
    [M("reset", ZERO)],
    scaler_attribute=3,
    source=bb("Extended register (class_id = 4, version = 0)"),
)

# 4.3.4 Demand register
define(
    5,
    0,
    "Demand register",
    [
        dyn("current_average_value", Scaled(ANY_SIMPLE)),
        dyn("last_average_value", Scaled(ANY_SIMPLE)),
        st("scaler_unit", SCALER_UNIT),
        dyn("status", ANY_SIMPLE),
        dyn("capture_time", DATE_TIME),
        dyn("start_time_current", DATE_TIME),
        st("period", U32),
        st("number_of_periods", U16),
    ],
    [M("reset", ZERO), M("next_period", ZERO)],
    scaler_attribute=4,
    source=bb("Demand register (class_id = 5, version = 0)"),
)

# 4.3.5 Register activation
REGISTER_ACT_MASK = struct("register_act_mask", ("mask_name", OCTETS), ("index_list", ArrayOf(U8)))
define(
    6,
    0,
    "Register activation",
    [
        st("register_assignment", ArrayOf(OBJECT_DEFINITION)),
        st("mask_list", ArrayOf(REGISTER_ACT_MASK)),
        dyn("active_mask", OCTETS, Access.READ_WRITE),
    ],
    [
        M("add_register", OBJECT_DEFINITION),
        M("add_mask", REGISTER_ACT_MASK),
        M("delete_mask", OCTETS),
    ],
    source=bb("Register activation (class_id = 6, version = 0)"),
)

# 4.3.6 Profile generic
define(
    7,
    1,
    "Profile generic",
    [
        dyn("buffer", ArrayOf(ANY)),
        st("capture_objects", ArrayOf(CAPTURE_OBJECT)),
        st("capture_period", U32),
        st("sort_method", EnumOf(SortMethod)),
        st("sort_object", CAPTURE_OBJECT),
        dyn("entries_in_use", U32),
        st("profile_entries", U32),
    ],
    [M("reset", ZERO), M("capture", ZERO)],
    source=bb("Profile generic (class_id = 7, version = 1)"),
)

# 4.3.7 Utility tables
define(
    26,
    0,
    "Utility tables",
    [st("table_id", U16), dyn("length", U32), dyn("buffer", OCTETS)],
    source=bb("Utility tables (class_id = 26, version = 0)"),
)

# 4.3.8 Register table
TABLE_CELL_DEFINITION = struct(
    "table_cell_definition",
    ("class_id", U16),
    ("logical_name", LN),
    ("group_E_values", ArrayOf(U8)),
    ("attribute_index", I8),
)
define(
    61,
    0,
    "Register table",
    [
        dyn("table_cell_values", ArrayOf(ANY_SIMPLE)),
        st("table_cell_definition", TABLE_CELL_DEFINITION),
        st("scaler_unit", SCALER_UNIT),
    ],
    [M("reset", ZERO), M("capture", ZERO)],
    source=bb("Register table (class_id = 61, version = 0)"),
)

# 4.3.9 Status mapping
STATUS_MAPPING_TABLE = struct("mapping_table", ("ref_table_id", U8), ("ref_table_mapping", ANY))
define(
    63,
    0,
    "Status mapping",
    [dyn("status_word", ANY_SIMPLE), st("mapping_table", STATUS_MAPPING_TABLE)],
    source=bb("Status mapping (class_id = 63, version = 0)"),
)

# 4.3.10 Compact data (version 0 and 1 share their attribute and method list)
for _version in (0, 1):
    define(
        62,
        _version,
        "Compact data",
        [
            dyn("compact_buffer", OCTETS),
            st("capture_objects", ArrayOf(CAPTURE_OBJECT)),
            st("template_id", U8),
            dyn("template_description", OCTETS),
            st("capture_method", EnumOf(CaptureMethod)),
        ],
        [M("reset", ZERO), M("capture", ZERO)],
        source=bb(f"Compact data (class_id = 62, version = {_version})"),
    )
