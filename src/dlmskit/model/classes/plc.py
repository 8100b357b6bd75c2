"""Interface classes for power line carrier setup: S-FSK (Blue Book 4.10), IEC 61334-4-32 LLC,
PRIME NB OFDM (4.12) and G3-PLC (4.13).

Where the Blue Book text was not at hand, attribute types were checked against how Gurux
encodes them (read for facts only); tables with involved element structures are typed as
arrays of any data rather than guessed.
"""

from __future__ import annotations

from dlmskit.model.classdef import A, M, bb, define, dyn, st
from dlmskit.model.classes.common import ZERO
from dlmskit.model.schema import (
    ANY,
    BITS,
    BOOL,
    ENUM,
    I8,
    I16,
    OCTETS,
    U8,
    U16,
    U32,
    ArrayOf,
    struct,
)

# S-FSK Phy&MAC setup
define(
    50,
    1,
    "S-FSK Phy&MAC setup",
    [
        st("initiator_electrical_phase", ENUM),
        st("delta_electrical_phase", ENUM),
        st("max_receiving_gain", U8),
        st("max_transmitting_gain", U8),
        st("search_initiator_threshold", U8),
        st("frequencies", struct("frequencies", ("mark_frequency", U32), ("space_frequency", U32))),
        dyn("mac_address", U16),
        st("mac_group_addresses", ArrayOf(U16)),
        st("repeater", ENUM),
        dyn("repeater_status", BOOL),
        dyn("min_delta_credit", U8),
        dyn("initiator_mac_address", U16),
        dyn("synchronization_locked", BOOL),
        st("transmission_speed", ENUM),
    ],
    source=bb("S-FSK Phy&MAC setup (class_id = 50, version = 1)"),
)

# S-FSK Active initiator
define(
    51,
    0,
    "S-FSK Active initiator",
    [
        dyn(
            "active_initiator",
            struct(
                "initiator_descriptor",
                ("system_title", OCTETS),
                ("mac_address", U16),
                ("l_sap_selector", U8),
            ),
        )
    ],
    [M("reset_new_not_synchronized", ZERO)],
    source=bb("S-FSK Active initiator (class_id = 51, version = 0)"),
)

# S-FSK MAC synchronization timeouts
define(
    52,
    0,
    "S-FSK MAC synchronization timeouts",
    [
        st("search_initiator_timeout", U16),
        st("synchronization_confirmation_timeout", U16),
        st("time_out_not_addressed", U16),
        st("time_out_frame_not_OK", U16),
    ],
    source=bb("S-FSK MAC synchronization timeouts (class_id = 52, version = 0)"),
)

# S-FSK MAC counters
_MAC_COUNTER = struct("mac_counter", ("mac_address", U16), ("counter", U32))
define(
    53,
    0,
    "S-FSK MAC counters",
    [
        dyn("synchronization_register", ArrayOf(_MAC_COUNTER)),
        dyn(
            "desynchronization_listing",
            struct(
                "desynchronization_listing",
                ("physical_layer_desynchronization", U32),
                ("time_out_not_addressed_desynchronization", U32),
                ("time_out_frame_not_OK_desynchronization", U32),
                ("write_request_desynchronization", U32),
                ("wrong_initiator_desynchronization", U32),
            ),
        ),
        dyn("broadcast_frames_counter", ArrayOf(_MAC_COUNTER)),
        dyn("repetitions_counter", U32),
        dyn("transmissions_counter", U32),
        dyn("CRC_OK_frames_counter", U32),
        dyn("CRC_NOK_frames_counter", U32),
    ],
    [M("reset", ZERO)],
    source=bb("S-FSK MAC counters (class_id = 53, version = 0)"),
)

# IEC 61334-4-32 LLC setup
define(
    55,
    1,
    "IEC 61334-4-32 LLC setup",
    [
        st("max_frame_length", U8),
        dyn(
            "reply_status_list",
            ArrayOf(
                struct(
                    "reply_status",
                    ("mac_address", U16),
                    ("l_sap_selector", U8),
                    ("reply_status", OCTETS),
                )
            ),
        ),
    ],
    source=bb("IEC 61334-4-32 LLC setup (class_id = 55, version = 1)"),
)

# S-FSK Reporting system list
define(
    56,
    0,
    "S-FSK Reporting system list",
    [dyn("reporting_system_list", ArrayOf(OCTETS))],
    source=bb("S-FSK Reporting system list (class_id = 56, version = 0)"),
)

# 61334-4-32 LLC SSCS setup
define(
    80,
    0,
    "61334-4-32 LLC SSCS setup",
    [dyn("service_node_address", U16), dyn("base_node_address", U16)],
    [M("reset", ZERO)],
    source=bb("61334-4-32 LLC SSCS setup (class_id = 80, version = 0)"),
)

