"""Enumerated attribute values of the COSEM interface classes (Blue Book, IEC 62056-6-2).

Typed reading turns an ``enum`` attribute into a member of one of these (a value the
enumeration does not name stays a plain int). Names follow the Blue Book's words.
"""

from __future__ import annotations

import enum

__all__ = [
    "AccountMode",
    "AccountStatus",
    "AddressConfigMode",
    "AssociationStatus",
    "AttributeAccessMode",
    "AuthenticationMechanism",
    "BaudRate",
    "CaptureMethod",
    "CertificateEntity",
    "CertificateType",
    "ChargeType",
    "ClockBase",
    "ControlMode",
    "ControlState",
    "CreditStatus",
    "CreditType",
    "DefaultMode",
    "GsmCsAttachment",
    "GsmPsStatus",
    "GsmStatus",
    "IPv6AddressType",
    "ImageTransferStatus",
    "KeyId",
    "KeyPairType",
    "MessageType",
    "MethodAccessMode",
    "ProtectionMode",
    "ProtectionStatus",
    "PushOperationMethod",
    "ResponseTime",
    "ScriptServiceId",
    "SecurityPolicyV0",
    "SecuritySuite",
    "SingleActionType",
    "SortMethod",
    "TokenDeliveryMethod",
    "TransportService",
]


class SortMethod(enum.IntEnum):
    """Profile generic sort_method."""

    FIFO = 1
    LIFO = 2
    LARGEST = 3
    SMALLEST = 4
    NEAREST_TO_ZERO = 5
    FARTHEST_FROM_ZERO = 6


class ClockBase(enum.IntEnum):
    NOT_DEFINED = 0
    INTERNAL_CRYSTAL = 1
    MAINS_50_HZ = 2
    MAINS_60_HZ = 3
    GPS = 4
    RADIO_CONTROLLED = 5


class ScriptServiceId(enum.IntEnum):
    """Script table action_specification service_id."""

    WRITE_ATTRIBUTE = 1
    EXECUTE_METHOD = 2


class SingleActionType(enum.IntEnum):
    """Single action schedule type."""

    ONE_TIME_SPECIFIED = 1
    N_TIMES_SAME_TIME = 2
    N_TIMES_DIFFERENT_TIMES = 3
    N_TIMES_WILDCARD_DATE_SAME_TIME = 4
    N_TIMES_WILDCARD_DATE_DIFFERENT_TIMES = 5


class ControlState(enum.IntEnum):
    """Disconnect control control_state."""

    DISCONNECTED = 0
    CONNECTED = 1
    READY_FOR_RECONNECTION = 2


class ControlMode(enum.IntEnum):
    """Disconnect control control_mode (Blue Book: which transitions are possible)."""

    NONE = 0
    MODE_1 = 1
    MODE_2 = 2
    MODE_3 = 3
    MODE_4 = 4
    MODE_5 = 5
    MODE_6 = 6


class ImageTransferStatus(enum.IntEnum):
    NOT_INITIATED = 0
    INITIATED = 1
    VERIFICATION_INITIATED = 2
    VERIFICATION_SUCCESSFUL = 3
    VERIFICATION_FAILED = 4
    ACTIVATION_INITIATED = 5
    ACTIVATION_SUCCESSFUL = 6
    ACTIVATION_FAILED = 7


class AssociationStatus(enum.IntEnum):
    NON_ASSOCIATED = 0
    ASSOCIATION_PENDING = 1
    ASSOCIATED = 2


class AttributeAccessMode(enum.IntEnum):
    """Association LN v0-v2 attribute access_mode (v3 uses bit-mapped values of the same
    first four, plus authenticated/encrypted/signed request and response bits)."""

    NO_ACCESS = 0
    READ_ONLY = 1
    WRITE_ONLY = 2
    READ_AND_WRITE = 3
    AUTHENTICATED_READ_ONLY = 4
    AUTHENTICATED_WRITE_ONLY = 5
    AUTHENTICATED_READ_AND_WRITE = 6


class MethodAccessMode(enum.IntEnum):
    """Association LN v1-v2 method access_mode (v0 is a boolean)."""

    NO_ACCESS = 0
    ACCESS = 1
    AUTHENTICATED_ACCESS = 2


class AuthenticationMechanism(enum.IntEnum):
    """mechanism_id of the authentication_mechanism_name (Green Book)."""

    NONE = 0
    LOW = 1
    HIGH = 2
    HIGH_MD5 = 3
    HIGH_SHA1 = 4
    HIGH_GMAC = 5
    HIGH_SHA256 = 6
    HIGH_ECDSA = 7


class BaudRate(enum.IntEnum):
    BAUD_300 = 0
    BAUD_600 = 1
    BAUD_1200 = 2
    BAUD_2400 = 3
    BAUD_4800 = 4
    BAUD_9600 = 5
    BAUD_19200 = 6
    BAUD_38400 = 7
    BAUD_57600 = 8
    BAUD_115200 = 9

    @property
    def bits_per_second(self) -> int:
        return (300, 600, 1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200)[self]


