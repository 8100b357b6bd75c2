"""Interface classes for access control and management (Blue Book 4.4)."""

from __future__ import annotations

from dlmskit.model.classdef import Access, M, bb, define, dyn, st
from dlmskit.model.classes.common import CAPTURE_OBJECT, OBJECT_DEFINITION, ZERO
from dlmskit.model.enums import (
    AssociationStatus,
    CertificateEntity,
    CertificateType,
    ImageTransferStatus,
    KeyId,
    KeyPairType,
    ProtectionMode,
    ProtectionStatus,
    SecurityPolicyV0,
    SecuritySuite,
)
from dlmskit.model.schema import (
    ANY,
    BITS,
    BOOL,
    ENUM,
    I8,
    I16,
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

# -- Association LN / SN shared parts --------------------------------------------------------

ACCESS_SELECTORS = Choice((NULL, ArrayOf(I8)))
ATTRIBUTE_ACCESS_ITEM = struct(
    "attribute_access_item",
    ("attribute_id", I8),
    ("access_mode", ENUM),
    ("access_selectors", ACCESS_SELECTORS),
)
METHOD_ACCESS_ITEM_V0 = struct("method_access_item", ("method_id", I8), ("access_mode", BOOL))
METHOD_ACCESS_ITEM = struct("method_access_item", ("method_id", I8), ("access_mode", ENUM))


def _access_rights(method_item: Schema) -> Schema:
    return struct(
        "access_right",
        ("attribute_access", ArrayOf(ATTRIBUTE_ACCESS_ITEM)),
        ("method_access", ArrayOf(method_item)),
    )


ACCESS_RIGHTS_V0 = _access_rights(METHOD_ACCESS_ITEM_V0)
ACCESS_RIGHTS = _access_rights(METHOD_ACCESS_ITEM)


def _object_list_element(rights: Schema) -> Schema:
    return struct(
        "object_list_element",
        ("class_id", U16),
        ("version", U8),
        ("logical_name", LN),
        ("access_rights", rights),
    )


OBJECT_LIST_ELEMENT_V0 = _object_list_element(ACCESS_RIGHTS_V0)
OBJECT_LIST_ELEMENT = _object_list_element(ACCESS_RIGHTS)

ASSOCIATED_PARTNERS = struct("associated_partners_type", ("client_SAP", I8), ("server_SAP", U16))
#: application_context_name / authentication_mechanism_name: the OID as the Blue Book
#: structure of its arcs, or (as some meters send it) its BER octets.
CONTEXT_NAME = Choice(
    (
        struct(
            "context_name",
            ("joint_iso_ctt_element", U8),
            ("country_element", U8),
            ("country_name_element", U16),
            ("identified_organization_element", U8),
            ("DLMS_UA_element", U8),
            ("context_element", U8),
            ("id_element", U8),
        ),
        OCTETS,
    )
)
XDLMS_CONTEXT = struct(
    "xDLMS_context_type",
    ("conformance", BITS),
    ("max_receive_pdu_size", U16),
    ("max_send_pdu_size", U16),
    ("dlms_version_number", U8),
    ("quality_of_service", I8),
    ("cyphering_info", OCTETS),
)
USER = struct("user_list_entry", ("user_id", U8), ("user_name", VISIBLE))

_LN_BASE = [
    dyn("associated_partners_id", ASSOCIATED_PARTNERS),
    dyn("application_context_name", CONTEXT_NAME),
    dyn("xDLMS_context_info", XDLMS_CONTEXT),
    dyn("authentication_mechanism_name", CONTEXT_NAME),
    st("secret", OCTETS, Access.WRITE),
    dyn("association_status", EnumOf(AssociationStatus)),
]
_LN_METHODS_V0 = [
    M("reply_to_HLS_authentication", OCTETS, OCTETS),
    M("change_HLS_secret", OCTETS),
    M("add_object", OBJECT_LIST_ELEMENT_V0),
    M("remove_object", OBJECT_LIST_ELEMENT_V0),
]
_LN_METHODS = [
    M("reply_to_HLS_authentication", OCTETS, OCTETS),
    M("change_HLS_secret", OCTETS),
    M("add_object", OBJECT_LIST_ELEMENT),
    M("remove_object", OBJECT_LIST_ELEMENT),
]

define(
    15,
    0,
    "Association LN",
    [dyn("object_list", ArrayOf(OBJECT_LIST_ELEMENT_V0)), *_LN_BASE],
    _LN_METHODS_V0,
    source=bb("Association LN (class_id = 15, version = 0)"),
)
define(
    15,
    1,
    "Association LN",
    [
        dyn("object_list", ArrayOf(OBJECT_LIST_ELEMENT)),
        *_LN_BASE,
        st("security_setup_reference", LN),
    ],
    _LN_METHODS,
    source=bb("Association LN (class_id = 15, version = 1)"),
)
for _version in (2, 3):
    # version 3 keeps the attribute list of version 2; its access_mode values are bit maps
    define(
        15,
        _version,
        "Association LN",
        [
            dyn("object_list", ArrayOf(OBJECT_LIST_ELEMENT)),
            *_LN_BASE,
            st("security_setup_reference", LN),
            st("user_list", ArrayOf(USER)),
            dyn("current_user", USER),
        ],
        [*_LN_METHODS, M("add_user", USER), M("remove_user", USER)],
        source=bb(f"Association LN (class_id = 15, version = {_version})"),
    )

SN_OBJECT_LIST_ELEMENT = struct(
    "sn_object_list_element",
    ("base_name", I16),
    ("class_id", U16),
    ("version", U8),
    ("logical_name", LN),
)
SN_ACCESS_RIGHT = struct(
    "sn_access_right",
    ("base_name", I16),
    ("attribute_access", ArrayOf(ATTRIBUTE_ACCESS_ITEM)),
    ("method_access", ArrayOf(METHOD_ACCESS_ITEM)),
)
_SN_METHODS = [
    M("getlist_by_classid", ANY, ANY),  # reserved from previous versions
    M("getobj_by_logical_name", ANY, ANY),  # reserved from previous versions
    M("read_by_logicalname", ArrayOf(OBJECT_DEFINITION), ArrayOf(ANY)),
    M("get_attributes&methods", ArrayOf(I16), ArrayOf(ANY)),
    M("change_LLS_secret", OCTETS),
    M("change_HLS_secret", OCTETS),
    M("get_HLS_challenge", ANY, ANY),  # reserved from previous versions
    M("reply_to_HLS_authentication", OCTETS, OCTETS),
]
for _version in (0, 1):
    define(
        12,
        _version,
        "Association SN",
        [dyn("object_list", ArrayOf(SN_OBJECT_LIST_ELEMENT))],
        _SN_METHODS,
        source=bb(f"Association SN (class_id = 12, version = {_version})"),
    )
for _version in (2, 3):
    define(
        12,
        _version,
        "Association SN",
        [
            dyn("object_list", ArrayOf(SN_OBJECT_LIST_ELEMENT)),
            dyn("access_rights_list", ArrayOf(SN_ACCESS_RIGHT)),
            st("security_setup_reference", LN),
        ],
        _SN_METHODS,
        source=bb(f"Association SN (class_id = 12, version = {_version})"),
    )
define(
    12,
    4,
    "Association SN",
    [
        dyn("object_list", ArrayOf(SN_OBJECT_LIST_ELEMENT)),
        dyn("access_rights_list", ArrayOf(SN_ACCESS_RIGHT)),
        st("security_setup_reference", LN),
        st("user_list", ArrayOf(USER)),
        dyn("current_user", USER),
    ],
    [*_SN_METHODS, M("add_user", USER), M("remove_user", USER)],
    source=bb("Association SN (class_id = 12, version = 4)"),
)

# -- SAP assignment --------------------------------------------------------------------------

SAP_ENTRY = struct("asslist_element", ("SAP", U16), ("logical_device_name", OCTETS))
define(
    17,
    0,
    "SAP assignment",
    [st("SAP_assignment_list", ArrayOf(SAP_ENTRY), Access.READ)],
    [M("connect_logical_device", SAP_ENTRY)],
    source=bb("SAP assignment (class_id = 17, version = 0)"),
)

# -- Image transfer --------------------------------------------------------------------------

IMAGE_TO_ACTIVATE = struct(
    "image_to_activate_info_element",
    ("image_to_activate_size", U32),
    ("image_to_activate_identification", OCTETS),
    ("image_to_activate_signature", OCTETS),
)
IMAGE_INITIATE = struct(
    "image_transfer_initiate", ("image_identifier", OCTETS), ("image_size", U32)
)
IMAGE_BLOCK = struct(
    "image_block_transfer", ("image_block_number", U32), ("image_block_value", OCTETS)
)
define(
    18,
    0,
    "Image transfer",
    [
        st("image_block_size", U32, Access.READ),
        dyn("image_transferred_blocks_status", BITS),
        dyn("image_first_not_transferred_block_number", U32),
        st("image_transfer_enabled", BOOL),
        dyn("image_transfer_status", EnumOf(ImageTransferStatus)),
        dyn("image_to_activate_info", ArrayOf(IMAGE_TO_ACTIVATE)),
    ],
    [
        M("image_transfer_initiate", IMAGE_INITIATE),
        M("image_block_transfer", IMAGE_BLOCK),
        M("image_verify", ZERO),
        M("image_activate", ZERO),
    ],
    source=bb("Image transfer (class_id = 18, version = 0)"),
)

# -- Security setup --------------------------------------------------------------------------

KEY_DATA = struct("key_data", ("key_id", EnumOf(KeyId)), ("key_wrapped", OCTETS))
KEY_AGREEMENT_DATA = struct(
    "key_agreement_data", ("key_id", EnumOf(KeyId)), ("key_ciphered_data", OCTETS)
)
CERTIFICATE_INFO = struct(
    "certificate_info",
    ("certificate_entity", EnumOf(CertificateEntity)),
    ("certificate_type", EnumOf(CertificateType)),
    ("serial_number", OCTETS),
    ("issuer", OCTETS),
    ("subject", OCTETS),
    ("subject_alt_name", OCTETS),
)
#: export_certificate / remove_certificate parameter: by entity ...
CERTIFICATE_BY_ENTITY = struct(
    "certificate_identification_entity",
    ("certificate_entity", EnumOf(CertificateEntity)),
    ("certificate_type", EnumOf(CertificateType)),
    ("system_title", OCTETS),
)
#: ... or by serial number and issuer.
CERTIFICATE_BY_SERIAL = struct(
    "certificate_identification_serial", ("serial_number", OCTETS), ("issuer", OCTETS)
)
CERTIFICATE_IDENTIFICATION = struct(
    "certificate_identification",
    ("certificate_identification_type", ENUM),
    ("certificate_identification_options", Choice((CERTIFICATE_BY_ENTITY, CERTIFICATE_BY_SERIAL))),
)
define(
    64,
    0,
    "Security setup",
    [
        st("security_policy", EnumOf(SecurityPolicyV0)),
        st("security_suite", EnumOf(SecuritySuite), Access.READ),
        st("client_system_title", OCTETS),
        st("server_system_title", OCTETS, Access.READ),
    ],
    [
        M("security_activate", EnumOf(SecurityPolicyV0)),
        M("global_key_transfer", ArrayOf(KEY_DATA)),
    ],
    source=bb("Security setup (class_id = 64, version = 0)"),
)
define(
    64,
    1,
    "Security setup",
    [
        st("security_policy", ENUM),
        st("security_suite", EnumOf(SecuritySuite), Access.READ),
        st("client_system_title", OCTETS),
        st("server_system_title", OCTETS, Access.READ),
        dyn("certificates", ArrayOf(CERTIFICATE_INFO)),
    ],
    [
        M("security_activate", ENUM),
        M("key_transfer", ArrayOf(KEY_DATA)),
        M("key_agreement", ArrayOf(KEY_AGREEMENT_DATA), ArrayOf(KEY_AGREEMENT_DATA)),
        M("generate_key_pair", EnumOf(KeyPairType)),
        M("generate_certificate_request", EnumOf(KeyPairType), OCTETS),
        M("import_certificate", OCTETS),
        M("export_certificate", CERTIFICATE_IDENTIFICATION, OCTETS),
        M("remove_certificate", CERTIFICATE_IDENTIFICATION),
    ],
    source=bb("Security setup (class_id = 64, version = 1)"),
)

# -- Data protection -------------------------------------------------------------------------

KEY_INFO = struct("key_info", ("data_protection_key_type", ENUM), ("key_info_options", ANY))
PROTECTION_OPTIONS = struct(
    "protection_options",
    ("transaction_id", OCTETS),
    ("originator_system_title", OCTETS),
    ("recipient_system_title", OCTETS),
    ("other_information", OCTETS),
    ("key_info", KEY_INFO),
)
PROTECTION_PARAMETERS = struct(
    "protection_parameters_element",
    ("protection_type", ENUM),
    ("protection_options", PROTECTION_OPTIONS),
)
PROTECTED_GET = struct(
    "get_protected_attributes_request",
    ("object_list", ArrayOf(CAPTURE_OBJECT)),
    ("get_protection_parameters", ArrayOf(PROTECTION_PARAMETERS)),
)
PROTECTED_RESPONSE = struct(
    "protected_attributes_response",
    ("protection_parameters", ArrayOf(PROTECTION_PARAMETERS)),
    ("protected_attributes", OCTETS),
)
PROTECTED_SET = struct(
    "set_protected_attributes_request",
    ("object_list", ArrayOf(CAPTURE_OBJECT)),
    ("set_protection_parameters", ArrayOf(PROTECTION_PARAMETERS)),
    ("protected_attributes", OCTETS),
)
PROTECTED_INVOKE = struct(
    "invoke_protected_method_request",
    (
        "object_method",
        struct("object_method", ("class_id", U16), ("logical_name", LN), ("method_index", I8)),
    ),
    ("invoke_protection_parameters", ArrayOf(PROTECTION_PARAMETERS)),
    ("protected_method_invocation_parameters", OCTETS),
)
define(
    30,
    0,
    "Data protection",
    [
        dyn("protection_buffer", OCTETS),
        st("protection_object_list", ArrayOf(CAPTURE_OBJECT)),
        st("protection_parameters_get", ArrayOf(PROTECTION_PARAMETERS)),
        st("protection_parameters_set", ArrayOf(PROTECTION_PARAMETERS)),
        st("required_protection", ENUM),
    ],
    [
        M("get_protected_attributes", PROTECTED_GET, PROTECTED_RESPONSE),
        M("set_protected_attributes", PROTECTED_SET),
        M("invoke_protected_method", PROTECTED_INVOKE, PROTECTED_RESPONSE),
    ],
    source=bb("Data protection (class_id = 30, version = 0)"),
)

# -- Function control, Array manager, Communication port protection --------------------------

ACTIVATION_STATUS = struct("activation_status_element", ("function_name", OCTETS), ("status", BOOL))
FUNCTION = struct(
    "function_list_element",
    ("function_name", OCTETS),
    ("function_specification", ArrayOf(OBJECT_DEFINITION)),
)
define(
    122,
    0,
    "Function control",
    [st("activation_status", ArrayOf(ACTIVATION_STATUS)), st("function_list", ArrayOf(FUNCTION))],
    [
        M("set_function_status", ArrayOf(ACTIVATION_STATUS)),
        M("add_function", FUNCTION),
        M("remove_function", OCTETS),
    ],
    source=bb("Function control (class_id = 122, version = 0)"),
)

ARRAY_OBJECT = struct(
    "array_object_list_element",
    ("id", U8),
    (
        "array_object",
        struct("array_object", ("class_id", U16), ("logical_name", LN), ("attribute_index", I8)),
    ),
)
ENTRY_RANGE = struct("range", ("from_entry", U32), ("to_entry", U32))
SELECTED_RANGE = struct("selected_range", ("id", U8), ("range", ENTRY_RANGE))
ENTRY_DATA = struct("entry_data", ("id", U8), ("index", U32), ("data", ANY))
define(
    123,
    0,
    "Array manager",
    [st("array_object_list", ArrayOf(ARRAY_OBJECT))],
    [
        M("number_of_entries", U8, U32),
        M("retrieve_entries", SELECTED_RANGE, ArrayOf(ANY)),
        M("insert_entry", ENTRY_DATA),
        M("update_entry", ENTRY_DATA),
        M("remove_entries", SELECTED_RANGE),
    ],
    source=bb("Array manager (class_id = 123, version = 0)"),
)

define(
    124,
    0,
    "Communication port protection",
    [
        st("protection_mode", EnumOf(ProtectionMode)),
        st("allowed_failed_attempts", U16),
        st("initial_lockout_time", U32),
        st("steepness_factor", U8),
        st("max_lockout_time", U32),
        st("port_reference", LN),
        dyn("protection_status", EnumOf(ProtectionStatus)),
        dyn("failed_attempts", U32),
        dyn("cumulative_failed_attempts", U32),
    ],
    [M("reset", ZERO)],
    source=bb("Communication port protection (class_id = 124, version = 0)"),
)
