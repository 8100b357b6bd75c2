"""The trace hook the client will feed: timestamps, direction, masked hex, decoded view."""

from __future__ import annotations

import io

from rich.console import Console

from dlmskit import apdu as ap
from dlmskit.cli.trace import Tracer
from dlmskit.link.hdlc import Frame, FrameType, HdlcAddress


def run(direction: str, layer: str, data: bytes, **options: object) -> str:
    buffer = io.StringIO()
    tracer = Tracer(Console(file=buffer, width=200), clock=lambda: 0.5, **options)  # type: ignore[arg-type]
    tracer(direction, layer, data, "meter-1")
    return buffer.getvalue()


LLS_AARQ = ap.AARQ(
    ap.ApplicationContextName.LOGICAL_NAME.oid,
    ap.InitiateRequest(ap.Conformance(0x001E1D), client_max_receive_pdu_size=512),
    mechanism_name=ap.MechanismName.LOW.oid,
    calling_authentication_value=ap.AuthenticationValue(b"12345678"),
    sender_acse_requirements=ap.BerBitString(b"\x80", 7),
)


def test_tx_aarq_password_is_masked() -> None:
    frame = Frame.make(
        FrameType.I,
        HdlcAddress.server(1, 17),
        HdlcAddress.client(0x10),
        info=b"\xe6\xe6\x00" + LLS_AARQ.encode(),
    ).encode()
    text = run("tx", "hdlc", frame)
    assert text.startswith("00:00:00.500000 TX hdlc meter-1")
    assert "31 32 33 34 35 36 37 38" not in text
    assert "** ** ** ** ** ** ** **" in text
    assert "aarq" in text and "hidden (--show-secrets)" in text
    shown = run("tx", "hdlc", frame, show_secrets=True)
    assert "31 32 33 34 35 36 37 38" in shown


def test_rx_unit_that_does_not_decode_is_shown_with_the_reason() -> None:
    text = run("rx", "hdlc", bytes.fromhex("7ea00703215303c87e"))
    assert "RX hdlc" in text and "not decoded" in text and "FCS" in text
