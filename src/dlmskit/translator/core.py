"""The translator: bytes of any DLMS layer in, typed results out (sans-IO, no printing).

:func:`translate` reads one input -- a stream of HDLC frames, WPDUs or M-Bus frames, an LLC
PDU, an APDU, an A-XDR value, ... -- detecting the layer or taking the one named. It checks
everything a receiver checks (HCS, FCS, lengths, tags, block numbers, authentication tags)
and raises :class:`~dlmskit.translator.errors.TranslationError` at the first failure: input
that fails a check is never decoded as if valid.

:class:`Decoder` is the stateful part, shared with the push listener: it deciphers with the
keys given, learns what an exchange tells (the client's system title from an AARQ, the
server's from an AARE, a dedicated key from a deciphered InitiateRequest), and reassembles
general block transfer and GET datablocks across messages.
"""

from __future__ import annotations

import contextlib
import hmac
import logging
from typing import Any, Final

from dlmskit import apdu as ap
from dlmskit import axdr
from dlmskit.apdu import (
    AARE,
    AARQ,
    RLRE,
    RLRQ,
    ApduDecodeError,
    BlockReassembler,
    BlockTransferError,
    CipheredApdu,
    Conformance,
    DataAccessResult,
    GbtReassembler,
    GeneralBlockTransfer,
    GeneralCiphering,
    GeneralDedCiphering,
    GeneralGloCiphering,
    GeneralSigning,
    GetResponseWithDatablock,
    InitiateRequest,
)
from dlmskit.cosem import Date, DateTime, DateTimeError, Obis, Time
from dlmskit.errors import DecodeError, EncodeError
from dlmskit.link.hdlc.crc import crc16_x25
from dlmskit.security import Key, decrypt, open_general_ciphering
from dlmskit.security import gcm as _gcm
from dlmskit.security.agreement import general_ciphering_key
from dlmskit.security.errors import (
    AuthenticationTagError,
    DecipheringError,
    SecurityConfigError,
    UnsupportedSecurityError,
    WrongKeyError,
)
from dlmskit.security.general import GeneralCiphering as _SecGeneralCiphering
from dlmskit.translator.errors import TranslationError
from dlmskit.translator.jsonview import enum_name
from dlmskit.translator.keys import DecodeKeys
from dlmskit.translator.links import (
    HdlcAssembler,
    MBusAssembler,
    looks_like_wrapper,
    read_hdlc,
    read_mbus,
    read_wrapper,
    split_iec432,
    split_llc,
)
from dlmskit.translator.result import DecodedApdu, Layer, Message, Protection, Translation

__all__ = ["Decoder", "detect_layer", "translate"]

_log = logging.getLogger("dlmskit.translator")

#: plain APDU tags a client sends (the rest come from the server)
_FROM_CLIENT: Final = frozenset({0x01, 0x05, 0x06, 0x16, 0xC0, 0xC1, 0xC3, 0x60, 0x62, 0xD9})
#: nested ciphering deeper than this is refused (a ciphered APDU inside a ciphered APDU ...)
MAX_DEPTH: Final = 4


def _sender_is_client(tag: int) -> bool:
    return tag in _FROM_CLIENT


def _decipher_error(exc: Exception) -> TranslationError:
    if isinstance(exc, AuthenticationTagError):
        text = (
            "the authentication tag does not verify: wrong keys (EK/AK), wrong system title, "
            "or the APDU was altered"
        )
    elif isinstance(exc, WrongKeyError | UnsupportedSecurityError):
        text = f"cannot decipher: {exc}"
    else:
        text = f"deciphering failed: {exc}"
    return TranslationError(text, layer="security")


