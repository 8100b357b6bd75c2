"""Interface classes for time and event bound control (Blue Book 4.5)."""

from __future__ import annotations

from dlmskit.model.classdef import Access, M, bb, define, dyn, st
from dlmskit.model.classes.common import (
    ACTION_ITEM,
    ACTION_SET,
    SCRIPT_ACTION,
    VALUE_DEFINITION,
    ZERO,
)
from dlmskit.model.enums import ClockBase, ControlMode, ControlState, SingleActionType
from dlmskit.model.schema import (
    ANY,
    ANY_SIMPLE,
    BITS,
    BOOL,
    DATE,
    DATE_TIME,
    I8,
    I16,
    LN,
    OCTETS,
    TIME,
    U8,
    U16,
    U32,
    ArrayOf,
    EnumOf,
    struct,
)

# Clock
PRESET_ADJUSTING_TIME = struct(
    "preset_adjusting_time",
    ("preset_time", DATE_TIME),
    ("validity_interval_start", DATE_TIME),
    ("validity_interval_end", DATE_TIME),
)
define(
    8,
    0,
    "Clock",
    [
        dyn("time", DATE_TIME, Access.READ_WRITE),
        st("time_zone", I16),
        dyn("status", U8),
        st("daylight_savings_begin", DATE_TIME),
        st("daylight_savings_end", DATE_TIME),
        st("daylight_savings_deviation", I8),
        st("daylight_savings_enabled", BOOL),
        st("clock_base", EnumOf(ClockBase), Access.READ),
    ],
    [
        M("adjust_to_quarter", ZERO),
        M("adjust_to_measuring_period", ZERO),
        M("adjust_to_minute", ZERO),
        M("adjust_to_preset_time", ZERO),
        M("preset_adjusting_time", PRESET_ADJUSTING_TIME),
        M("shift_time", I16),
    ],
    source=bb("Clock (class_id = 8, version = 0)"),
)

# Script table
SCRIPT = struct("script", ("script_identifier", U16), ("actions", ArrayOf(SCRIPT_ACTION)))
define(
    9,
    0,
    "Script table",
    [st("scripts", ArrayOf(SCRIPT))],
    [M("execute", U16)],
    source=bb("Script table (class_id = 9, version = 0)"),
)

# Schedule
SCHEDULE_ENTRY = struct(
    "schedule_table_entry",
    ("index", U16),
    ("enable", BOOL),
    ("script_logical_name", LN),
    ("script_selector", U16),
    ("switch_time", TIME),
    ("validity_window", U16),
    ("exec_weekdays", BITS),
    ("exec_specdays", BITS),
    ("begin_date", DATE),
    ("end_date", DATE),
)
INDEX_RANGES = struct(
    "enable_disable",
    ("first_index_a", U16),
    ("last_index_a", U16),
    ("first_index_b", U16),
    ("last_index_b", U16),
)
INDEX_RANGE = struct("index_range", ("first_index", U16), ("last_index", U16))
define(
    10,
    0,
    "Schedule",
    [st("entries", ArrayOf(SCHEDULE_ENTRY))],
    [
        M("enable_disable", INDEX_RANGES),
        M("insert", SCHEDULE_ENTRY),
        M("delete", INDEX_RANGE),
    ],
    source=bb("Schedule (class_id = 10, version = 0)"),
)

# Special days table
SPEC_DAY_ENTRY = struct("spec_day_entry", ("index", U16), ("specialday_date", DATE), ("day_id", U8))
define(
    11,
    0,
    "Special days table",
    [st("entries", ArrayOf(SPEC_DAY_ENTRY))],
    [M("insert", SPEC_DAY_ENTRY), M("delete", U16)],
    source=bb("Special days table (class_id = 11, version = 0)"),
)