# PRIME NB OFDM PLC
define(
    81,
    0,
    "PRIME NB OFDM PLC Physical layer counters",
    [
        dyn("cnt_phy_crc_incorrect", U16),
        dyn("cnt_phy_crc_fail", U16),
        dyn("cnt_phy_tx_drop", U16),
        dyn("cnt_phy_rx_drop", U16),
    ],
    [M("reset", ZERO)],
    source=bb("PRIME NB OFDM PLC Physical layer counters (class_id = 81, version = 0)"),
)
define(
    82,
    0,
    "PRIME NB OFDM PLC MAC setup",
    [
        st("mac_min_switch_search_time", U8),
        st("mac_max_promotion_pdu", U8),
        st("mac_promotion_pdu_tx_period", U8),
        st("mac_beacons_per_frame", U8),
        st("mac_scp_max_tx_attempts", U8),
        st("mac_ctl_re_tx_timer", U8),
        st("mac_max_ctl_re_tx", U8),
    ],
    source=bb("PRIME NB OFDM PLC MAC setup (class_id = 82, version = 0)"),
)
define(
    83,
    0,
    "PRIME NB OFDM PLC MAC functional parameters",
    [
        dyn("lnid", I16),
        dyn("lsid", U8),
        dyn("sid", U8),
        dyn("sna", OCTETS),
        dyn("state", ENUM),
        dyn("scp_length", I16),
        dyn("node_hierarchy_level", U8),
        dyn("beacon_slot_count", U8),
        dyn("beacon_rx_slot", U8),
        dyn("beacon_tx_slot", U8),
        dyn("beacon_rx_frequency", U8),
        dyn("beacon_tx_frequency", U8),
        dyn("mac_capabilities", U16),
    ],
    source=bb("PRIME NB OFDM PLC MAC functional parameters (class_id = 83, version = 0)"),
)
define(
    84,
    0,
    "PRIME NB OFDM PLC MAC counters",
    [
        dyn("mac_tx_data_pkt_count", U32),
        dyn("mac_rx_data_pkt_count", U32),
        dyn("mac_tx_ctrl_pkt_count", U32),
        dyn("mac_rx_ctrl_pkt_count", U32),
        dyn("mac_csma_fail_count", U32),
        dyn("mac_csma_ch_busy_count", U32),
    ],
    [M("reset", ZERO)],
    source=bb("PRIME NB OFDM PLC MAC counters (class_id = 84, version = 0)"),
)
define(
    85,
    0,
    "PRIME NB OFDM PLC MAC network administration data",
    [
        dyn(
            "multicast_entries",
            ArrayOf(struct("multicast_entry", ("id", I8), ("members", I16))),
        ),
        dyn("switch_table", ArrayOf(I16)),
        dyn(
            "direct_table",
            ArrayOf(
                struct(
                    "direct_table_element",
                    ("source_sid", I16),
                    ("source_lnid", I16),
                    ("source_lcid", I16),
                    ("destination_sid", I16),
                    ("destination_lnid", I16),
                    ("destination_lcid", I16),
                    ("did", OCTETS),
                )
            ),
        ),
        dyn(
            "available_switches",
            ArrayOf(
                struct(
                    "available_switch",
                    ("sna", OCTETS),
                    ("ls_id", I16),
                    ("level", I8),
                    ("rx_level", I8),
                    ("rx_snr", I8),
                )
            ),
        ),
        dyn(
            "communications",
            ArrayOf(
                struct(
                    "phy_communication",
                    ("eui", OCTETS),
                    ("tx_power", I8),
                    ("tx_coding", I8),
                    ("rx_coding", I8),
                    ("rx_lvl", I8),
                    ("snr", I8),
                    ("tx_power_modified", I8),
                    ("tx_coding_modified", I8),
                    ("rx_coding_modified", I8),
                )
            ),
        ),
    ],
    [M("reset", ZERO)],
    source=bb("PRIME NB OFDM PLC MAC network administration data (class_id = 85, version = 0)"),
)
define(
    86,
    0,
    "PRIME NB OFDM PLC Application identification",
    [st("firmware_version", OCTETS), st("vendor_id", U16), st("product_id", U16)],
    source=bb("PRIME NB OFDM PLC Application identification (class_id = 86, version = 0)"),
)

# G3-PLC MAC layer counters
define(
    90,
    1,
    "G3-PLC MAC layer counters",
    [
        dyn("mac_Tx_data_packet_count", U32),
        dyn("mac_Rx_data_packet_count", U32),
        dyn("mac_Tx_cmd_packet_count", U32),
        dyn("mac_Rx_cmd_packet_count", U32),
        dyn("mac_CSMA_fail_count", U32),
        dyn("mac_CSMA_no_ACK_count", U32),
        dyn("mac_bad_CRC_count", U32),
        dyn("mac_Tx_data_broadcast_count", U32),
        dyn("mac_Rx_data_broadcast_count", U32),
    ],
    [M("reset", ZERO)],
    source=bb("G3-PLC MAC layer counters (class_id = 90, version = 1)"),
)

