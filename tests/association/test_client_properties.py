"""Hypothesis: whatever a meter sends, in whatever state, the client association machine
returns events or raises the library's own error (a DlmsError) -- never another exception,
never a hang -- and a RemoteProtocolError leaves it FAILED, from where abort recovers."""

from __future__ import annotations

from collections.abc import Callable

from hypothesis import given
from hypothesis import strategies as st

from _scripted_meter import ScriptedMeter, converse
from _security_material import AK, EK, ST_BC614E
from dlmskit import apdu
from dlmskit.apdu import AttributeWithSelection, CosemAttributeDescriptor, CosemMethodDescriptor
from dlmskit.association.ciphering import SecurityContext
from dlmskit.association.client import (
    ClientAssociation,
    ClientSettings,
    Event,
    State,
)
from dlmskit.axdr import DoubleLongUnsigned, VisibleString
from dlmskit.cosem import Obis
from dlmskit.errors import DlmsError, RemoteProtocolError
from dlmskit.security import Credentials, Key, Mechanism, SecurityPolicy, SymmetricKeys

ENERGY = Obis.parse("1-0:1.8.0")
PROFILE = Obis.parse("1-0:99.1.0")
ROWS = [(bytes(12), DoubleLongUnsigned(i)) for i in range(60)]
CONTEXT = SecurityContext(
    keys=SymmetricKeys(unicast=Key(EK), authentication=Key(AK)),
    system_title=ST_BC614E,
    policy=SecurityPolicy.from_v0(3),
)


def _meter(**kw: object) -> ScriptedMeter:
    values = {(3, ENERGY, 2): DoubleLongUnsigned(5), (7, PROFILE, 2): ROWS}
    return ScriptedMeter(values=values, **kw)  # type: ignore[arg-type]


Scenario = Callable[[], tuple[ClientAssociation, list[bytes]]]


def _aare(settings: ClientSettings, meter: ScriptedMeter) -> Scenario:
    def make() -> tuple[ClientAssociation, list[bytes]]:
        association = ClientAssociation(settings)
        association.associate()
        answers = [a for r in association.data_to_send() for a in meter.answer(r)]
        return association, answers

    return make


def _request(
    settings: ClientSettings, meter_kw: dict, start: Callable[[ClientAssociation], object]
) -> Scenario:
    def make() -> tuple[ClientAssociation, list[bytes]]:
        meter = _meter(**meter_kw)
        association = ClientAssociation(settings)
        association.associate()
        converse(association, meter)
        start(association)
        answers = [a for r in association.data_to_send() for a in meter.answer(r)]
        return association, answers

    return make


GET = lambda a: a.get(CosemAttributeDescriptor(3, ENERGY, 2))  # noqa: E731
GET_LONG = lambda a: a.get(CosemAttributeDescriptor(7, PROFILE, 2), stream=True)  # noqa: E731
GET_LIST = lambda a: a.get_many(  # noqa: E731
    [AttributeWithSelection(CosemAttributeDescriptor(3, ENERGY, 2))] * 3
)
SET_LONG = lambda a: a.set(  # noqa: E731
    CosemAttributeDescriptor(1, ENERGY, 2), VisibleString("v" * 300)
)
ACTION = lambda a: a.action(CosemMethodDescriptor(9, ENERGY, 1))  # noqa: E731
RELEASE = lambda a: a.release()  # noqa: E731

SCENARIOS: list[Scenario] = [
    _aare(ClientSettings(), _meter()),
    _aare(ClientSettings(security=CONTEXT, dedicated_key=True), _meter(security=CONTEXT)),
    _aare(
        ClientSettings(mechanism=Mechanism.HLS_SHA1, credentials=Credentials(b"s")),
        _meter(mechanism=Mechanism.HLS_SHA1, secret=b"s"),
    ),
    _request(ClientSettings(), {}, GET),
    _request(ClientSettings(max_pdu_size=128), {}, GET_LONG),
    _request(
        ClientSettings(max_pdu_size=128, general_block_transfer=True, gbt_window=2),
        {"gbt_window": 2},
        GET_LONG,
    ),
    _request(ClientSettings(), {}, GET_LIST),
    _request(ClientSettings(), {"max_pdu": 64}, SET_LONG),
    _request(ClientSettings(), {}, ACTION),
    _request(ClientSettings(), {}, RELEASE),
    _request(ClientSettings(security=CONTEXT), {"security": CONTEXT}, GET),
    _request(ClientSettings(security=CONTEXT), {"security": CONTEXT}, RELEASE),
]


def _feed(association: ClientAssociation, data: bytes) -> list[Event]:
    try:
        return association.receive_apdu(data)
    except RemoteProtocolError:
        assert association.state in (State.FAILED, State.IDLE)
        association.abort()
        assert association.state is State.IDLE
        return []
    except DlmsError:
        return []


@st.composite
def mutated(draw: st.DrawFn, seed: bytes) -> bytes:
    data = bytearray(seed)
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["flip", "cut", "insert", "set"]))
        if not data:
            break
        at = draw(st.integers(0, len(data) - 1))
        if kind == "flip":
            data[at] ^= 1 << draw(st.integers(0, 7))
        elif kind == "cut":
            del data[at:]
        elif kind == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=8))
        else:
            data[at] = draw(st.integers(0, 255))
    return bytes(data)


@given(st.data())
def test_mutated_answers_give_events_or_the_typed_error(data: st.DataObject) -> None:
    scenario = data.draw(st.sampled_from(SCENARIOS))
    association, answers = scenario()
    for answer in answers or [b"\xc4"]:
        feed = data.draw(mutated(answer)) if data.draw(st.booleans()) else answer
        events = _feed(association, feed)
        assert all(isinstance(e, Event) for e in events)
        for request in association.data_to_send():
            assert isinstance(request, bytes) and request


@given(st.data(), st.lists(st.binary(max_size=80), max_size=5))
def test_random_bytes_in_any_state(data: st.DataObject, chunks: list[bytes]) -> None:
    association, _ = data.draw(st.sampled_from(SCENARIOS))()
    for chunk in chunks:
        events = _feed(association, chunk)
        assert all(isinstance(e, Event) for e in events)
        association.data_to_send()


@given(st.sampled_from(SCENARIOS), st.binary(max_size=60))
def test_apdu_like_garbage_with_every_tag(scenario: Scenario, body: bytes) -> None:
    association, _ = scenario()
    tags = [
        0x61, 0x63, 0xC4, 0xC5, 0xC7, 0x0C, 0x0D, 0xD8, 0x0E, 0x0F, 0xC2, 0xE0, 0xCC, 0xDB, 0x28,
    ]  # fmt: skip
    for tag in tags:
        _feed(association, bytes([tag]) + body)
        association.data_to_send()
    _ = apdu  # the tags above are apdu tags
