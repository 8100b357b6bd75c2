"""Every byte of a translation explained: offset, bytes, meaning (``dlms decode --tree``).

:func:`explain` walks the input of a :class:`~dlmskit.translator.Translation` -- already
checked by :func:`~dlmskit.translator.translate` -- and returns a flat list of
:class:`Span` in byte order, each with a depth for indentation. Link layers, the common xDLMS
and ACSE APDUs, ciphered envelopes and A-XDR data are itemised field by field; a deciphered
APDU, and one joined from segments or blocks, is explained in its own byte space
(``space``), since its bytes are not contiguous in the input. Passwords, challenges and
dedicated keys are marked ``secret`` (their bytes are hidden unless asked for).

The walker trusts the structure the decoders checked; should it still meet something it
does not itemise, the rest of that APDU becomes one span saying so -- it never raises.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Final

from dlmskit import axdr
from dlmskit.apdu import (
    AARE,
    AARQ,
    RLRE,
    RLRQ,
    ActionResult,
    CipheredTag,
    DataAccessResult,
)
from dlmskit.apdu.xdlms import ErrorService, ExceptionServiceError, ServiceErrorType, StateError
from dlmskit.axdr import DataType
from dlmskit.cosem import DateTime, Obis
from dlmskit.errors import DlmsError
from dlmskit.link.hdlc.frame import Frame, FrameType
from dlmskit.translator.result import DecodedApdu, Message, Translation

__all__ = ["Span", "explain"]


@dataclass(frozen=True, slots=True)
class Span:
    """Bytes ``data`` at ``offset`` of byte space ``space`` (``input`` or a named APDU)."""

    offset: int
    data: bytes
    label: str
    meaning: str = ""
    depth: int = 0
    children: bool = False
    secret: bool = False
    space: str = "input"

    @property
    def shown_hex(self) -> str:
        if self.secret:
            return " ".join("**" for _ in self.data)
        return self.data.hex(" ")


class _Stop(Exception):
    """The walker met something it does not itemise."""


class _W:
    """A cursor that records spans."""

    def __init__(
        self, data: bytes, base: int, out: list[Span], depth: int, space: str, show: bool
    ) -> None:
        self.data = data
        self.pos = 0
        self.base = base
        self.out = out
        self.depth = depth
        self.space = space
        self.show = show

    def child(self, depth_delta: int = 1) -> _W:
        w = _W(self.data, self.base, self.out, self.depth + depth_delta, self.space, self.show)
        w.pos = self.pos
        return w

    def sync(self, other: _W) -> None:
        self.pos = other.pos

    def take(self, n: int) -> bytes:
        if n < 0 or self.pos + n > len(self.data):
            raise _Stop
        chunk = self.data[self.pos : self.pos + n]
        self.pos += n
        return chunk

    def span(
        self, n: int, label: str, meaning: str = "", *, secret: bool = False, group: bool = False
    ) -> bytes:
        at = self.pos
        chunk = self.take(n)
        self.out.append(
            Span(
                self.base + at,
                chunk,
                label,
                meaning,
                self.depth,
                group,
                secret and not self.show,
                self.space,
            )
        )
        return chunk

    def header(self, label: str, meaning: str = "") -> None:
        """A group line without bytes of its own (its fields follow, one level deeper)."""
        self.out.append(
            Span(self.base + self.pos, b"", label, meaning, self.depth, True, False, self.space)
        )

    def u8(self, label: str, meaning: str = "") -> int:
        return self.span(1, label, meaning)[0]

    def peek(self) -> int:
        if self.pos >= len(self.data):
            raise _Stop
        return self.data[self.pos]

    def length(self, label: str) -> int:
        first = self.peek()
        if first < 0x80:
            self.span(1, label, str(first))
            return first
        size = first & 0x7F
        raw = self.take(1 + size)
        self.pos -= 1 + size
        value = int.from_bytes(raw[1:], "big")
        self.span(1 + size, label, f"{value} (long form, {size} bytes)")
        return value

    def rest(self, label: str, meaning: str = "") -> None:
        if self.pos < len(self.data):
            self.span(len(self.data) - self.pos, label, meaning)


def _enum(cls: type[enum.Enum], value: int) -> str:
    try:
        member = cls(value)
    except ValueError:
        return f"{value} (not named by the standard)"
    name = member.name or str(value)
    return name.lower().replace("_", "-")


# -- A-XDR data -----------------------------------------------------------------------------

_FIXED: Final = {
    DataType.BOOLEAN: 1,
    DataType.DOUBLE_LONG: 4,
    DataType.DOUBLE_LONG_UNSIGNED: 4,
    DataType.BCD: 1,
    DataType.INTEGER: 1,
    DataType.LONG: 2,
    DataType.UNSIGNED: 1,
    DataType.LONG_UNSIGNED: 2,
    DataType.LONG64: 8,
    DataType.LONG64_UNSIGNED: 8,
    DataType.ENUM: 1,
    DataType.FLOAT32: 4,
    DataType.FLOAT64: 8,
    DataType.DATE_TIME: 12,
    DataType.DATE: 5,
    DataType.TIME: 4,
}


def _data_meaning(value: Any) -> str:
    try:
        typed = axdr.to_json(value)
    except DlmsError:
        return repr(value)
    ((_, payload),) = typed.items()
    if isinstance(payload, str):
        hint = ""
        try:
            raw = bytes.fromhex(payload) if type(value) is bytes else b""
        except ValueError:
            raw = b""
        if len(raw) == 6:
            hint = f" (OBIS {Obis.from_bytes(raw)})"
        elif len(raw) == 12:
            dt = DateTime.from_bytes(raw)
            if not dt.problems(weekday=False):
                hint = f" ({dt})"
        return (payload or '""') + hint if type(value) is bytes else repr(payload)
    if isinstance(payload, dict):
        return str(value)
    return str(payload)


def _data(w: _W, label: str) -> None:
    """One tagged Data value."""
    start = w.pos
    try:
        value, end = axdr.decode_prefix(w.data, start)
    except DlmsError:
        raise _Stop from None
    tag = w.peek()
    try:
        kind = DataType(tag)
    except ValueError:
        raise _Stop from None
    name = kind.type_name
    if kind in (DataType.ARRAY, DataType.STRUCTURE):
        w.span(1, f"{label} {name}", "", group=True)
        inner = w.child()
        count = inner.length("count")
        for i in range(count):
            _data(inner, f"[{i}]")
        w.sync(inner)
        return
    if kind is DataType.NULL_DATA or kind is DataType.DONT_CARE:
        w.span(1, f"{label} {name}")
        return
    if kind in _FIXED:
        w.span(1 + _FIXED[kind], f"{label} {name}", _data_meaning(value))
        return
    if kind in (
        DataType.OCTET_STRING,
        DataType.VISIBLE_STRING,
        DataType.UTF8_STRING,
        DataType.BIT_STRING,
    ):
        w.span(1, f"{label} {name}", group=True)
        inner = w.child()
        inner.length("length" if kind is not DataType.BIT_STRING else "number of bits")
        inner.span(end - inner.pos, "value", _data_meaning(value))
        w.sync(inner)
        return
    # compact-array: the description and contents as one span each would need the
    # description walker; one span with the decoded value is clear enough
    w.span(end - start, f"{label} {name}", _data_meaning(value))


# -- common xDLMS fields ----------------------------------------------------------------------


def _iip(w: _W) -> None:
    b = w.peek()
    w.span(
        1,
        "invoke-id-and-priority",
        f"invoke-id {b & 0x0F}, {'confirmed' if b & 0x40 else 'unconfirmed'}, "
        f"{'high' if b & 0x80 else 'normal'} priority",
    )


def _long_iip(w: _W) -> None:
    raw = w.take(4)
    w.pos -= 4
    v = int.from_bytes(raw, "big")
    w.span(
        4,
        "long-invoke-id-and-priority",
        f"invoke-id {v & 0xFFFFFF}, {'confirmed' if v >> 30 & 1 else 'unconfirmed'}, "
        f"{'high' if v >> 31 else 'normal'} priority"
        + (", self-descriptive" if v >> 28 & 1 else "")
        + (", break on error" if v >> 29 & 1 else ""),
    )


def _obis(w: _W, label: str) -> None:
    raw = w.take(6)
    w.pos -= 6
    obis = Obis.from_bytes(raw)
    described = obis.description
    w.span(6, label, f"{obis}" + (f" ({described})" if described else ""))


def _descriptor(w: _W, what: str) -> None:
    w.header(f"cosem-{what}-descriptor")
    c = w.child()
    c.span(2, "class-id", str(int.from_bytes(c.take(2), "big")) if _back(c, 2) else "")
    _obis(c, "instance-id")
    c.u8(f"{what}-id", str(c.data[c.pos]) if c.pos < len(c.data) else "")
    w.sync(c)


def _back(w: _W, n: int) -> bool:
    w.pos -= n
    return True


def _selective(w: _W) -> None:
    flag = w.u8("access-selection", "present" if w.peek() else "absent")
    if flag:
        c = w.child()
        c.u8("access-selector", _selector_name(c.peek()))
        _data(c, "access-parameters")
        w.sync(c)


def _selector_name(value: int) -> str:
    return {1: "1 (range_descriptor)", 2: "2 (entry_descriptor)"}.get(value, str(value))


def _block_header(w: _W) -> None:
    w.u8("last-block", "yes" if w.peek() else "no")
    n = int.from_bytes(w.take(4), "big")
    w.pos -= 4
    w.span(4, "block-number", str(n))


def _raw_data(w: _W) -> None:
    w.length("raw-data length")
    w.rest("raw-data")


def _result_choice(w: _W, label: str, *, raw: bool = False) -> None:
    choice = w.u8(f"{label} choice", "data" if w.peek() == 0 else "data-access-result")
    if choice == 0:
        if raw:
            n = w.length("raw-data length")
            w.span(n, "raw-data")
        else:
            _data(w.child(0), "data") if False else _data(w, "data")
    else:
        w.u8("data-access-result", _enum(DataAccessResult, w.peek()))


# -- APDUs ----------------------------------------------------------------------------------


def _get_request(w: _W, choice: int) -> None:
    _iip(w)
    if choice == 1:
        _descriptor(w, "attribute")
        _selective(w)
    elif choice == 2:
        w.span(4, "block-number", str(int.from_bytes(w.data[w.pos : w.pos + 4], "big")))
    elif choice == 3:
        n = w.length("number of attributes")
        for i in range(n):
            w.header(f"[{i}]")
            c = w.child()
            _descriptor(c, "attribute")
            _selective(c)
            w.sync(c)
    else:
        raise _Stop


def _get_response(w: _W, choice: int) -> None:
    _iip(w)
    if choice == 1:
        _result_choice(w, "result")
    elif choice == 2:
        _block_header(w)
        _result_choice(w, "result", raw=True)
    elif choice == 3:
        n = w.length("number of results")
        for i in range(n):
            _result_choice(w, f"[{i}]")
    else:
        raise _Stop


def _set_request(w: _W, choice: int) -> None:
    _iip(w)
    if choice == 1:
        _descriptor(w, "attribute")
        _selective(w)
        _data(w, "value")
    elif choice == 2:
        _descriptor(w, "attribute")
        _selective(w)
        _block_header(w)
        _raw_data(w)
    elif choice == 3:
        _block_header(w)
        _raw_data(w)
    elif choice in (4, 5):
        n = w.length("number of attributes")
        for i in range(n):
            w.header(f"[{i}]")
            c = w.child()
            _descriptor(c, "attribute")
            _selective(c)
            w.sync(c)
        if choice == 4:
            m = w.length("number of values")
            for i in range(m):
                _data(w, f"value [{i}]")
        else:
            _block_header(w)
            _raw_data(w)
    else:
        raise _Stop


def _set_response(w: _W, choice: int) -> None:
    _iip(w)
    if choice == 1:
        w.u8("result", _enum(DataAccessResult, w.peek()))
    elif choice == 2:
        w.span(4, "block-number", str(int.from_bytes(w.data[w.pos : w.pos + 4], "big")))
    elif choice == 3:
        w.u8("result", _enum(DataAccessResult, w.peek()))
        w.span(4, "block-number", str(int.from_bytes(w.data[w.pos : w.pos + 4], "big")))
    elif choice in (4, 5):
        n = w.length("number of results")
        for i in range(n):
            w.u8(f"result [{i}]", _enum(DataAccessResult, w.peek()))
        if choice == 4:
            w.span(4, "block-number", str(int.from_bytes(w.data[w.pos : w.pos + 4], "big")))
    else:
        raise _Stop


def _action_request(w: _W, choice: int) -> None:
    _iip(w)
    if choice == 1:
        _descriptor(w, "method")
        if w.u8("method-invocation-parameters", "present" if w.peek() else "absent"):
            _data(w, "parameters")
    elif choice == 2:
        w.span(4, "block-number", str(int.from_bytes(w.data[w.pos : w.pos + 4], "big")))
    elif choice in (3, 5):
        n = w.length("number of methods")
        for _ in range(n):
            _descriptor(w, "method")
        if choice == 3:
            m = w.length("number of parameters")
            for i in range(m):
                _data(w, f"parameters [{i}]")
        else:
            _block_header(w)
            _raw_data(w)
    elif choice == 4:
        _descriptor(w, "method")
        _block_header(w)
        _raw_data(w)
    elif choice == 6:
        _block_header(w)
        _raw_data(w)
    else:
        raise _Stop


def _action_result(w: _W, label: str) -> None:
    w.u8(label, _enum(ActionResult, w.peek()))
    if w.u8("return-parameters", "present" if w.peek() else "absent"):
        _result_choice(w, "return")


def _action_response(w: _W, choice: int) -> None:
    _iip(w)
    if choice == 1:
        _action_result(w, "result")
    elif choice == 2:
        _block_header(w)
        _raw_data(w)
    elif choice == 3:
        n = w.length("number of results")
        for i in range(n):
            _action_result(w, f"result [{i}]")
    elif choice == 4:
        w.span(4, "block-number", str(int.from_bytes(w.data[w.pos : w.pos + 4], "big")))
    else:
        raise _Stop


_SERVICES: Final = {
    0xC0: ("get-request", _get_request),
    0xC4: ("get-response", _get_response),
    0xC1: ("set-request", _set_request),
    0xC5: ("set-response", _set_response),
    0xC3: ("action-request", _action_request),
    0xC7: ("action-response", _action_response),
}
_CHOICES: Final = {
    0xC0: {1: "normal", 2: "next", 3: "with-list"},
    0xC4: {1: "normal", 2: "with-datablock", 3: "with-list"},
    0xC1: {
        1: "normal",
        2: "with-first-datablock",
        3: "with-datablock",
        4: "with-list",
        5: "with-list-and-first-datablock",
    },
    0xC5: {
        1: "normal",
        2: "datablock",
        3: "last-datablock",
        4: "last-datablock-with-list",
        5: "with-list",
    },
    0xC3: {
        1: "normal",
        2: "next-pblock",
        3: "with-list",
        4: "with-first-pblock",
        5: "with-list-and-first-pblock",
        6: "with-pblock",
    },
    0xC7: {1: "normal", 2: "with-pblock", 3: "with-list", 4: "next-pblock"},
}


def _conformance(w: _W) -> None:
    w.span(4, "conformance tag", "5F 1F: [APPLICATION 31], length 4, 0 unused bits")
    raw = w.take(3)
    w.pos -= 3
    from dlmskit.apdu import Conformance

    value = Conformance.from_octets(raw)
    names = [
        (f.name or "").lower().replace("_", "-")
        for f in sorted(Conformance, key=lambda f: f.bit_number)
        if f in value
    ]
    w.span(3, "conformance", ", ".join(names) or "none")


def _initiate_request(w: _W) -> None:
    if w.u8("dedicated-key", "present" if w.peek() else "absent"):
        n = w.length("dedicated-key length")
        w.span(n, "dedicated-key", "a key (hidden)" if not w.show else "", secret=True)
    if w.u8("response-allowed", "present" if w.peek() else "absent (default TRUE)"):
        w.u8("response-allowed value", "TRUE" if w.peek() else "FALSE")
    if w.u8("proposed-quality-of-service", "present" if w.peek() else "absent"):
        w.u8("quality-of-service")
    w.u8("proposed-dlms-version-number", str(w.peek()))
    _conformance(w)
    w.span(2, "client-max-receive-pdu-size", str(int.from_bytes(w.data[w.pos : w.pos + 2], "big")))


def _initiate_response(w: _W) -> None:
    if w.u8("negotiated-quality-of-service", "present" if w.peek() else "absent"):
        w.u8("quality-of-service")
    w.u8("negotiated-dlms-version-number", str(w.peek()))
    _conformance(w)
    w.span(2, "server-max-receive-pdu-size", str(int.from_bytes(w.data[w.pos : w.pos + 2], "big")))
    w.span(2, "vaa-name", f"0x{int.from_bytes(w.data[w.pos : w.pos + 2], 'big'):04x}")


def _ciphered_content(w: _W, decoded: DecodedApdu | None) -> None:
    sc = w.peek()
    w.span(
        1,
        "security control",
        f"suite {sc & 0x0F}"
        + (", authenticated" if sc & 0x10 else "")
        + (", encrypted" if sc & 0x20 else "")
        + (", broadcast key" if sc & 0x40 else "")
        + (", compressed" if sc & 0x80 else ""),
    )
    w.span(4, "invocation counter", str(int.from_bytes(w.data[w.pos : w.pos + 4], "big")))
    remaining = len(w.data) - w.pos
    tag_len = 12 if sc & 0x10 else 0
    body = remaining - tag_len
    kind = "ciphertext" if sc & 0x20 else "plaintext APDU"
    w.span(body, kind)
    if tag_len:
        w.span(tag_len, "authentication tag", "AES-GCM, 12 bytes")


_NOTIFY_TAGS: Final = {0x0F, 0xC2}
_KEY_INFO: Final = {0: "identified-key", 1: "wrapped-key", 2: "agreed-key"}
_ACSE_FIELDS: Final = {
    0x60: {
        0x80: "protocol-version",
        0xA1: "application-context-name",
        0xA2: "called-AP-title",
        0xA3: "called-AE-qualifier",
        0xA4: "called-AP-invocation-id",
        0xA5: "called-AE-invocation-id",
        0xA6: "calling-AP-title",
        0xA7: "calling-AE-qualifier",
        0xA8: "calling-AP-invocation-id",
        0xA9: "calling-AE-invocation-id",
        0x8A: "sender-acse-requirements",
        0x8B: "mechanism-name",
        0xAC: "calling-authentication-value",
        0x9D: "implementation-information",
        0xBE: "user-information",
    },
    0x61: {
        0x80: "protocol-version",
        0xA1: "application-context-name",
        0xA2: "result",
        0xA3: "result-source-diagnostic",
        0xA4: "responding-AP-title",
        0xA5: "responding-AE-qualifier",
        0xA6: "responding-AP-invocation-id",
        0xA7: "responding-AE-invocation-id",
        0x88: "responder-acse-requirements",
        0x89: "mechanism-name",
        0xAA: "responding-authentication-value",
        0x9D: "implementation-information",
        0xBE: "user-information",
    },
    0x62: {0x80: "reason", 0xBE: "user-information"},
    0x63: {0x80: "reason", 0xBE: "user-information"},
}
_ACSE_NAMES: Final = {0x60: "AARQ", 0x61: "AARE", 0x62: "RLRQ", 0x63: "RLRE"}


def _ber_length(w: _W, label: str) -> int:
    return w.length(label)


def _acse(w: _W, decoded: DecodedApdu, tag: int) -> None:
    total = _ber_length(w, "length")
    end = w.pos + total
    names = _ACSE_FIELDS[tag]
    nested = dict(decoded.nested)
    while w.pos < end:
        field_tag = w.peek()
        name = names.get(field_tag, f"field {field_tag:02x}")
        w.span(1, name, "tag", group=True)
        c = w.child()
        n = _ber_length(c, "length")
        stop = c.pos + n
        if name.endswith("authentication-value"):
            c.u8("choice", "charstring [0]" if c.peek() == 0x80 else "bitstring [1]")
            m = _ber_length(c, "length")
            c.span(m, "value", "password or challenge", secret=True)
        elif name == "user-information":
            c.u8("OCTET STRING tag", "04")
            m = _ber_length(c, "length")
            inner = c.child()
            inner.data = c.data[: c.pos + m]
            sub = nested.get("user_information")
            _apdu(inner, sub if sub is not None else _plain_stub(decoded))
            c.pos += m
        elif field_tag in (0x8A, 0x88):
            c.u8("unused bits", str(c.peek()))
            c.span(stop - c.pos, "bits", "authentication functional unit")
        elif field_tag in (0x8B, 0x89) or (field_tag == 0xA1 and True):
            if field_tag == 0xA1:
                c.u8("OBJECT IDENTIFIER tag", "06")
                m = _ber_length(c, "length")
            else:
                m = stop - c.pos
            oid_bytes = c.data[c.pos : c.pos + m]
            c.span(m, "object identifier", _oid_text(oid_bytes))
        else:
            c.span(stop - c.pos, "contents")
        w.pos = stop


def _plain_stub(decoded: DecodedApdu) -> DecodedApdu:
    ui = getattr(decoded.apdu, "user_information", None)
    return DecodedApdu(ui.encode() if ui is not None else b"", ui)  # type: ignore[arg-type]


def _oid_text(raw: bytes) -> str:
    if len(raw) == 7 and raw[:5] == bytes.fromhex("6085740508"):
        kind = {1: "application context", 2: "mechanism"}.get(raw[5], "")
        return f"2.16.756.5.8.{raw[5]}.{raw[6]} ({kind} {raw[6]})".replace(" )", ")")
    return raw.hex()


def _apdu(w: _W, decoded: DecodedApdu) -> None:
    """One APDU starting at ``w.pos`` and ending at the end of ``w.data``."""
    start = w.pos
    try:
        _apdu_fields(w, decoded)
        if w.pos < len(w.data):
            raise _Stop
    except (_Stop, DlmsError, ValueError, IndexError):
        del_from = next(
            (i for i, s in enumerate(w.out) if s.space == w.space and s.offset >= w.base + start),
            len(w.out),
        )
        del w.out[del_from:]
        w.pos = start
        w.span(len(w.data) - start, type(decoded.apdu).__name__, "fields not itemised")


def _apdu_fields(w: _W, decoded: DecodedApdu) -> None:
    tag = w.peek()
    obj = decoded.apdu
    if tag in _SERVICES:
        name, walker = _SERVICES[tag]
        w.span(1, name, f"tag {tag:02X}", group=True)
        c = w.child()
        choice = c.peek()
        c.u8("choice", _CHOICES[tag].get(choice, str(choice)))
        walker(c, choice)
        w.sync(c)
        return
    if tag in _ACSE_FIELDS and isinstance(obj, AARQ | AARE | RLRQ | RLRE):
        w.span(1, _ACSE_NAMES[tag], f"tag {tag:02X}", group=True)
        c = w.child()
        _acse(c, decoded, tag)
        w.sync(c)
        return
    if tag in (CipheredTag._value2member_map_) or tag in (0xDB, 0xDC):
        label = (
            CipheredTag(tag).name.lower().replace("_", "-")
            if tag in CipheredTag._value2member_map_
            else ("general-glo-ciphering" if tag == 0xDB else "general-ded-ciphering")
        )
        w.span(1, label, f"tag {tag:02X}", group=True)
        c = w.child()
        if tag in (0xDB, 0xDC):
            n = c.length("system-title length")
            c.span(n, "system-title")
        c.length("ciphered content length")
        _ciphered_content(c, decoded)
        w.sync(c)
        if decoded.inner is not None:
            _explain_space(w.out, decoded.inner, f"deciphered {label}", w.depth + 1, show=w.show)
        return
    if tag == 0x0F:
        w.span(1, "data-notification", "tag 0F", group=True)
        c = w.child()
        _long_iip(c)
        if c.peek() == 0x09 and c.pos + 1 < len(c.data) and c.data[c.pos + 1] == 12:
            c.u8("date-time tag", "09 (quirk: written as tagged Data)")
        n = c.length("date-time length")
        if n:
            raw = c.data[c.pos : c.pos + n]
            meaning = str(DateTime.from_bytes(raw)) if n == 12 else ""
            c.span(n, "date-time", meaning)
        _data(c, "notification-body")
        w.sync(c)
        return
    if tag == 0xC2:
        w.span(1, "event-notification-request", "tag C2", group=True)
        c = w.child()
        flag = c.u8("time", "present" if c.peek() else "absent")
        if flag:
            n = c.length("time length")
            c.span(
                n, "time", str(DateTime.from_bytes(c.data[c.pos : c.pos + n])) if n == 12 else ""
            )
        _descriptor(c, "attribute")
        _data(c, "attribute-value")
        w.sync(c)
        return
    if tag == 0x01:
        w.span(1, "initiate-request", "tag 01", group=True)
        c = w.child()
        _initiate_request(c)
        w.sync(c)
        return
    if tag == 0x08:
        w.span(1, "initiate-response", "tag 08", group=True)
        c = w.child()
        _initiate_response(c)
        w.sync(c)
        return
    if tag == 0xD8:
        w.span(1, "exception-response", "tag D8", group=True)
        c = w.child()
        c.u8("state-error", _enum(StateError, c.peek()))
        c.u8("service-error", _enum(ExceptionServiceError, c.peek()))
        if c.pos < len(c.data):
            c.span(4, "invocation counter", str(int.from_bytes(c.data[c.pos : c.pos + 4], "big")))
        w.sync(c)
        return
    if tag == 0x0E:
        w.span(1, "confirmed-service-error", "tag 0E", group=True)
        c = w.child()
        c.u8("service", _enum(ErrorService, c.peek()))
        c.u8("service-error", _enum(ServiceErrorType, c.peek()))
        c.u8("value", str(c.peek()))
        w.sync(c)
        return
    if tag in (0xDD, 0xDF):
        name = "general-ciphering" if tag == 0xDD else "general-signing"
        w.span(1, name, f"tag {tag:02X}", group=True)
        c = w.child()
        for field in (
            "transaction-id",
            "originator-system-title",
            "recipient-system-title",
            "date-time",
            "other-information",
        ):
            n = c.length(f"{field} length")
            if n:
                c.span(n, field)
        if tag == 0xDD:
            if c.u8("key-info", "present" if c.peek() else "absent"):
                choice = c.u8("key-info choice", _KEY_INFO.get(c.peek(), str(c.peek())))
                if choice == 0:
                    c.u8("key-id", "global unicast" if c.peek() == 0 else "global broadcast")
                elif choice == 1:
                    c.u8("kek-id", "master key" if c.peek() == 0 else str(c.peek()))
                    n = c.length("key-ciphered-data length")
                    c.span(n, "key-ciphered-data", "the wrapped key")
                else:
                    n = c.length("key-parameters length")
                    c.span(n, "key-parameters")
                    n = c.length("key-ciphered-data length")
                    c.span(n, "key-ciphered-data")
            c.length("ciphered content length")
            _ciphered_content(c, decoded)
        else:
            n = c.length("content length")
            c.span(n, "content", "the signed APDU")
            n = c.length("signature length")
            c.span(n, "signature", "ECDSA")
        w.sync(c)
        if decoded.inner is not None:
            _explain_space(w.out, decoded.inner, f"deciphered {name}", w.depth + 1, show=w.show)
        return
    if tag == 0xE0:
        w.span(1, "general-block-transfer", "tag E0", group=True)
        c = w.child()
        bc = c.peek()
        c.u8(
            "block-control",
            f"last block {'yes' if bc & 0x80 else 'no'}, streaming "
            f"{'yes' if bc & 0x40 else 'no'}, window {bc & 0x3F}",
        )
        c.span(2, "block-number", str(int.from_bytes(c.data[c.pos : c.pos + 2], "big")))
        c.span(2, "block-number-ack", str(int.from_bytes(c.data[c.pos : c.pos + 2], "big")))
        n = c.length("block-data length")
        c.span(n, "block-data")
        w.sync(c)
        return
    raise _Stop


def _explain_space(
    out: list[Span], decoded: DecodedApdu, space: str, depth: int, *, show: bool
) -> None:
    out.append(Span(0, b"", f"{space} ({len(decoded.raw)} bytes)", "", depth, True, False, space))
    w = _W(decoded.raw, 0, out, depth + 1, space, show)
    _apdu(w, decoded)


# -- link layers --------------------------------------------------------------------------------

_CONTROL_NAMES: Final = {
    FrameType.I: "I (information)",
    FrameType.RR: "RR (receive ready)",
    FrameType.RNR: "RNR (receive not ready)",
    FrameType.SNRM: "SNRM (set normal response mode)",
    FrameType.DISC: "DISC (disconnect)",
    FrameType.UA: "UA (unnumbered acknowledge)",
    FrameType.DM: "DM (disconnected mode)",
    FrameType.FRMR: "FRMR (frame reject)",
    FrameType.UI: "UI (unnumbered information)",
}


def _hdlc_frame(w: _W, frame: Frame, flagged: bool, info: Callable[[], None] | None = None) -> None:
    if flagged:
        w.span(1, "flag", "7E")
    fmt = int.from_bytes(w.data[w.pos : w.pos + 2], "big")
    w.span(
        2,
        "frame format",
        f"type 3, segmentation {'1 (more segments follow)' if fmt & 0x0800 else '0'}, "
        f"length {fmt & 0x7FF}",
    )
    for label, address in (("destination", frame.destination), ("source", frame.source)):
        meaning = f"upper {address.upper}" + (
            f", lower {address.lower}" if address.lower is not None else ""
        )
        w.span(address.size, f"{label} address", f"{meaning} ({address.size} byte(s))")
    kind = frame.type
    desc = _CONTROL_NAMES.get(kind, "undefined") if kind is not None else "undefined"
    extra = []
    if kind is FrameType.I:
        extra.append(f"N(S)={frame.ns}")
    if kind is not None and kind.numbered:
        extra.append(f"N(R)={frame.nr}")
    extra.append(f"P/F={int(frame.poll_final)}")
    w.span(1, "control", f"{desc}, {', '.join(extra)}")
    if frame.info:
        w.span(2, "HCS", "header check sequence, CRC-16/X.25, valid")
        if info is not None:
            w.header("information", f"{len(frame.info)} bytes")
            info()
            w.pos += len(frame.info)
        else:
            meaning = f"{len(frame.info)} bytes"
            if frame.type in (FrameType.SNRM, FrameType.UA):
                meaning += ": HDLC parameter negotiation"
            elif frame.segmented or frame.type in (FrameType.I, FrameType.UI):
                meaning += ": a segment (see the joined APDU below)"
            w.span(len(frame.info), "information", meaning)
    w.span(2, "FCS", "frame check sequence, CRC-16/X.25, valid")
    if flagged and w.pos < len(w.data) and w.data[w.pos] == 0x7E:
        w.span(1, "flag", "7E")


def _info_spans(out: list[Span], t: Translation, message: Message, show: bool) -> None:
    """The LLC and APDU inside one unsegmented frame's information field."""
    offset = message.offset
    if offset is None:
        return
    if message.llc in ("command", "response"):
        out.append(
            Span(
                offset - 3,
                t.data[offset - 3 : offset],
                "LLC",
                f"E6 {'E6' if message.llc == 'command' else 'E7'} 00: {message.llc} (IEC 62056-46)",
                3,
            )
        )
    w = _W(message.apdu.raw, offset, out, 3, "input", show)
    _apdu(w, message.apdu)