class Decoder:
    """Decodes and deciphers APDUs one after the other, keeping what the exchange teaches.

    ``keys`` may be empty: ciphered APDUs are then shown with their security header and a
    note saying what is missing. A tag that does not verify is an error.
    """

    def __init__(self, keys: DecodeKeys | None = None, *, lenient: bool = False) -> None:
        self.keys = keys if keys is not None else DecodeKeys()
        self.lenient = lenient
        self.client_system_title: bytes | None = None
        self.server_system_title: bytes | None = None
        self.dedicated_key: Key | None = None
        self._gbt = GbtReassembler()
        self._gbt_messages: list[int] = []
        self._gbt_seen_first = False
        self._blocks = BlockReassembler()
        self._block_messages: list[int] = []
        self.messages: list[Message] = []

    # -- single APDUs ---------------------------------------------------------------------

    def decode_apdu(self, raw: bytes, *, offset: int | None = None, depth: int = 0) -> DecodedApdu:
        """Decode (and decipher) one APDU; ``offset`` is where it starts in the input, for
        error messages."""
        notes: tuple[str, ...] = ()
        try:
            obj = ap.decode(raw)
        except ApduDecodeError as exc:
            repaired = _repair_acse_lengths(raw)
            hint = ""
            if repaired is not None and self.lenient:
                obj = ap.decode(repaired)
                notes = (_ACSE_QUIRK_NOTE,)
            else:
                if repaired is not None:
                    hint = (
                        " -- the lengths of this ACSE APDU end before its data does, a known "
                        "meter bug (quirk acse-lengths-short); --lenient decodes it anyway"
                    )
                where = None if offset is None else offset + exc.offset
                suffix = "" if offset is not None else f" (byte {exc.offset} of the APDU)"
                raise TranslationError(
                    f"{exc.expected}{suffix}{hint}", offset=where, layer="apdu"
                ) from exc
        self._learn(obj)
        if notes:
            return DecodedApdu(raw, obj, notes=notes)
        if isinstance(obj, CipheredApdu | GeneralGloCiphering | GeneralDedCiphering):
            return self._decipher_envelope(raw, obj, depth)
        if isinstance(obj, GeneralCiphering):
            return self._decipher_general(raw, obj, depth)
        if isinstance(obj, GeneralSigning):
            return self._signed(raw, obj, depth)
        if isinstance(obj, AARQ | AARE | RLRQ | RLRE):
            ui = obj.user_information
            if isinstance(ui, CipheredApdu | GeneralGloCiphering | GeneralDedCiphering):
                if depth >= MAX_DEPTH:
                    raise TranslationError("ciphered APDUs nested too deeply", layer="apdu")
                inner = self.decode_apdu(ui.encode(), depth=depth + 1)
                return DecodedApdu(raw, obj, nested=(("user_information", inner),))
        if isinstance(obj, InitiateRequest) and obj.dedicated_key is not None and depth > 0:
            # a dedicated key of no valid length leaves nothing to decipher with later
            with contextlib.suppress(SecurityConfigError):
                self.dedicated_key = Key(obj.dedicated_key)
        return DecodedApdu(raw, obj)

    def _learn(self, obj: Any) -> None:
        if isinstance(obj, AARQ) and obj.calling_ap_title:
            self.client_system_title = obj.calling_ap_title
        elif isinstance(obj, AARE) and obj.responding_ap_title:
            self.server_system_title = obj.responding_ap_title

    def _title_for(self, plain_tag: int) -> bytes | None:
        learned = (
            self.client_system_title if _sender_is_client(plain_tag) else self.server_system_title
        )
        return learned if learned is not None else self.keys.system_title

    def _decipher_envelope(
        self,
        raw: bytes,
        obj: CipheredApdu | GeneralGloCiphering | GeneralDedCiphering,
        depth: int,
    ) -> DecodedApdu:
        sc = obj.security_control
        ic = obj.invocation_counter
        if isinstance(obj, CipheredApdu):
            kind = "ded" if obj.tag.dedicated else "glo"
            title = self._title_for(obj.tag.plain_tag)
            dedicated = obj.tag.dedicated
        else:
            kind = "general-ded" if isinstance(obj, GeneralDedCiphering) else "general-glo"
            title = obj.system_title or self.keys.system_title
            dedicated = isinstance(obj, GeneralDedCiphering)
        key_set = "dedicated" if dedicated else ("broadcast" if sc & 0x40 else "unicast")
        note = self._missing(key_set, title)
        if note is not None:
            protection = Protection(kind, sc, ic, title, key_set, False, note)
            return DecodedApdu(raw, obj, protection)
        keys = self.keys.symmetric(sc & 0x0F, dedicated=self.dedicated_key)
        try:
            result = decrypt(raw, keys=keys, system_title=title or None)
        except DecipheringError as exc:
            raise _decipher_error(exc) from exc
        protection = Protection(kind, sc, ic, result.system_title, key_set, True)
        if depth >= MAX_DEPTH:
            raise TranslationError("ciphered APDUs nested too deeply", layer="apdu")
        inner = self._inner(result.plaintext, depth)
        return DecodedApdu(raw, obj, protection, inner)

    def _missing(self, key_set: str, title: bytes | None) -> str | None:
        """Why an APDU cannot be deciphered with what is known, or None."""
        keys = self.keys
        if not keys.has_block_cipher_key and self.dedicated_key is None:
            return "not deciphered: no keys given (--ek, --ak, --system-title or --keys)"
        if key_set == "unicast" and keys.unicast is None:
            return "not deciphered: the global unicast key (EK) is not given"
        if key_set == "broadcast" and keys.broadcast is None:
            return "not deciphered: the global broadcast key is not given"
        if key_set == "dedicated" and keys.dedicated is None and self.dedicated_key is None:
            return "not deciphered: the dedicated key is not given nor found in the input"
        if not title:
            return "not deciphered: the sender's system title is not known (--system-title)"
        return None

    def _inner(self, plaintext: bytes, depth: int) -> DecodedApdu:
        try:
            return self.decode_apdu(plaintext, depth=depth + 1)
        except TranslationError as exc:
            raise TranslationError(
                f"the deciphered APDU is invalid: {exc.message}", layer="apdu"
            ) from exc

    def _decipher_general(self, raw: bytes, obj: GeneralCiphering, depth: int) -> DecodedApdu:
        sc, ic = obj.security_control, obj.invocation_counter
        title = obj.originator_system_title
        info = obj.key_info
        key_set = type(info).__name__ if info is not None else None
        if self.keys.empty:
            note = "not deciphered: no keys given (--ek, --ak, --kek or --keys)"
            return DecodedApdu(
                raw, obj, Protection("general-ciphering", sc, ic, title, key_set, False, note)
            )
        missing = None
        if isinstance(info, ap.WrappedKey) and self.keys.master is None:
            missing = "not deciphered: the key is wrapped and the master key (--kek) is not given"
        elif isinstance(info, ap.IdentifiedKey):
            wanted = self.keys.unicast if info.key_id == 0 else self.keys.broadcast
            if wanted is None:
                missing = "not deciphered: the global key the key-info names is not given"
        elif isinstance(info, ap.AgreedKey):
            missing = "not deciphered: an agreed key needs key agreement (not done by decode)"
        if missing is not None:
            return DecodedApdu(
                raw, obj, Protection("general-ciphering", sc, ic, title, key_set, False, missing)
            )
        try:
            keys = self.keys.symmetric(sc & 0x0F, dedicated=self.dedicated_key)
            sec_apdu = _SecGeneralCiphering.from_bytes(raw)
            key = general_ciphering_key(sec_apdu, keys=keys)
            opened = open_general_ciphering(
                sec_apdu, key=key, authentication_key=keys.authentication
            )
        except SecurityConfigError as exc:
            note = f"not deciphered: {exc}"
            return DecodedApdu(
                raw, obj, Protection("general-ciphering", sc, ic, title, key_set, False, note)
            )
        except DecipheringError as exc:
            raise _decipher_error(exc) from exc
        protection = Protection("general-ciphering", sc, ic, title, key_set, True)
        return DecodedApdu(raw, obj, protection, self._inner(opened.plaintext, depth))

    def _signed(self, raw: bytes, obj: GeneralSigning, depth: int) -> DecodedApdu:
        note = "signature not verified (decode has no public key)"
        protection = Protection(
            "general-signing", None, None, obj.originator_system_title, None, False, note
        )
        inner = None
        if obj.content and depth < MAX_DEPTH:
            inner = self._inner(obj.content, depth)
        return DecodedApdu(raw, obj, protection, inner)

    # -- messages ---------------------------------------------------------------------------

    def add_message(
        self,
        raw: bytes,
        *,
        units: tuple[int, ...] = (),
        offset: int | None = None,
        llc: Any = None,
        link: dict[str, Any] | None = None,
    ) -> list[Message]:
        """Decode one APDU received as a message; returns it, and the APDU a general block
        transfer completes with it. Datablocks of a long GET are joined on the last one."""
        decoded = self.decode_apdu(raw, offset=offset)
        index = len(self.messages)
        plain = decoded.plain.apdu
        block: dict[str, Any] | None = None
        datablocks: Any = None
        out: list[Message] = []
        completed: bytes | None = None
        if isinstance(plain, GeneralBlockTransfer):
            block, completed = self._add_gbt(plain, index)
        elif isinstance(plain, GetResponseWithDatablock):
            datablocks = self._add_datablock(plain, index)
        message = Message(index, units, decoded, llc, offset, link, (), block, datablocks)
        self.messages.append(message)
        out.append(message)
        if completed is not None:
            sources = tuple(self._gbt_messages)
            self._gbt_messages = []
            all_units = tuple(u for i in sources for u in self.messages[i].units)
            try:
                whole = self.decode_apdu(completed)
            except TranslationError as exc:
                raise TranslationError(
                    f"the APDU reassembled from general block transfer blocks is invalid: "
                    f"{exc.message}",
                    layer="gbt",
                ) from exc
            joined = Message(len(self.messages), all_units, whole, None, None, None, sources)
            self.messages.append(joined)
            out.append(joined)
        return out

    def _add_gbt(
        self, block: GeneralBlockTransfer, index: int
    ) -> tuple[dict[str, Any], bytes | None]:
        if block.block_number == 1:
            self._gbt_seen_first = True
        try:
            status = self._gbt.add(block)
        except BlockTransferError as exc:
            self._gbt.reset()
            self._gbt_messages = []
            raise TranslationError(f"general block transfer: {exc}", layer="gbt") from exc
        if block.block_number or block.block_data:
            self._gbt_messages.append(index)
        info: dict[str, Any] = {
            "acknowledge": status.acknowledge,
            "missing": list(status.missing),
            "duplicate": status.duplicate,
            "restarted": status.restarted,
            "complete": status.complete is not None,
        }
        return info, status.complete

    def _add_datablock(self, response: GetResponseWithDatablock, index: int) -> Any:
        try:
            joined = self._blocks.add_get_response(response)
        except BlockTransferError as exc:
            self._block_messages = []
            raise TranslationError(f"GET datablocks: {exc}", layer="apdu") from exc
        self._block_messages.append(index)
        if joined is None:
            return None
        sources = self._block_messages
        self._block_messages = []
        if isinstance(joined, DataAccessResult):
            return {"aborted": enum_name(joined), "messages": sources}
        return {"messages": sources, **_joined_data_json(joined)}

    def finish(self) -> None:
        """The input ended: a transfer still in progress is an error (orphan or truncated)."""
        if self._gbt.in_progress:
            held = [self.messages[i].apdu.plain.apdu for i in self._gbt_messages]
            numbers = sorted(b.block_number for b in held if isinstance(b, GeneralBlockTransfer))
            self._gbt.reset()
            if not self._gbt_seen_first:
                raise TranslationError(
                    f"orphan general block transfer block(s) {numbers}: block 1 is not in the "
                    "input",
                    layer="gbt",
                )
            raise TranslationError(
                f"the input ends inside a general block transfer: blocks {numbers} received, "
                "the last block is missing",
                layer="gbt",
            )


