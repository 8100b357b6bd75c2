"""The translator beyond single vectors: streams of frames, HDLC segmentation, general block
transfer and GET datablocks joined, context learnt across APDUs (system titles, a dedicated
key), general-ciphering, M-Bus, the 4-32 LLC, and the checks that make input an error."""

from __future__ import annotations

import pytest

from dlmskit import apdu as ap
from dlmskit import axdr
from dlmskit.apdu import blocks, gbt
from dlmskit.cosem import Obis
from dlmskit.link.hdlc import Frame, FrameType, HdlcAddress
from dlmskit.link.llc import Iec432Header, add_iec432_header
from dlmskit.link.mbus import encode_long_frame, segment_apdu
from dlmskit.link.wrapper import encode_wpdu
from dlmskit.security import (
    IdentifiedKey,
    IdentifiedKeyId,
    Key,
    SecurityControl,
    SymmetricKeys,
    WrappedKey,
    encrypt,
    seal_general_ciphering,
)
from dlmskit.security.keywrap import wrap_key
from dlmskit.translator import DecodeKeys, Layer, TranslationError, translate

EK = bytes.fromhex("000102030405060708090a0b0c0d0e0f")
AK = bytes.fromhex("d0d1d2d3d4d5d6d7d8d9dadbdcdddedf")
CLIENT = bytes.fromhex("4d4d4d0000000001")
METER = bytes.fromhex("4d4d4d0000bc614e")
SC = SecurityControl.of(authenticated=True, encrypted=True)
KEYS = SymmetricKeys(unicast=EK, authentication=AK)
CLIENT_ADDR = HdlcAddress.client(0x10)
METER_ADDR = HdlcAddress.server(1, 17)
IIP = ap.InvokeIdAndPriority(1)
CLOCK = ap.CosemAttributeDescriptor(8, Obis.parse("0-0:1.0.0*255"), 2)


def i_frames(apdu: bytes, *, size: int, ns0: int = 0, llc: bytes = b"\xe6\xe7\x00") -> bytes:
    info = llc + apdu
    pieces = [info[i : i + size] for i in range(0, len(info), size)]
    return b"".join(
        Frame.make(
            FrameType.I,
            CLIENT_ADDR,
            METER_ADDR,
            ns=(ns0 + i) % 8,
            nr=0,
            info=piece,
            segmented=i < len(pieces) - 1,
            poll_final=i == len(pieces) - 1,
        ).encode()
        for i, piece in enumerate(pieces)
    )


def long_response() -> bytes:
    rows = [
        (axdr.DoubleLongUnsigned(i), axdr.OctetString(bytes(12)), axdr.Unsigned(i % 7))
        for i in range(60)
    ]
    return ap.GetResponseNormal(IIP, rows).encode()


# -- HDLC ---------------------------------------------------------------------------------------


def test_hdlc_segmented_message_is_joined() -> None:
    apdu = long_response()
    stream = i_frames(apdu, size=100)
    t = translate(stream)
    assert t.layer is Layer.HDLC
    assert len(t.units) > 5 and all(u.fields["frame"] == "I" for u in t.units)
    (message,) = t.messages
    assert message.units == tuple(range(len(t.units)))
    assert message.apdu.raw == apdu
    doc = t.to_json()
    rows = doc["messages"][0]["apdu"]["result"]["array"]
    assert len(rows) == 60 and rows[59]["structure"][0] == {"double-long-unsigned": 59}


def test_hdlc_frames_with_separate_flags_and_fill() -> None:
    frame = Frame.make(FrameType.RR, METER_ADDR, CLIENT_ADDR, nr=3).encode()
    t = translate(frame + b"\x7e" + frame + frame)
    assert [u.fields["frame"] for u in t.units] == ["RR", "RR", "RR"]
    assert t.units[0].fields["nr"] == 3 and t.messages == ()


def test_hdlc_segment_out_of_sequence() -> None:
    stream = i_frames(long_response(), size=100)
    frames = translate(stream).units
    raw = [stream[u.offset : u.offset + u.length] for u in frames]
    with pytest.raises(TranslationError, match="out of sequence"):
        translate(raw[0] + raw[2] + raw[1])