def explain(t: Translation, *, show_secrets: bool = False) -> list[Span]:
    """The byte-by-byte explanation of a translation."""
    out: list[Span] = []
    data = t.data
    if t.units:
        by_unit: dict[int, list[Message]] = {}
        for m in t.messages:
            if len(m.units) == 1 and not m.reassembled:
                by_unit.setdefault(m.units[0], []).append(m)
        for i, unit in enumerate(t.units):
            raw = data[unit.offset : unit.offset + unit.length]
            out.append(
                Span(unit.offset, b"", f"{unit.kind} unit {i + 1}", f"{unit.length} bytes", 0, True)
            )
            w = _W(raw, unit.offset, out, 1, "input", show_secrets)
            try:
                if unit.kind == "hdlc":
                    messages = by_unit.get(i, [])
                    info = None
                    if messages and messages[0].offset is not None:
                        first = messages[0]

                        def info(first: Message = first) -> None:
                            _info_spans(out, t, first, show_secrets)

                    _hdlc_frame(w, unit.obj, raw[:1] == b"\x7e", info)
                elif unit.kind == "wrapper":
                    w.span(2, "version", "0001")
                    w.span(2, "source wPort", str(unit.obj.source))
                    w.span(2, "destination wPort", str(unit.obj.destination))
                    w.span(2, "length", str(len(unit.obj.apdu)))
                    for m in by_unit.get(i, []):
                        w2 = _W(m.apdu.raw, unit.offset + 8, out, 1, "input", show_secrets)
                        _apdu(w2, m.apdu)
                elif unit.kind == "mbus":
                    _mbus(w, unit.obj, raw)
            except _Stop:
                w.rest("rest", "not itemised")
    else:
        for m in t.messages:
            if m.offset is not None:
                if m.llc in ("command", "response"):
                    out.append(Span(0, data[:3], "LLC", f"{m.llc} (IEC 62056-46)", 0))
                elif isinstance(m.llc, dict):
                    out.append(Span(0, data[:3], "LLC", "IEC 61334-4-32: 90 DA SA", 0))
                w = _W(m.apdu.raw, m.offset, out, 0, "input", show_secrets)
                _apdu(w, m.apdu)
    for m in t.messages:
        if len(m.units) > 1 or m.reassembled or (t.units and m.offset is None):
            what = (
                "APDU joined from general-block-transfer blocks"
                if m.reassembled
                else "APDU joined from segments"
            )
            _explain_space(out, m.apdu, f"{what} (message {m.index + 1})", 0, show=show_secrets)
    if t.layer.value == "ciphertext" and t.messages:
        decoded = t.messages[0].apdu
        out.append(Span(0, data, "ciphertext and tag", f"{len(data)} bytes", 0))
        if decoded.inner is not None:
            _explain_space(out, decoded.inner, "deciphered APDU", 0, show=show_secrets)
    if t.has_data_value:
        w = _W(data, 0, out, 0, "input", show_secrets)
        try:
            _data(w, "data")
        except _Stop:
            w.rest("data", "not itemised")
    if t.value is not None and not t.messages:
        meaning = ", ".join(f"{k}={v}" for k, v in t.value.items() if not isinstance(v, dict))
        out.append(Span(0, data, t.layer.value, meaning or str(t.value), 0))
    return out