_ACSE_QUIRK_NOTE: Final = (
    "QUIRK acse-lengths-short: the ACSE APDU and its user-information end one or more bytes "
    "before the data does; decoded with the lengths extended to the trailing bytes"
)


def _repair_acse_lengths(raw: bytes) -> bytes | None:
    """Named quirk ``acse-lengths-short``: an AARQ/AARE/RLRQ/RLRE whose BER length, and the
    lengths of its last element, user-information ``BE len 04 len``, are all short of the
    bytes that follow by the same count (seen from a real short-name meter whose AARE lost
    the last octet of the VAA name in its lengths). Returns the bytes with the three lengths
    extended, or None when the input is not exactly that case. Only short-form lengths."""
    if len(raw) < 4 or raw[0] not in (0x60, 0x61, 0x62, 0x63) or raw[1] >= 0x80:
        return None
    extra = len(raw) - 2 - raw[1]
    if not 0 < extra <= 4:
        return None
    pos, end = 2, 2 + raw[1]
    last = None
    while pos < end:
        if pos + 2 > end or raw[pos + 1] >= 0x80:
            return None
        last = pos
        pos += 2 + raw[pos + 1]
    if last is None or pos != end or raw[last] != 0xBE or raw[last + 2] != 0x04:
        return None
    if raw[last + 3] + 2 != raw[last + 1] or raw[last + 1] + extra >= 0x80:
        return None
    out = bytearray(raw)
    out[1] += extra
    out[last + 1] += extra
    out[last + 3] += extra
    try:
        ap.decode(bytes(out))
    except ApduDecodeError:
        return None
    return bytes(out)