def test_hdlc_input_ending_inside_a_segmented_message() -> None:
    stream = i_frames(long_response(), size=100)
    last = translate(stream).units[-1]
    with pytest.raises(TranslationError, match="segmentation bit"):
        translate(stream[: last.offset])


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda b: b[:-3], "truncated"),
        (lambda b: b[:-1] + b"\x00", "no closing flag"),
        (lambda b: b + b"\x00\x7e", "not type 3"),
        (lambda b: b"\x00" + b, "not type 3"),
        (lambda b: b[:10] + bytes([b[10] ^ 1]) + b[11:], "FCS"),
        (lambda b: b[:6] + bytes([b[6] ^ 1]) + b[7:], "HCS"),
    ],
)
def test_hdlc_broken_frames_are_errors(mutate: object, message: str) -> None:
    frame = Frame.make(FrameType.UI, CLIENT_ADDR, METER_ADDR, info=b"\xe6\xe7\x00\x0f" + bytes(8))
    data = mutate(frame.encode())  # type: ignore[operator]
    with pytest.raises(TranslationError, match=message):
        translate(data, layer=Layer.HDLC)


# -- general block transfer and datablocks -------------------------------------------------


def gbt_stream(apdu: bytes, max_size: int = 64) -> list[bytes]:
    return [encode_wpdu(1, 16, block.encode()) for block in gbt.split(apdu, max_size)]


def test_gbt_blocks_are_joined_and_decoded() -> None:
    apdu = long_response()
    wpdus = gbt_stream(apdu)
    t = translate(b"".join(wpdus))
    assert len(t.messages) == len(wpdus) + 1
    joined = t.messages[-1]
    assert joined.reassembled == tuple(range(len(wpdus)))
    assert joined.apdu.raw == apdu
    assert t.to_json()["messages"][-1]["apdu"]["apdu"] == "get-response-normal"


def test_gbt_ciphered_content_is_joined_then_deciphered() -> None:
    inner = encrypt(
        0xDB, long_response(), security=SC, system_title=METER, invocation_counter=9, keys=KEYS
    )
    t = translate(
        b"".join(gbt_stream(inner)), keys=DecodeKeys(unicast=Key(EK), authentication=Key(AK))
    )
    joined = t.messages[-1].apdu
    assert joined.protection is not None and joined.protection.deciphered
    assert joined.plain.raw == long_response()


def test_orphan_gbt_blocks_are_errors() -> None:
    wpdus = gbt_stream(long_response())
    with pytest.raises(TranslationError, match="without any of its predecessors"):
        translate(wpdus[-1])
    with pytest.raises(TranslationError, match="orphan"):
        translate(wpdus[1])
    with pytest.raises(TranslationError, match="last block is missing"):
        translate(b"".join(wpdus[:2]))


def test_get_datablocks_are_joined() -> None:
    value = [axdr.LongUnsigned(i) for i in range(300)]
    pieces = blocks.get_response_blocks(IIP, axdr.encode(value), 128)
    t = translate(b"".join(encode_wpdu(1, 16, p.encode()) for p in pieces))
    last = t.to_json()["messages"][-1]
    assert last["datablocks"]["messages"] == list(range(len(pieces)))
    assert last["datablocks"]["data"] == axdr.to_json(value)
    with pytest.raises(TranslationError, match="block 2 received, block 1 expected"):
        translate(b"".join(encode_wpdu(1, 16, p.encode()) for p in pieces[1:]))


# -- context across APDUs -------------------------------------------------------------------