# Activity calendar
SEASON = struct(
    "season_profile",
    ("season_profile_name", OCTETS),
    ("season_start", DATE_TIME),
    ("week_name", OCTETS),
)
WEEK = struct(
    "week_profile",
    ("week_profile_name", OCTETS),
    ("monday", U8),
    ("tuesday", U8),
    ("wednesday", U8),
    ("thursday", U8),
    ("friday", U8),
    ("saturday", U8),
    ("sunday", U8),
)
DAY_ACTION = struct(
    "day_profile_action",
    ("start_time", TIME),
    ("script_logical_name", LN),
    ("script_selector", U16),
)
DAY = struct("day_profile", ("day_id", U8), ("day_schedule", ArrayOf(DAY_ACTION)))
define(
    20,
    0,
    "Activity calendar",
    [
        st("calendar_name_active", OCTETS, Access.READ),
        st("season_profile_active", ArrayOf(SEASON), Access.READ),
        st("week_profile_table_active", ArrayOf(WEEK), Access.READ),
        st("day_profile_table_active", ArrayOf(DAY), Access.READ),
        st("calendar_name_passive", OCTETS),
        st("season_profile_passive", ArrayOf(SEASON)),
        st("week_profile_table_passive", ArrayOf(WEEK)),
        st("day_profile_table_passive", ArrayOf(DAY)),
        st("activate_passive_calendar_time", DATE_TIME),
    ],
    [M("activate_passive_calendar", ZERO)],
    source=bb("Activity calendar (class_id = 20, version = 0)"),
)

# Register monitor
define(
    21,
    0,
    "Register monitor",
    [
        st("thresholds", ArrayOf(ANY_SIMPLE)),
        st("monitored_value", VALUE_DEFINITION),
        st("actions", ArrayOf(ACTION_SET)),
    ],
    source=bb("Register monitor (class_id = 21, version = 0)"),
)

# Single action schedule
EXECUTION_TIME = struct("execution_time_date", ("time", TIME), ("date", DATE))
define(
    22,
    0,
    "Single action schedule",
    [
        st("executed_script", ACTION_ITEM),
        st("type", EnumOf(SingleActionType)),
        st("execution_time", ArrayOf(EXECUTION_TIME)),
    ],
    source=bb("Single action schedule (class_id = 22, version = 0)"),
)

# Parameter monitor
PARAMETER = struct(
    "parameter_definition", ("class_id", U16), ("logical_name", LN), ("attribute_index", I8)
)
CHANGED_PARAMETER = struct(
    "changed_parameter",
    ("class_id", U16),
    ("logical_name", LN),
    ("attribute_index", I8),
    ("attribute_value", ANY),
)
define(
    65,
    0,
    "Parameter monitor",
    [
        dyn("changed_parameter", CHANGED_PARAMETER),
        dyn("capture_time", DATE_TIME),
        st("parameter_list", ArrayOf(PARAMETER)),
    ],
    [M("add_parameter", PARAMETER), M("delete_parameter", PARAMETER)],
    source=bb("Parameter monitor (class_id = 65, version = 0)"),
)

# Arbitrator
REQUEST_ACTION = struct("request_action", ("request_id", U8), ("request_actions", BITS))
define(
    68,
    0,
    "Arbitrator",
    [
        st("actions", ArrayOf(ACTION_ITEM)),
        st("permissions_table", ArrayOf(BITS)),
        st("weightings_table", ArrayOf(ArrayOf(U16))),
        dyn("most_recent_requests_table", ArrayOf(BITS)),
        dyn("last_outcome", U8),
    ],
    [M("request_action", REQUEST_ACTION), M("reset", ZERO)],
    source=bb("Arbitrator (class_id = 68, version = 0)"),
)

# Disconnect control
define(
    70,
    0,
    "Disconnect control",
    [
        dyn("output_state", BOOL),
        dyn("control_state", EnumOf(ControlState)),
        st("control_mode", EnumOf(ControlMode)),
    ],
    [M("remote_disconnect", ZERO), M("remote_reconnect", ZERO)],
    source=bb("Disconnect control (class_id = 70, version = 0)"),
)

# Limiter
EMERGENCY_PROFILE = struct(
    "emergency_profile",
    ("emergency_profile_id", U16),
    ("emergency_activation_time", DATE_TIME),
    ("emergency_duration", U32),
)
LIMITER_ACTIONS = struct(
    "limiter_actions",
    ("action_over_threshold", ACTION_ITEM),
    ("action_under_threshold", ACTION_ITEM),
)
define(
    71,
    0,
    "Limiter",
    [
        st("monitored_value", VALUE_DEFINITION),
        dyn("threshold_active", ANY_SIMPLE),
        st("threshold_normal", ANY_SIMPLE),
        st("threshold_emergency", ANY_SIMPLE),
        st("min_over_threshold_duration", U32),
        st("min_under_threshold_duration", U32),
        st("emergency_profile", EMERGENCY_PROFILE),
        st("emergency_profile_group_id_list", ArrayOf(U16)),
        dyn("emergency_profile_active", BOOL),
        st("actions", LIMITER_ACTIONS),
    ],
    source=bb("Limiter (class_id = 71, version = 0)"),
)