def _joined_data_json(raw: bytes) -> dict[str, Any]:
    """The data joined from GET datablocks: one Data value, or a SEQUENCE OF Get-Data-Result
    (GET with list)."""
    try:
        return {"data": axdr.to_json(axdr.decode(raw, strict=True))}
    except DecodeError:
        pass
    try:
        return {"results": _get_data_results(raw)}
    except DecodeError as exc:
        raise TranslationError(
            f"the data joined from GET datablocks is no A-XDR Data nor a list of results: "
            f"{exc.expected}",
            layer="apdu",
        ) from exc


def _get_data_results(raw: bytes) -> list[Any]:
    count, pos = axdr.decode_length(raw, 0)
    out: list[Any] = []
    if count > len(raw):
        raise DecodeError(f"{count} results in {len(raw)} bytes", 0)
    for _ in range(count):
        if pos >= len(raw):
            raise DecodeError("a Get-Data-Result choice", pos)
        choice = raw[pos]
        if choice == 0:
            value, pos = axdr.decode_prefix(raw, pos + 1)
            out.append(axdr.to_json(value))
        elif choice == 1 and pos + 1 < len(raw):
            out.append({"data-access-result": enum_name(DataAccessResult(raw[pos + 1]))})
            pos += 2
        else:
            raise DecodeError("a Get-Data-Result choice 0 or 1", pos)
    if pos != len(raw):
        raise DecodeError("the end of the results", pos)
    return out


