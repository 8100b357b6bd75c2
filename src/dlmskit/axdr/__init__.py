"""A-XDR encoding of COSEM Data (IEC 62056-6-2, IEC 61334-6) and its typed JSON form.

>>> from dlmskit import axdr
>>> value = axdr.Structure([axdr.OctetString(bytes.fromhex("0100010800ff")),
...                         axdr.DoubleLongUnsigned(280)])
>>> axdr.encode(value).hex()
'020209060100010800ff0600000118'
>>> axdr.to_json(axdr.decode(bytes.fromhex("020209060100010800ff0600000118")))
{'structure': [{'octet-string': '0100010800ff'}, {'double-long-unsigned': 280}]}
"""

from dlmskit.axdr.codec import (
    DEFAULT_MAX_DEPTH,
    decode,
    decode_length,
    decode_prefix,
    encode,
    encode_into,
    encode_length,
)
from dlmskit.axdr.typedjson import desc_from_json, desc_to_json, from_json, to_json
from dlmskit.axdr.types import (
    CLASS_OF,
    DONT_CARE,
    INTEGER_TAGS,
    INTEGER_TYPES,
    Array,
    ArrayDesc,
    Bcd,
    BitString,
    CompactArray,
    Data,
    DataType,
    DontCare,
    DoubleLong,
    DoubleLongUnsigned,
    Enum,
    Float32,
    Float64,
    Integer,
    Long,
    Long64,
    Long64Unsigned,
    LongUnsigned,
    OctetString,
    Structure,
    StructureDesc,
    TypeDesc,
    Unsigned,
    Utf8String,
    VisibleString,
    type_of,
)
from dlmskit.cosem.dates import Date, DateTime, Time
from dlmskit.errors import DecodeError, EncodeError

__all__ = [
    "CLASS_OF",
    "DEFAULT_MAX_DEPTH",
    "DONT_CARE",
    "INTEGER_TAGS",
    "INTEGER_TYPES",
    "Array",
    "ArrayDesc",
    "Bcd",
    "BitString",
    "CompactArray",
    "Data",
    "DataType",
    "Date",
    "DateTime",
    "DecodeError",
    "DontCare",
    "DoubleLong",
    "DoubleLongUnsigned",
    "EncodeError",
    "Enum",
    "Float32",
    "Float64",
    "Integer",
    "Long",
    "Long64",
    "Long64Unsigned",
    "LongUnsigned",
    "OctetString",
    "Structure",
    "StructureDesc",
    "Time",
    "TypeDesc",
    "Unsigned",
    "Utf8String",
    "VisibleString",
    "decode",
    "decode_length",
    "decode_prefix",
    "desc_from_json",
    "desc_to_json",
    "encode",
    "encode_into",
    "encode_length",
    "from_json",
    "to_json",
    "type_of",
]
