"""Interface classes for communication setup (Blue Book 4.7-4.9, 4.16, 4.17): local port,
HDLC, twisted pair, M-Bus, modems, push, TCP/UDP, IPv4/IPv6, Ethernet, PPP, GPRS, GSM, NTP,
LTE."""

from __future__ import annotations

from dlmskit.model.classdef import A, Access, M, bb, define, dyn, st
from dlmskit.model.classes.common import CAPTURE_OBJECT, WINDOW, ZERO
from dlmskit.model.enums import (
    AddressConfigMode,
    BaudRate,
    DefaultMode,
    GsmCsAttachment,
    GsmPsStatus,
    GsmStatus,
    IPv6AddressType,
    MessageType,
    PushOperationMethod,
    ResponseTime,
    TransportService,
)
from dlmskit.model.schema import (
    ANY,
    ANY_SIMPLE,
    BOOL,
    DATE_TIME,
    ENUM,
    I8,
    LN,
    NULL,
    OCTETS,
    U8,
    U16,
    U32,
    VISIBLE,
    ArrayOf,
    Choice,
    EnumOf,
    Schema,
    struct,
)

_BAUD = EnumOf(BaudRate)

# IEC local port setup
define(
    19,
    1,
    "IEC local port setup",
    [
        st("default_mode", EnumOf(DefaultMode)),
        st("default_baud", _BAUD),
        st("prop_baud", _BAUD),
        st("response_time", EnumOf(ResponseTime)),
        st("device_addr", OCTETS),
        st("pass_p1", OCTETS, Access.WRITE),
        st("pass_p2", OCTETS, Access.WRITE),
        st("pass_w5", OCTETS, Access.WRITE),
    ],
    source=bb("IEC local port setup (class_id = 19, version = 1)"),
)

# IEC HDLC setup: version 0 has the same attributes with one-octet info field lengths
for _version, _info in ((0, U8), (1, U16)):
    define(
        23,
        _version,
        "IEC HDLC setup",
        [
            st("comm_speed", _BAUD),
            st("window_size_transmit", U8),
            st("window_size_receive", U8),
            st("max_info_field_length_transmit", _info),
            st("max_info_field_length_receive", _info),
            st("inter_octet_time_out", U16),
            st("inactivity_time_out", U16),
            st("device_address", U16),
        ],
        source=bb(f"IEC HDLC setup (class_id = 23, version = {_version})"),
    )

# IEC twisted pair (1) setup
define(
    24,
    0,
    "IEC twisted pair (1) setup",
    [
        st("mode", ENUM),
        st("comm_speed", _BAUD),
        st("primary_address_list", ArrayOf(U8)),
        st("tabi_list", ArrayOf(I8)),
    ],
    source=bb("IEC twisted pair (1) setup (class_id = 24, version = 0)"),
)

# M-Bus slave port setup
define(
    25,
    0,
    "M-Bus slave port setup",
    [
        st("default_baud", _BAUD),
        st("avail_baud", _BAUD),
        st("addr_state", ENUM),
        st("bus_address", U8),
    ],
    source=bb("M-Bus slave port setup (class_id = 25, version = 0)"),
)

# Modem configuration
for _version, _init in (
    (0, struct("initialization_string_element", ("request", OCTETS), ("response", OCTETS))),
    (
        1,
        struct(
            "initialization_string_element",
            ("request", OCTETS),
            ("response", OCTETS),
            ("delay_after_response", U16),
        ),
    ),
):
    define(
        27,
        _version,
        "Modem configuration",
        [
            st("comm_speed", _BAUD),
            st("initialization_string", ArrayOf(_init)),
            st("modem_profile", ArrayOf(OCTETS)),
        ],
        source=bb(f"Modem configuration (class_id = 27, version = {_version})"),
    )