# G3-PLC MAC setup: versions 2 and 3 append attributes (and a method) to version 1
_G3_MAC_V1: list[A] = [
    dyn("mac_short_address", U16),
    dyn("mac_RC_coord", U16),
    dyn("mac_PAN_id", U16),
    st("mac_key_table", ArrayOf(struct("mac_key", ("mac_key_id", U8), ("mac_key", OCTETS)))),
    dyn("mac_frame_counter", U32),
    st("mac_tone_mask", BITS),
    st("mac_TMR_TTL", U8),
    st("mac_max_frame_retries", U8),
    st("mac_neighbour_table_entry_TTL", U8),
    dyn("mac_neighbour_table", ArrayOf(ANY)),
    st("mac_high_priority_window_size", U8),
    st("mac_CSMA_fairness_limit", U8),
    st("mac_beacon_randomization_window_length", U8),
    st("mac_A", U8),
    st("mac_K", U8),
    st("mac_min_CW_attempts", U8),
    st("mac_cenelec_legacy_mode", U8),
    st("mac_FCC_legacy_mode", U8),
    st("mac_max_BE", U8),
    st("mac_max_CSMA_backoffs", U8),
    st("mac_min_BE", U8),
]
_G3_MAC_V2: list[A] = [
    *_G3_MAC_V1,
    st("mac_broadcast_max_CW_enabled", BOOL),
    st("mac_transmit_atten", U8),
    dyn("mac_POS_table", ArrayOf(ANY)),
]
_G3_GET_NEIGHBOUR = M("mac_get_neighbour_table_entry", U16, ArrayOf(ANY))
define(
    91,
    1,
    "G3-PLC MAC setup",
    _G3_MAC_V1,
    [_G3_GET_NEIGHBOUR],
    source=bb("G3-PLC MAC setup (class_id = 91, version = 1)"),
)
define(
    91,
    2,
    "G3-PLC MAC setup",
    _G3_MAC_V2,
    [_G3_GET_NEIGHBOUR],
    source=bb("G3-PLC MAC setup (class_id = 91, version = 2)"),
)
define(
    91,
    3,
    "G3-PLC MAC setup",
    [*_G3_MAC_V2, st("mac_duplicate_detection_TTL", U8)],
    [_G3_GET_NEIGHBOUR, M("mac_get_POS_table_entry", U16, ArrayOf(ANY))],
    source=bb("G3-PLC MAC setup (class_id = 91, version = 3)"),
)

# G3-PLC 6LoWPAN adaptation layer setup: each version appends attributes
_G3_6LOWPAN_V0: list[A] = [
    st("adp_max_hops", U8),
    st("adp_weak_LQI_value", U8),
    st("adp_security_level", U8),
    st("adp_prefix_table", ArrayOf(ANY)),
    st("adp_routing_configuration", ArrayOf(ANY)),
    st("adp_broadcast_log_table_entry_TTL", U16),
    dyn("adp_routing_table", ArrayOf(ANY)),
    st("adp_context_information_table", ArrayOf(ANY)),
    st("adp_blacklist_table", ArrayOf(ANY)),
    dyn("adp_broadcast_log_table", ArrayOf(ANY)),
    st("adp_group_table", ArrayOf(U16)),
    st("adp_max_join_wait_time", U16),
    st("adp_path_discovery_time", U8),
    st("adp_active_key_index", U8),
    st("adp_metric_type", U8),
]
_G3_6LOWPAN_V1: list[A] = [
    *_G3_6LOWPAN_V0,
    st("adp_coord_short_address", U16),
    st("adp_disable_default_routing", BOOL),
    st("adp_device_type", ENUM),
]
_G3_6LOWPAN_V2: list[A] = [
    *_G3_6LOWPAN_V1,
    st("adp_default_coord_route_enabled", BOOL),
    st("adp_destination_address_set", ArrayOf(U16)),
]
_G3_6LOWPAN_V3: list[A] = [*_G3_6LOWPAN_V2, st("adp_low_LQI", U8), st("adp_high_LQI", U8)]
for _version, _attributes in enumerate(
    (_G3_6LOWPAN_V0, _G3_6LOWPAN_V1, _G3_6LOWPAN_V2, _G3_6LOWPAN_V3)
):
    define(
        92,
        _version,
        "G3-PLC 6LoWPAN adaptation layer setup",
        _attributes,
        source=bb(f"G3-PLC 6LoWPAN adaptation layer setup (class_id = 92, version = {_version})"),
    )
