"""The suite's stimuli are the CTT's: frames and APDUs compared byte for byte with the
normative vectors (``normative.json``), and frames broken in exactly the field a case says."""

from __future__ import annotations

import dataclasses

import pytest

from _vectors import by_id
from dlmskit.apdu import Conformance
from dlmskit.conformance.iut import AssociationSpec
from dlmskit.conformance.plans import appl
from dlmskit.conformance.plans._common import NullChannel
from dlmskit.conformance.plans.hdlc import raw_frame
from dlmskit.conformance.session import Session
from dlmskit.link.hdlc.frame import (
    FrameDefect,
    FrameType,
    HdlcAddress,
    HdlcFrameError,
    HdlcParameters,
    decode_frame,
    encode_parameters,
    frame_type_of,
)

CLIENT = HdlcAddress.client(16).encode()
SERVER = HdlcAddress.server(1).encode()


def _vector(vector_id: str) -> bytes:
    return bytes.fromhex(by_id("normative", vector_id)["hex"])


def test_raw_frame_is_the_vectors_snrm_and_disc() -> None:
    snrm = raw_frame(SERVER, CLIENT, 0x93, encode_parameters(HdlcParameters()))
    assert snrm == _vector("hdlc-snrm-with-parameters")
    assert raw_frame(SERVER, CLIENT, 0x53) == _vector("hdlc-disc")


def test_the_vectors_bad_hcs_frame_fails_on_the_hcs() -> None:
    with pytest.raises(HdlcFrameError) as info:
        decode_frame(_vector("hdlc-snrm-bad-hcs-negative"))
    assert info.value.defect is FrameDefect.HCS


@pytest.mark.parametrize(
    ("broken", "defect"),
    [
        ({"bad_hcs": True}, FrameDefect.HCS),
        ({"bad_fcs": True}, FrameDefect.FCS),
        ({"length_delta": -1}, FrameDefect.LENGTH),
        ({"format_type": 8}, FrameDefect.FORMAT),
    ],
)
def test_raw_frame_breaks_exactly_one_field(broken: dict[str, object], defect: FrameDefect) -> None:
    data = raw_frame(SERVER, CLIENT, 0x93, encode_parameters(HdlcParameters()), **broken)  # type: ignore[arg-type]
    with pytest.raises(HdlcFrameError) as info:
        decode_frame(data, flags=True)
    assert info.value.defect is defect


def test_raw_frame_with_a_wrong_hcs_has_a_right_fcs() -> None:
    data = raw_frame(SERVER, CLIENT, 0x93, encode_parameters(HdlcParameters()), bad_hcs=True)
    from dlmskit.link.hdlc.crc import crc16_x25

    body = data[1:-1]
    fcs = crc16_x25(body[:-2])
    assert body[-2:] == bytes((fcs & 0xFF, fcs >> 8))


def test_the_unknown_command_vector_is_an_i_frame() -> None:
    """CONFORMANCE.md calls control 0x94 "not a defined command"; its low bit is 0, so it is
    an I frame (N(S)=2, N(R)=4, P): T_HDLC_FRAME_N5 uses SABM instead, a command of
    ISO/IEC 13239 that IEC 62056-46 does not define."""
    frame = decode_frame(_vector("hdlc-unknown-command-negative"))
    assert frame.control == 0x94 and frame.type is FrameType.I
    assert (frame.ns, frame.nr, frame.poll_final) == (2, 4, True)
    assert frame_type_of(0x3F) is None


def _session(**changes: object) -> Session:
    spec = dataclasses.replace(AssociationSpec("public", 16), **changes)  # type: ignore[arg-type]
    return Session(NullChannel(), spec)


@pytest.mark.parametrize(
    ("vector_id", "conformance", "aarq_changes", "initiate_changes"),
    [
        (
            "ctt-aarq-wrong-app-context",
            0x7C1BA0,
            {"application_context_name": appl.WRONG_CONTEXT},
            {},
        ),
        ("ctt-aarq-dlms-version-7", 0x60FE9F, {}, {"proposed_dlms_version_number": 7}),
        ("ctt-aarq-pdu-size-11", 0x60FE9F, {}, {"client_max_receive_pdu_size": 11}),
    ],
)
def test_aarq_stimuli_are_the_ctts(
    vector_id: str,
    conformance: int,
    aarq_changes: dict[str, object],
    initiate_changes: dict[str, object],
) -> None:
    session = _session(conformance=Conformance(conformance))
    initiate = session.initiate_request(**initiate_changes)
    aarq = session.aarq(initiate=initiate, **aarq_changes)
    assert aarq.encode() == _vector(vector_id)


def test_declared_aarq_is_the_green_books() -> None:
    session = _session(conformance=Conformance(0x007E1F), client_max_pdu_size=1200)
    assert session.aarq().encode().hex() == by_id("realworld", "dlmscosem-aarq-ln-nosec")["hex"]


@pytest.mark.parametrize(
    ("constant", "vector_id"),
    [
        ("STIMULUS_GET_UNKNOWN_TYPE", "ctt-get-unknown-request-type"),
        ("STIMULUS_GET_MISSING_ELEMENTS", "ctt-get-missing-elements"),
        ("STIMULUS_SET_UNKNOWN_TYPE", "ctt-set-unknown-type"),
        ("STIMULUS_SET_MISSING_DATA", "ctt-set-missing-data"),
    ],
)
def test_malformed_request_stimuli_are_the_ctts(constant: str, vector_id: str) -> None:
    assert getattr(appl, constant) == _vector(vector_id)


def test_lls_aarq_is_the_green_books() -> None:
    from dlmskit.security import Mechanism, Secret

    session = _session(
        conformance=Conformance(0x007E1F),
        client_max_pdu_size=1200,
        mechanism=Mechanism.LLS,
        secret=Secret(b"12345678"),
    )
    assert session.aarq().encode().hex() == by_id("realworld", "dlmscosem-aarq-ln-lls")["hex"]


def test_a_ciphered_aarq_starts_from_the_declared_invocation_counter() -> None:
    from dlmskit.apdu import ApplicationContextName, CipheredApdu
    from dlmskit.conformance.iut import SecurityMaterial
    from dlmskit.security import Key

    material = SecurityMaterial(
        encryption_key=Key(bytes(range(16))),
        authentication_key=Key(bytes(range(16, 32))),
        invocation_counter=4000,
    )
    session = _session(
        context=ApplicationContextName.LOGICAL_NAME_WITH_CIPHERING, security=material
    )
    info = session.aarq().user_information
    assert isinstance(info, CipheredApdu) and info.invocation_counter == 4000
    assert session.state.counter(material.client_system_title).value == 4001