# -- layer detection ----------------------------------------------------------------------------


def detect_layer(data: bytes) -> Layer:
    """The layer ``data`` most plausibly is, by its first bytes and structure."""
    if not data:
        raise TranslationError("no bytes to decode", offset=0)
    first = data[0]
    if first == 0x7E and len(data) > 1 and data[1] >> 4 == 0xA:
        return Layer.HDLC
    if first >> 4 == 0xA and len(data) >= 9:
        length = ((first & 0x07) << 8) | data[1]
        if length <= len(data):
            return Layer.HDLC
    if looks_like_wrapper(data):
        return Layer.WRAPPER
    mbus = data.lstrip(b"\xe5")
    if not mbus or (mbus[0] == 0x68 and len(mbus) >= 4 and mbus[3] == 0x68 and mbus[1] == mbus[2]):
        return Layer.MBUS
    if data[:3] in (b"\xe6\xe6\x00", b"\xe6\xe7\x00"):
        return Layer.LLC
    if first == 0x90 and len(data) > 3:
        return Layer.IEC432
    if _decodes_as_apdu(data):
        return Layer.APDU
    if _decodes_as_data(data):
        return Layer.AXDR
    if first in _APDU_TAGS:
        return Layer.APDU  # report the APDU's error
    return Layer.AXDR