# Auto answer
_RINGS = struct("number_of_rings", ("nr_rings_in_window", U8), ("nr_rings_out_of_window", U8))
_AUTO_ANSWER = [
    st("mode", ENUM),
    st("listening_window", ArrayOf(WINDOW)),
    dyn("status", ENUM),
    st("number_of_calls", U8),
    st("number_of_rings", _RINGS),
]
for _version in (0, 1):
    define(
        28,
        _version,
        "Auto answer",
        _AUTO_ANSWER,
        source=bb(f"Auto answer (class_id = 28, version = {_version})"),
    )
define(
    28,
    2,
    "Auto answer",
    [
        *_AUTO_ANSWER,
        st(
            "list_of_allowed_callers",
            ArrayOf(struct("allowed_caller", ("caller_id", OCTETS), ("call_type", ENUM))),
        ),
    ],
    source=bb("Auto answer (class_id = 28, version = 2)"),
)

# Auto connect
_AUTO_CONNECT = [
    st("mode", ENUM),
    st("repetitions", U8),
    st("repetition_delay", U16),
    st("calling_window", ArrayOf(WINDOW)),
    st("destination_list", ArrayOf(OCTETS)),
]
define(
    29,
    0,
    "Auto connect",
    _AUTO_CONNECT,
    source=bb("Auto connect (class_id = 29, version = 0)"),
)
for _version in (1, 2):
    define(
        29,
        _version,
        "Auto connect",
        _AUTO_CONNECT,
        [M("connect", ZERO)],
        source=bb(f"Auto connect (class_id = 29, version = {_version})"),
    )

# Push setup
SEND_DESTINATION = struct(
    "send_destination_and_method",
    ("transport_service", EnumOf(TransportService)),
    ("destination", OCTETS),
    ("message", EnumOf(MessageType)),
)
RESTRICTION = struct(
    "restriction_element",
    ("restriction_type", ENUM),
    (
        "restriction_value",
        Choice(
            (
                NULL,
                struct("date_restriction", ("from_date", DATE_TIME), ("to_date", DATE_TIME)),
                struct("entry_restriction", ("from_entry", U16), ("to_entry", U16)),
            )
        ),
    ),
)
PUSH_OBJECT_V1 = struct(
    "push_object_definition",
    ("class_id", U16),
    ("logical_name", LN),
    ("attribute_index", I8),
    ("data_index", U16),
    ("restriction", RESTRICTION),
)
PUSH_OBJECT_V2 = struct(
    "push_object_definition",
    ("class_id", U16),
    ("logical_name", LN),
    ("attribute_index", I8),
    ("data_index", U16),
    ("restriction", RESTRICTION),
    ("columns", ArrayOf(CAPTURE_OBJECT)),
)
PUSH_PROTECTION = struct(
    "push_protection_parameters",
    ("protection_type", ENUM),
    (
        "protection_options",
        struct(
            "push_protection_options",
            ("transaction_id", OCTETS),
            ("originator_system_title", OCTETS),
            ("recipient_system_title", OCTETS),
            ("other_information", OCTETS),
            (
                "key_info",
                struct("key_info", ("data_protection_key_type", ENUM), ("key_info_options", ANY)),
            ),
        ),
    ),
)
REPETITION_DELAY_V2 = struct(
    "repetition_delay",
    ("repetition_delay_min", U16),
    ("repetition_delay_exponent", U16),
    ("repetition_delay_max", U16),
)
CONFIRMATION_PARAMETERS = struct(
    "confirmation_parameters",
    ("confirmation_start_date", DATE_TIME),
    ("confirmation_interval", U32),
)


def _push_base(push_object: Schema, repetition_delay: Schema) -> list[A]:
    return [
        st("push_object_list", ArrayOf(push_object)),
        st("send_destination_and_method", SEND_DESTINATION),
        st("communication_window", ArrayOf(WINDOW)),
        st("randomisation_start_interval", U16),
        st("number_of_retries", U8),
        st("repetition_delay", repetition_delay),
    ]