def test_titles_and_dedicated_key_learnt_from_the_association() -> None:
    dedicated = bytes(range(16))
    initiate = ap.InitiateRequest(
        ap.Conformance(0x007E1F), client_max_receive_pdu_size=1200, dedicated_key=dedicated
    )
    ciphered_ui = ap.decode(
        encrypt(
            0x21,
            initiate.encode(),
            security=SC,
            system_title=CLIENT,
            invocation_counter=1,
            keys=KEYS,
        )
    )
    aarq = ap.AARQ(
        ap.ApplicationContextName.LOGICAL_NAME_WITH_CIPHERING.oid,
        ciphered_ui,
        calling_ap_title=CLIENT,
    )
    response = ap.InitiateResponse(ap.Conformance(0x001E1D), 500, 6, 7)
    aare = ap.AARE(
        ap.AssociationResult.ACCEPTED,
        ap.AcseServiceUser.NULL,
        ap.ApplicationContextName.LOGICAL_NAME_WITH_CIPHERING.oid,
        ap.decode(
            encrypt(
                0x28,
                response.encode(),
                security=SC,
                system_title=METER,
                invocation_counter=1,
                keys=KEYS,
            )
        ),
        responding_ap_title=METER,
    )
    get = ap.GetRequestNormal(IIP, CLOCK).encode()
    ded_get = encrypt(
        0xD0,
        get,
        security=SC,
        system_title=CLIENT,
        invocation_counter=2,
        keys=KEYS.with_dedicated(dedicated),
    )
    answer = ap.GetResponseNormal(IIP, axdr.OctetString(bytes(12))).encode()
    glo_answer = encrypt(
        0xCC, answer, security=SC, system_title=METER, invocation_counter=2, keys=KEYS
    )
    stream = b"".join(
        encode_wpdu(src, dst, a)
        for src, dst, a in (
            (16, 1, aarq.encode()),
            (1, 16, aare.encode()),
            (16, 1, ded_get),
            (1, 16, glo_answer),
        )
    )
    keys = DecodeKeys(unicast=Key(EK), authentication=Key(AK))  # no system title given
    t = translate(stream, keys=keys)
    plains = [m.apdu.plain for m in t.messages]
    assert t.messages[2].apdu.protection.key_set == "dedicated"  # type: ignore[union-attr]
    assert plains[2].raw == get and plains[3].raw == answer
    assert t.messages[0].apdu.nested[0][1].plain.apdu == initiate


def test_general_ciphering_identified_and_wrapped_keys() -> None:
    plain = ap.GetRequestNormal(IIP, CLOCK).encode()
    sealed = seal_general_ciphering(
        plain,
        security=SC,
        key=EK,
        authentication_key=AK,
        invocation_counter=3,
        transaction_id=b"\x01",
        originator_system_title=CLIENT,
        recipient_system_title=METER,
        key_info=IdentifiedKey(IdentifiedKeyId.GLOBAL_UNICAST_ENCRYPTION),
    )
    keys = DecodeKeys(unicast=Key(EK), authentication=Key(AK))
    decoded = translate(sealed, keys=keys).messages[0].apdu
    assert decoded.protection.deciphered and decoded.plain.raw == plain  # type: ignore[union-attr]
    kek, session = bytes(range(16, 32)), bytes(range(32, 48))
    wrapped = seal_general_ciphering(
        plain,
        security=SC,
        key=session,
        authentication_key=AK,
        invocation_counter=4,
        transaction_id=b"\x02",
        originator_system_title=CLIENT,
        recipient_system_title=METER,
        key_info=WrappedKey(wrap_key(kek, session)),
    )
    with_kek = DecodeKeys(unicast=Key(EK), authentication=Key(AK), master=Key(kek))
    assert translate(wrapped, keys=with_kek).messages[0].apdu.plain.raw == plain
    without = translate(wrapped, keys=keys).messages[0].apdu
    assert without.protection is not None and not without.protection.deciphered
    assert "--kek" in (without.protection.note or "")


def test_missing_title_is_a_note_wrong_key_an_error() -> None:
    glo = encrypt(
        0xC8,
        ap.GetRequestNormal(IIP, CLOCK).encode(),
        security=SC,
        system_title=CLIENT,
        invocation_counter=1,
        keys=KEYS,
    )
    note = translate(glo, keys=DecodeKeys(unicast=Key(EK))).messages[0].apdu.protection
    assert note is not None and not note.deciphered and "system title" in (note.note or "")
    wrong = DecodeKeys(unicast=Key(bytes(16)), authentication=Key(AK), system_title=CLIENT)
    with pytest.raises(TranslationError, match="authentication tag does not verify"):
        translate(glo, keys=wrong)