_APDU_TAGS: Final = frozenset(
    {t.value for t in ap.CipheredTag}
    | {0x01, 0x08, 0x0E, 0xD8, 0x60, 0x61, 0x62, 0x63, 0xD9, 0xDA, 0x0F, 0xC2, 0xE0}
    | {0x05, 0x0C, 0x06, 0x0D, 0x16, 0x18, 0xC0, 0xC1, 0xC3, 0xC4, 0xC5, 0xC7}
    | {0xDB, 0xDC, 0xDD, 0xDF}
)


def _decodes_as_apdu(data: bytes) -> bool:
    if data[0] not in _APDU_TAGS:
        return False
    try:
        ap.decode(data)
    except ApduDecodeError:
        return False
    return True


def _decodes_as_data(data: bytes) -> bool:
    try:
        axdr.decode(data, strict=True)
    except DecodeError:
        return False
    return True


# -- translate ----------------------------------------------------------------------------------


def translate(
    data: bytes,
    *,
    layer: Layer = Layer.AUTO,
    keys: DecodeKeys | None = None,
    challenge: bytes | None = None,
    security_control: int | None = None,
    invocation_counter: int | None = None,
    lenient: bool = False,
) -> Translation:
    """Decode ``data`` as ``layer`` (detected when :attr:`Layer.AUTO`).

    ``keys`` decipher ciphered APDUs. ``challenge`` is the StoC challenge an HLS-GMAC
    response (:attr:`Layer.HLS`) is verified against. ``security_control`` and
    ``invocation_counter`` complete a bare ciphertext (:attr:`Layer.CIPHERTEXT`).
    ``lenient`` applies the named repairs of known meter bugs (reported in the notes);
    without it such input is an error whose message names the quirk.
    Raises :class:`TranslationError` for input that fails a check.
    """
    data = bytes(data)
    if not data:
        raise TranslationError("no bytes to decode", offset=0)
    if layer is Layer.AUTO:
        layer = detect_layer(data)
    decoder = Decoder(keys, lenient=lenient)
    if layer is Layer.HDLC:
        return _translate_hdlc(data, decoder)
    if layer is Layer.WRAPPER:
        return _translate_wrapper(data, decoder)
    if layer is Layer.MBUS:
        return _translate_mbus(data, decoder)
    if layer is Layer.LLC:
        role, apdu_bytes = split_llc(data)
        if role is None:
            raise TranslationError(
                f"an LLC header E6 E6 00 or E6 E7 00, found {data[:3].hex()}", offset=0, layer="llc"
            )
        decoder.add_message(apdu_bytes, offset=3, llc=role)
        decoder.finish()
        return Translation(layer, data, messages=tuple(decoder.messages))
    if layer is Layer.IEC432:
        header, apdu_bytes = split_iec432(data)
        decoder.add_message(apdu_bytes, offset=3, llc={"iec432": header})
        decoder.finish()
        return Translation(layer, data, messages=tuple(decoder.messages))
    if layer is Layer.APDU:
        decoder.add_message(data, offset=0)
        decoder.finish()
        return Translation(layer, data, messages=tuple(decoder.messages))
    if layer is Layer.AXDR:
        try:
            value = axdr.decode(data, strict=True)
        except DecodeError as exc:
            raise TranslationError(exc.expected, offset=exc.offset, layer="a-xdr") from exc
        return Translation(layer, data, data_value=value, has_data_value=True)
    if layer is Layer.CIPHERTEXT:
        return _translate_ciphertext(data, decoder, security_control, invocation_counter)
    return Translation(layer, data, value=_value_layer(layer, data, keys, challenge))