define(
    40,
    0,
    "Push setup",
    _push_base(CAPTURE_OBJECT, U16),
    [M("push", ZERO)],
    source=bb("Push setup (class_id = 40, version = 0)"),
)
define(
    40,
    1,
    "Push setup",
    [
        *_push_base(PUSH_OBJECT_V1, U16),
        st("port_reference", LN),
        st("push_client_SAP", I8),
        st("push_protection_parameters", ArrayOf(PUSH_PROTECTION)),
    ],
    [M("push", ZERO)],
    source=bb("Push setup (class_id = 40, version = 1)"),
)
define(
    40,
    2,
    "Push setup",
    [
        *_push_base(PUSH_OBJECT_V2, REPETITION_DELAY_V2),
        st("port_reference", LN),
        st("push_client_SAP", I8),
        st("push_protection_parameters", ArrayOf(PUSH_PROTECTION)),
        st("push_operation_method", EnumOf(PushOperationMethod)),
        st("confirmation_parameters", CONFIRMATION_PARAMETERS),
        dyn("last_confirmation_date_time", DATE_TIME),
    ],
    [M("push", ZERO), M("reset", ZERO)],
    source=bb("Push setup (class_id = 40, version = 2)"),
)

# TCP-UDP setup
define(
    41,
    0,
    "TCP-UDP setup",
    [
        st("TCP-UDP_port", U16),
        st("IP_reference", LN),
        st("MSS", U16),
        st("nb_of_sim_conn", U8),
        st("inactivity_time_out", U16),
    ],
    source=bb("TCP-UDP setup (class_id = 41, version = 0)"),
)

# IPv4 setup
IP_OPTION = struct(
    "IP_options_element",
    ("IP_option_type", U8),
    ("IP_option_length", U8),
    ("IP_option_data", OCTETS),
)
define(
    42,
    0,
    "IPv4 setup",
    [
        st("DL_reference", LN),
        dyn("IP_address", U32, Access.READ_WRITE),
        st("multicast_IP_address", ArrayOf(U32)),
        st("IP_options", ArrayOf(IP_OPTION)),
        st("subnet_mask", U32),
        st("gateway_IP_address", U32),
        st("use_DHCP_flag", BOOL),
        st("primary_DNS_address", U32),
        st("secondary_DNS_address", U32),
    ],
    [
        M("add_mc_IP_address", U32),
        M("delete_mc_IP_address", U32),
        M("get_nbof_mc_IP_addresses", ZERO, U16),
    ],
    source=bb("IPv4 setup (class_id = 42, version = 0)"),
)

# MAC address setup
define(
    43,
    0,
    "MAC address setup",
    [st("MAC_address", OCTETS)],
    source=bb("MAC address setup (class_id = 43, version = 0)"),
)

# PPP setup
PPP_OPTION = struct(
    "PPP_option_element", ("option_type", U8), ("option_length", U8), ("option_data", ANY_SIMPLE)
)
define(
    44,
    0,
    "PPP setup",
    [
        st("PHY_reference", LN),
        st("LCP_options", ArrayOf(PPP_OPTION)),
        st("IPCP_options", ArrayOf(PPP_OPTION)),
        st(
            "PPP_authentication",
            Choice((NULL, struct("PPP_auth_PAP", ("user_name", OCTETS), ("password", OCTETS)))),
        ),
    ],
    source=bb("PPP setup (class_id = 44, version = 0)"),
)

# GPRS modem setup
QOS_ELEMENT = struct(
    "qos_element",
    ("precedence", U8),
    ("delay", U8),
    ("reliability", U8),
    ("peak_throughput", U8),
    ("mean_throughput", U8),
)
define(
    45,
    0,
    "GPRS modem setup",
    [
        st("APN", OCTETS),
        st("PIN_code", U16, Access.WRITE),
        st(
            "quality_of_service",
            struct("quality_of_service", ("default", QOS_ELEMENT), ("requested", QOS_ELEMENT)),
        ),
    ],
    source=bb("GPRS modem setup (class_id = 45, version = 0)"),
)