# -- M-Bus, LLCs, value layers --------------------------------------------------------------


def test_mbus_segments_joined_and_checked() -> None:
    notification = ap.DataNotification(
        ap.LongInvokeIdAndPriority(1), axdr.OctetString(bytes(300))
    ).encode()
    frames = segment_apdu(notification, 1, 0x67, max_length=120)
    t = translate(b"\xe5" + b"".join(frames))
    assert t.layer is Layer.MBUS and len(t.messages) == 1
    assert t.messages[0].apdu.raw == notification
    broken = bytearray(frames[0])
    broken[-2] ^= 1
    with pytest.raises(TranslationError, match="checksum"):
        translate(bytes(broken) + b"".join(frames[1:]))
    with pytest.raises(TranslationError, match="segment 1 without segment 0"):
        translate(b"".join(frames[1:]))
    with pytest.raises(TranslationError, match="final segment"):
        translate(b"".join(frames[:-1]), layer=Layer.MBUS)
    other = encode_long_frame(0x08, 1, 0x72, bytes(10))
    assert "not DLMS" in translate(other, layer=Layer.MBUS).notes[0]


def test_iec432_llc_and_plain_llc() -> None:
    get = ap.GetRequestNormal(IIP, CLOCK).encode()
    t = translate(add_iec432_header(Iec432Header(1, 16), get))
    assert t.layer is Layer.IEC432 and t.messages[0].llc == {
        "iec432": {"destination_lsap": 1, "source_lsap": 16}
    }
    with pytest.raises(TranslationError, match="LLC header"):
        translate(get, layer=Layer.LLC)


def test_ciphertext_layer_needs_its_header() -> None:
    with pytest.raises(TranslationError, match="security control byte"):
        translate(bytes(20), layer=Layer.CIPHERTEXT)


def test_value_layers_check_lengths() -> None:
    for layer in (
        Layer.DATE_TIME,
        Layer.DATE,
        Layer.TIME,
        Layer.OBIS,
        Layer.CONFORMANCE,
        Layer.HLS,
    ):
        with pytest.raises(TranslationError):
            translate(b"\x01\x02", layer=layer)
    assert (
        translate(b"\x00\x7e\x1f", layer=Layer.CONFORMANCE).value["conformance"]["hex"] == "007e1f"
    )  # type: ignore[index]


def test_layer_names_and_aliases() -> None:
    assert Layer.parse("HDLC-frame") is Layer.HDLC
    assert Layer.parse("llc+apdu") is Layer.LLC
    assert Layer.parse("gcm-ciphertext+tag") is Layer.CIPHERTEXT
    with pytest.raises(ValueError, match="unknown layer"):
        Layer.parse("nope")
    assert all(layer.description for layer in Layer)


def test_tree_itemises_general_ciphering() -> None:
    from dlmskit.translator.explain import explain

    plain = ap.GetRequestNormal(IIP, CLOCK).encode()
    sealed = seal_general_ciphering(
        plain,
        security=SC,
        key=EK,
        authentication_key=AK,
        invocation_counter=3,
        transaction_id=b"\x01",
        originator_system_title=CLIENT,
        recipient_system_title=METER,
        key_info=IdentifiedKey(IdentifiedKeyId.GLOBAL_UNICAST_ENCRYPTION),
    )
    t = translate(sealed, keys=DecodeKeys(unicast=Key(EK), authentication=Key(AK)))
    spans = explain(t)
    labels = [s.label for s in spans]
    assert "originator-system-title" in labels and "authentication tag" in labels
    assert "not itemised" not in " ".join(s.meaning for s in spans)
    assert b"".join(s.data for s in spans if s.space == "input") == sealed
    assert any(s.space.startswith("deciphered") and s.label == "get-request" for s in spans)