def _translate_hdlc(data: bytes, decoder: Decoder) -> Translation:
    units = read_hdlc(data)
    assembler = HdlcAssembler()
    notes: list[str] = []
    for index, unit in enumerate(units):
        frame = unit.obj
        done = assembler.add(index, frame)
        if done is None:
            continue
        indexes, info = done
        role, apdu_bytes = split_llc(info)
        contiguous = len(indexes) == 1
        first_unit = units[indexes[0]]
        flagged = data[first_unit.offset] == 0x7E
        # bytes before the information field: [flag] format, addresses, control, HCS
        header = first_unit.length - len(frame.info) - 2 - (1 if flagged else 0)
        offset = first_unit.offset + header + (3 if role else 0) if contiguous else None
        if role is None:
            notes.append(f"frame {index + 1}: no LLC header before the APDU")
        link = {
            "frame": unit.fields["frame"],
            "source": unit.fields["source"],
            "destination": unit.fields["destination"],
        }
        decoder.add_message(apdu_bytes, units=tuple(indexes), offset=offset, llc=role, link=link)
    pending = assembler.incomplete()
    if pending:
        frames = ", ".join(str(i + 1) for i in pending[0])
        raise TranslationError(
            f"the input ends inside a segmented HDLC message: frame(s) {frames} have the "
            "segmentation bit set and the last segment is missing",
            layer="hdlc",
        )
    decoder.finish()
    return Translation(Layer.HDLC, data, tuple(units), tuple(decoder.messages), notes=tuple(notes))


def _translate_wrapper(data: bytes, decoder: Decoder) -> Translation:
    units = read_wrapper(data)
    for index, unit in enumerate(units):
        decoder.add_message(
            unit.obj.apdu, units=(index,), offset=unit.offset + 8, link=dict(unit.fields)
        )
    decoder.finish()
    return Translation(Layer.WRAPPER, data, tuple(units), tuple(decoder.messages))


def _translate_mbus(data: bytes, decoder: Decoder) -> Translation:
    units = read_mbus(data)
    assembler = MBusAssembler()
    notes: list[str] = []
    for index, unit in enumerate(units):
        frame = unit.obj
        if frame is None or frame.ci is None:
            continue
        if frame.ci > 0x1F:
            notes.append(f"M-Bus frame {index + 1}: CI {frame.ci:02x} is not DLMS")
            continue
        done = assembler.add(index, frame)
        if done is None:
            continue
        indexes, source, destination, apdu_bytes = done
        offset = unit.offset + 9 if len(indexes) == 1 else None
        link = {"source_tsap": source, "destination_tsap": destination, "c": unit.fields["c"]}
        decoder.add_message(apdu_bytes, units=tuple(indexes), offset=offset, link=link)
    pending = assembler.incomplete()
    if pending:
        raise TranslationError(
            f"the input ends inside a DLMS message over M-Bus: frame(s) "
            f"{', '.join(str(i + 1) for i in pending)} are not followed by the final segment",
            layer="mbus",
        )
    decoder.finish()
    return Translation(Layer.MBUS, data, tuple(units), tuple(decoder.messages), notes=tuple(notes))


def _translate_ciphertext(
    data: bytes, decoder: Decoder, sc: int | None, ic: int | None
) -> Translation:
    if sc is None or ic is None:
        raise TranslationError(
            "a bare ciphertext needs its security control byte and invocation counter "
            "(--security-control, --invocation-counter)",
            layer="security",
        )
    title = decoder.keys.system_title
    if title is None:
        raise TranslationError(
            "a bare ciphertext needs the sender's system title (--system-title)", layer="security"
        )
    content = bytes((sc,)) + ic.to_bytes(4, "big") + data
    envelope = bytes((0xDB, 8)) + title + axdr.encode_length(len(content)) + content
    decoded = decoder.decode_apdu(envelope)
    if decoded.protection is not None and not decoded.protection.deciphered:
        raise TranslationError(decoded.protection.note or "not deciphered", layer="security")
    message = Message(0, (), decoded)
    return Translation(Layer.CIPHERTEXT, data, messages=(message,))