# GSM diagnostic
_GSM_CELL_V0 = struct(
    "cell_info_type",
    ("cell_ID", U16),
    ("location_ID", U16),
    ("signal_quality", U8),
    ("ber", U8),
)
_GSM_CELL_V1 = struct(
    "cell_info_type",
    ("cell_ID", U32),
    ("location_ID", U16),
    ("signal_quality", U8),
    ("ber", U8),
    ("mcc", U16),
    ("mnc", U16),
    ("channel_number", U32),
)
for _version, _cell, _cell_id in (
    (0, _GSM_CELL_V0, U16),
    (1, _GSM_CELL_V1, U32),
    (2, _GSM_CELL_V1, U32),
):
    define(
        47,
        _version,
        "GSM diagnostic",
        [
            dyn("operator", VISIBLE),
            dyn("status", EnumOf(GsmStatus)),
            dyn("cs_attachment", EnumOf(GsmCsAttachment)),
            dyn("ps_status", EnumOf(GsmPsStatus)),
            dyn("cell_info", _cell),
            dyn(
                "adjacent_cells",
                ArrayOf(
                    struct("adjacent_cell_info", ("cell_ID", _cell_id), ("signal_quality", U8))
                ),
            ),
            dyn("capture_time", DATE_TIME),
        ],
        source=bb(f"GSM diagnostic (class_id = 47, version = {_version})"),
    )

# IPv6 setup
IPV6_ADDRESS = struct(
    "IPv6_address_element", ("address_type", EnumOf(IPv6AddressType)), ("address", OCTETS)
)
define(
    48,
    0,
    "IPv6 setup",
    [
        st("DL_reference", LN),
        st("address_config_mode", EnumOf(AddressConfigMode)),
        st("unicast_IPv6_addresses", ArrayOf(OCTETS)),
        st("multicast_IPv6_addresses", ArrayOf(OCTETS)),
        st("gateway_IPv6_addresses", ArrayOf(OCTETS)),
        st("primary_DNS_address", OCTETS),
        st("secondary_DNS_address", OCTETS),
        st("traffic_class", U8),
        st(
            "neighbor_discovery_setup",
            ArrayOf(
                struct(
                    "neighbor_discovery_setup",
                    ("max_retry", U8),
                    ("retry_wait_time", U16),
                    ("send_period", U32),
                )
            ),
        ),
    ],
    [M("add_IPv6_address", IPV6_ADDRESS), M("remove_IPv6_address", IPV6_ADDRESS)],
    source=bb("IPv6 setup (class_id = 48, version = 0)"),
)

# M-Bus client
_MBUS_CAPTURE = struct(
    "capture_definition_element",
    ("data_information_block", OCTETS),
    ("value_information_block", OCTETS),
)
_MBUS_CLIENT = [
    st("mbus_port_reference", LN),
    st("capture_definition", ArrayOf(_MBUS_CAPTURE)),
    st("capture_period", U32),
    st("primary_address", U8),
    dyn("identification_number", U32),
    dyn("manufacturer_id", U16),
    dyn("version", U8),
    dyn("device_type", U8),
    dyn("access_number", U8),
    dyn("status", U8),
    dyn("alarm", U8),
]
_MBUS_METHODS = [
    M("slave_install", U8),
    M("slave_deinstall", ZERO),
    M("capture", ZERO),
    M("reset_alarm", ZERO),
    M("synchronize_clock", ZERO),
    M(
        "data_send",
        ArrayOf(struct("data_definition_element", ("dib", OCTETS), ("vib", OCTETS), ("data", ANY))),
    ),
    M("set_encryption_key", OCTETS),
    M("transfer_key", OCTETS),
]
define(
    72,
    0,
    "M-Bus client",
    _MBUS_CLIENT,
    _MBUS_METHODS,
    source=bb("M-Bus client (class_id = 72, version = 0)"),
)
define(
    72,
    1,
    "M-Bus client",
    [*_MBUS_CLIENT, st("configuration", U16), dyn("encryption_key_status", ENUM)],
    _MBUS_METHODS,
    source=bb("M-Bus client (class_id = 72, version = 1)"),
)