class DefaultMode(enum.IntEnum):
    """IEC local port setup default_mode."""

    IEC_62056_21 = 0
    DLMS_COSEM = 1
    NOT_SPECIFIED = 2


class ResponseTime(enum.IntEnum):
    MS_20 = 0
    MS_200 = 1


class TransportService(enum.IntEnum):
    """Push setup send_destination_and_method transport_service."""

    TCP = 0
    UDP = 1
    FTP = 2
    SMTP = 3
    SMS = 4
    HDLC = 5
    M_BUS = 6
    ZIGBEE = 7
    DLMS_GATEWAY = 8


class MessageType(enum.IntEnum):
    """Push setup send_destination_and_method message."""

    A_XDR_ENCODED_XDLMS_APDU = 0
    XML_ENCODED_XDLMS_APDU = 1


class PushOperationMethod(enum.IntEnum):
    UNCONFIRMED_FAILURE_RETRY = 0
    UNCONFIRMED_MISSING_RETRY = 1
    CONFIRMED = 2


# The security enumerations below have the same values and member names as those of
# dlmskit.security.control (which sits above the model and may use these).


class SecurityPolicyV0(enum.IntEnum):
    """Security setup v0 security_policy (v1 uses a bit map, see the class)."""

    NOTHING = 0
    AUTHENTICATED = 1
    ENCRYPTED = 2
    AUTHENTICATED_ENCRYPTED = 3


class SecuritySuite(enum.IntEnum):
    """0: AES-GCM-128; 1: ECDH-ECDSA P-256, AES-GCM-128, SHA-256; 2: P-384, AES-GCM-256."""

    SUITE_0 = 0
    SUITE_1 = 1
    SUITE_2 = 2


class KeyId(enum.IntEnum):
    """key_id of key_transfer / key_agreement."""

    UNICAST_ENCRYPTION = 0
    BROADCAST_ENCRYPTION = 1
    AUTHENTICATION = 2
    MASTER = 3


class KeyPairType(enum.IntEnum):
    DIGITAL_SIGNATURE = 0
    KEY_AGREEMENT = 1
    TLS = 2


class CertificateEntity(enum.IntEnum):
    SERVER = 0
    CLIENT = 1
    CERTIFICATION_AUTHORITY = 2
    OTHER = 3


class CertificateType(enum.IntEnum):
    DIGITAL_SIGNATURE = 0
    KEY_AGREEMENT = 1
    TLS = 2
    OTHER = 3


class CaptureMethod(enum.IntEnum):
    """Compact data capture_method."""

    INVOKED = 0
    IMPLICIT = 1


class AddressConfigMode(enum.IntEnum):
    AUTO_CONFIGURATION = 0
    DHCPV6 = 1
    MANUAL = 2
    NEIGHBOUR_DISCOVERY = 3


class IPv6AddressType(enum.IntEnum):
    UNICAST = 0
    MULTICAST = 1
    GATEWAY = 2


class GsmStatus(enum.IntEnum):
    NOT_REGISTERED = 0
    REGISTERED_HOME = 1
    NOT_REGISTERED_SEARCHING = 2
    REGISTRATION_DENIED = 3
    UNKNOWN = 4
    REGISTERED_ROAMING = 5


class GsmCsAttachment(enum.IntEnum):
    INACTIVE = 0
    INCOMING_CALL = 1
    ACTIVE = 2


class GsmPsStatus(enum.IntEnum):
    INACTIVE = 0
    GPRS = 1
    EDGE = 2
    UMTS = 3
    HSDPA = 4
    LTE = 5
    CDMA = 6


class ProtectionMode(enum.IntEnum):
    """Communication port protection protection_mode."""

    LOCKED = 0
    LOCKED_ON_FAILED_ATTEMPTS = 1
    UNLOCKED = 2


class ProtectionStatus(enum.IntEnum):
    UNLOCKED = 0
    TEMPORARILY_LOCKED = 1
    LOCKED = 2


class AccountMode(enum.IntEnum):
    CREDIT = 1
    PREPAYMENT = 2


class AccountStatus(enum.IntEnum):
    NEW_INACTIVE = 1
    ACTIVE = 2
    CLOSED = 3


class CreditType(enum.IntEnum):
    TOKEN = 0
    RESERVED = 1
    EMERGENCY = 2
    TIME_BASED = 3
    CONSUMPTION_BASED = 4


class CreditStatus(enum.IntEnum):
    ENABLED = 0
    SELECTABLE = 1
    SELECTED = 2
    IN_USE = 3
    EXHAUSTED = 4


class ChargeType(enum.IntEnum):
    CONSUMPTION_BASED_COLLECTION = 0
    TIME_BASED_COLLECTION = 1
    PAYMENT_EVENT_BASED_COLLECTION = 2


class TokenDeliveryMethod(enum.IntEnum):
    REMOTE = 0
    LOCAL = 1
    MANUAL = 2
