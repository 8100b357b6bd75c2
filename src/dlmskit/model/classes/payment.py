"""Interface classes for payment metering (Blue Book 4.6): Account, Credit, Charge, Token
gateway."""

from __future__ import annotations

from dlmskit.model.classdef import M, bb, define, dyn, st
from dlmskit.model.classes.common import ZERO
from dlmskit.model.enums import (
    AccountMode,
    AccountStatus,
    ChargeType,
    CreditStatus,
    CreditType,
    TokenDeliveryMethod,
)
from dlmskit.model.schema import (
    BITS,
    DATE_TIME,
    ENUM,
    I8,
    I16,
    I32,
    LN,
    OCTETS,
    U8,
    U16,
    U32,
    UTF8,
    ArrayOf,
    EnumOf,
    struct,
)

define(
    111,
    0,
    "Account",
    [
        dyn(
            "account_mode_and_status",
            struct(
                "account_mode_and_status",
                ("account_mode", EnumOf(AccountMode)),
                ("account_status", EnumOf(AccountStatus)),
            ),
        ),
        dyn("current_credit_in_use", U8),
        dyn("current_credit_status", BITS),
        dyn("available_credit", I32),
        dyn("amount_to_clear", I32),
        st("clearance_threshold", I32),
        dyn("aggregated_debt", I32),
        st("credit_reference_list", ArrayOf(LN)),
        st("charge_reference_list", ArrayOf(LN)),
        st(
            "credit_charge_configuration",
            ArrayOf(
                struct(
                    "credit_charge_configuration",
                    ("credit_reference", LN),
                    ("charge_reference", LN),
                    ("collection_configuration", BITS),
                )
            ),
        ),
        st(
            "token_gateway_configuration",
            ArrayOf(
                struct(
                    "token_gateway_configuration",
                    ("credit_reference", LN),
                    ("token_proportion", U8),
                )
            ),
        ),
        dyn("account_activation_time", DATE_TIME),
        dyn("account_closure_time", DATE_TIME),
        st(
            "currency",
            struct(
                "currency", ("currency_name", UTF8), ("currency_scale", I8), ("currency_unit", ENUM)
            ),
        ),
        st("low_credit_threshold", I32),
        st("next_credit_available_threshold", I32),
        st("max_provision", U16),
        st("max_provision_period", I32),
    ],
    [M("activate_account", ZERO), M("close_account", ZERO), M("reset_account", ZERO)],
    source=bb("Account (class_id = 111, version = 0)"),
)

define(
    112,
    0,
    "Credit",
    [
        dyn("current_credit_amount", I32),
        st("credit_type", EnumOf(CreditType)),
        st("priority", U8),
        st("warning_threshold", I32),
        st("limit", I32),
        st("credit_configuration", BITS),
        dyn("credit_status", EnumOf(CreditStatus)),
        st("preset_credit_amount", I32),
        st("credit_available_threshold", I32),
        st("period", DATE_TIME),
    ],
    [
        M("update_amount", I32),
        M("set_amount_to_value", I32),
        M("invoke_credit", EnumOf(CreditStatus)),
    ],
    source=bb("Credit (class_id = 112, version = 0)"),
)

UNIT_CHARGE = struct(
    "unit_charge",
    (
        "charge_per_unit_scaling",
        struct("charge_per_unit_scaling", ("commodity_scale", I8), ("price_scale", I8)),
    ),
    (
        "commodity",
        struct(
            "commodity_reference", ("class_id", U16), ("logical_name", LN), ("attribute_index", I8)
        ),
    ),
    (
        "charge_tables",
        ArrayOf(struct("charge_table_element", ("index", OCTETS), ("charge_per_unit", I16))),
    ),
)
define(
    113,
    0,
    "Charge",
    [
        dyn("total_amount_paid", I32),
        st("charge_type", EnumOf(ChargeType)),
        st("priority", U8),
        st("unit_charge_active", UNIT_CHARGE),
        st("unit_charge_passive", UNIT_CHARGE),
        st("unit_charge_activation_time", DATE_TIME),
        st("period", U32),
        st("charge_configuration", BITS),
        dyn("last_collection_time", DATE_TIME),
        dyn("last_collection_amount", I32),
        dyn("total_amount_remaining", I32),
        st("proportion", U16),
    ],
    [
        M("update_unit_charge", UNIT_CHARGE),
        M("activate_passive_unit_charge", ZERO),
        M("collect", ZERO),
        M("update_total_amount_remaining", I32),
        M("set_total_amount_remaining", I32),
    ],
    source=bb("Charge (class_id = 113, version = 0)"),
)

define(
    115,
    0,
    "Token gateway",
    [
        dyn("token", OCTETS),
        dyn("token_time", DATE_TIME),
        dyn("token_description", ArrayOf(OCTETS)),
        dyn("token_delivery_method", EnumOf(TokenDeliveryMethod)),
        dyn("token_status", struct("token_status", ("status_code", ENUM), ("data_value", BITS))),
    ],
    [M("enter", OCTETS)],
    source=bb("Token gateway (class_id = 115, version = 0)"),
)