# Wireless Mode Q channel
define(
    73,
    1,
    "Wireless Mode Q channel",
    [st("addr_state", ENUM), st("device_address", U8), st("address_mask", U8)],
    source=bb("Wireless Mode Q channel (class_id = 73, version = 1)"),
)

# M-Bus master port setup
define(
    74,
    0,
    "M-Bus master port setup",
    [st("comm_speed", _BAUD)],
    source=bb("M-Bus master port setup (class_id = 74, version = 0)"),
)

# DLMS/COSEM server M-Bus port setup
define(
    76,
    0,
    "DLMS/COSEM server M-Bus port setup",
    [
        st("M-Bus_profile_selection", LN),
        dyn("port_communication_status", ENUM),
        st("data_header_type", ENUM),
        st("primary_address", U8),
        st("identification_number", U32),
        st("manufacturer_id", U16),
        st("M-Bus_version", U8),
        st("device_type", U8),
        st("max_PDU_size", U16),
        st("listening_window", ArrayOf(WINDOW)),
    ],
    source=bb("DLMS/COSEM server M-Bus port setup (class_id = 76, version = 0)"),
)

# M-Bus diagnostic
define(
    77,
    0,
    "M-Bus diagnostic",
    [
        dyn("received_signal_strength", U8),
        st("channel_id", U8),
        dyn("link_status", ENUM),
        dyn(
            "broadcast_frames_counter",
            ArrayOf(
                struct(
                    "broadcast_frame_counter",
                    ("client_id", U8),
                    ("counter", U32),
                    ("time_stamp", DATE_TIME),
                )
            ),
        ),
        dyn("transmissions_counter", U32),
        dyn("FCS_OK_frames_counter", U32),
        dyn("FCS_NOK_frames_counter", U32),
        dyn("capture_time", struct("capture_time", ("attribute_id", U8), ("time", DATE_TIME))),
    ],
    [M("reset", ZERO)],
    source=bb("M-Bus diagnostic (class_id = 77, version = 0)"),
)

# NTP setup
NTP_KEY = struct("authentication_key", ("key_id", U32), ("key", OCTETS))
define(
    100,
    0,
    "NTP setup",
    [
        st("activated", BOOL),
        st("server_address", OCTETS),
        st("server_port", U16),
        st("authentication_method", ENUM),
        st("authentication_keys", ArrayOf(NTP_KEY), Access.WRITE),
        st("client_key", OCTETS, Access.WRITE),
    ],
    [
        M("synchronize", ZERO),
        M("add_authentication_key", NTP_KEY),
        M("delete_authentication_key", U32),
    ],
    source=bb("NTP setup (class_id = 100, version = 0)"),
)

# LTE monitoring
LTE_NETWORK_PARAMETERS = struct(
    "lte_network_parameters",
    ("T3402", U16),
    ("T3412", U16),
    ("T3412ext2", U32),
    ("T3324", U16),
    ("TeDRX", U32),
    ("TPTW", U16),
    ("qRxlevMin", I8),
    ("qRxlevMinCE", I8),
    ("qRxLevMinCE1", I8),
)
LTE_QOS = struct(
    "lte_quality_of_service",
    ("signal_quality", I8),
    ("signal_level", I8),
    ("signal_to_noise_ratio", I8),
    ("coverage_enhancement", ENUM),
)
for _version in (0, 1):
    define(
        151,
        _version,
        "LTE monitoring",
        [
            dyn("lte_network_parameters", LTE_NETWORK_PARAMETERS),
            dyn("lte_quality_of_service", LTE_QOS),
        ],
        source=bb(f"LTE monitoring (class_id = 151, version = {_version})"),
    )