def _value_layer(
    layer: Layer, data: bytes, keys: DecodeKeys | None, challenge: bytes | None
) -> dict[str, Any]:
    try:
        if layer is Layer.DATE_TIME:
            dt = DateTime.from_bytes(data)
            out: dict[str, Any] = {"date_time": dt.to_json(), "text": str(dt)}
            if dt.is_fully_specified:
                out["iso"] = dt.to_datetime().isoformat()
            problems = dt.problems()
            if problems:
                out["problems"] = problems
            return out
        if layer is Layer.DATE:
            d = Date.from_bytes(data)
            return {"date": d.to_json(), "text": str(d), "problems": d.problems()}
        if layer is Layer.TIME:
            t = Time.from_bytes(data)
            return {"time": t.to_json(), "text": str(t), "problems": t.problems()}
    except DateTimeError as exc:
        raise TranslationError(str(exc), offset=0, layer=layer.value) from exc
    if layer is Layer.OBIS:
        if len(data) != 6:
            raise TranslationError(
                f"an OBIS code is 6 bytes, not {len(data)}", offset=0, layer="obis"
            )
        obis = Obis.from_bytes(data)
        return {"obis": str(obis), "dotted": obis.dotted, "description": obis.description}
    if layer is Layer.CONFORMANCE:
        return _conformance(data)
    if layer is Layer.CRC:
        crc = crc16_x25(data)
        return {
            "crc": {
                "algorithm": "CRC-16/X.25 (HDLC HCS and FCS)",
                "value": f"{crc:04x}",
                "as_transmitted": bytes((crc & 0xFF, crc >> 8)).hex(),
            }
        }
    if layer is Layer.HLS:
        return _hls(data, keys, challenge)
    raise TranslationError(f"layer {layer.value} has no value decoder")  # pragma: no cover


def _conformance(data: bytes) -> dict[str, Any]:
    if len(data) == 7 and data[:4] == b"\x5f\x1f\x04\x00":
        octets = data[4:]
    elif len(data) == 4 and data[0] == 0:
        octets = data[1:]
    elif len(data) == 3:
        octets = data
    else:
        raise TranslationError(
            "a conformance block: 5F 1F 04 00 and 3 bytes, or the 3 bytes",
            offset=0,
            layer="conformance",
        )
    value = Conformance.from_octets(octets)
    bits = [
        {"bit": flag.bit_number, "name": enum_name(flag)}
        for flag in sorted(Conformance, key=lambda f: f.bit_number)
        if flag in value
    ]
    return {"conformance": {"hex": octets.hex(), "bits": bits}}


def _hls(data: bytes, keys: DecodeKeys | None, challenge: bytes | None) -> dict[str, Any]:
    size = _gcm.HEADER_LENGTH + _gcm.TAG_LENGTH
    if len(data) != size:
        raise TranslationError(
            f"an HLS-GMAC response is SC || IC || 12-byte tag ({size} bytes), not {len(data)}",
            offset=0,
            layer="hls",
        )
    sc, ic, tag = data[0], int.from_bytes(data[1:5], "big"), data[5:]
    out: dict[str, Any] = {
        "hls_gmac": {
            "security_control": f"{sc:02x}",
            "suite": sc & 0x0F,
            "authenticated": bool(sc & 0x10),
            "invocation_counter": ic,
            "tag": tag.hex(),
        }
    }
    info = out["hls_gmac"]
    if sc & 0xF0 != 0x10:
        raise TranslationError(
            f"an HLS-GMAC response has security control 1x (authentication only), not {sc:02x}",
            offset=0,
            layer="hls",
        )
    if challenge is None or keys is None or keys.unicast is None or keys.system_title is None:
        info["verified"] = None
        info["note"] = "not verified: needs --challenge (StoC), --ek, --ak and --system-title"
        return out
    ak = keys.authentication.reveal() if keys.authentication is not None else b""
    try:
        expected = _gcm.gmac(
            key=keys.unicast.reveal(),
            system_title=keys.system_title,
            invocation_counter=ic,
            aad=bytes((sc,)) + ak + challenge,
        )
    except (SecurityConfigError, EncodeError) as exc:
        raise TranslationError(f"cannot verify: {exc}", layer="hls") from exc
    if not hmac.compare_digest(expected, tag):
        raise TranslationError(
            "the HLS-GMAC tag does not verify with the keys, system title and challenge given",
            layer="hls",
        )
    info["verified"] = True
    info["challenge"] = challenge.hex()
    return out