def _mbus(w: _W, frame: Any, raw: bytes) -> None:
    if frame is None:
        w.span(1, "E5", "single-character acknowledgement")
        return
    if frame.ci is None:
        w.span(1, "start", "10 (short frame)")
        w.u8("C", f"{frame.c:02x}")
        w.u8("A", str(frame.a))
        w.u8("checksum", "valid")
        w.u8("stop", "16")
        return
    w.span(1, "start", "68 (long frame)")
    w.u8("L", f"{raw[1]} bytes of C, A, CI and data")
    w.u8("L", "repeated")
    w.span(1, "start", "68")
    w.u8("C", f"{frame.c:02x}")
    w.u8("A", str(frame.a))
    ci = frame.ci
    meaning = (
        f"DLMS segment {ci & 0x0F}{', final' if ci & 0x10 else ''}" if ci <= 0x1F else "not DLMS"
    )
    w.u8("CI", meaning)
    if ci <= 0x1F and len(frame.data) >= 2:
        w.u8("source TSAP", str(frame.data[0]))
        w.u8("destination TSAP", str(frame.data[1]))
        w.span(len(frame.data) - 2, "APDU segment")
    else:
        w.span(len(frame.data), "data")
    w.u8("checksum", "valid")
    w.u8("stop", "16")
