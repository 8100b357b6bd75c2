"""dlmskit.Client over real transports (wrapper and HDLC on 127.0.0.1 TCP, HDLC over a socat
pseudo-terminal pair) against a scripted meter: typed values, scaler caching, the object
list, profiles row by row, retries and time-outs, release on every path, durable counters."""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
from decimal import Decimal

import pytest

from _client_meter import (
    CLOCK,
    CONTEXT,
    ENERGY,
    PROFILE,
    SERIAL,
    START,
    VOLTAGE,
    _gets,
    _rows,
    make_meter,
)
from _meter_servers import serve, serve_serial
from _security_material import EK
from dlmskit import Client, apdu
from dlmskit.apdu import DataAccessResult
from dlmskit.association.client import ClientSettings
from dlmskit.axdr import (
    DoubleLongUnsigned,
    Integer,
    LongUnsigned,
    VisibleString,
)
from dlmskit.client import (
    AssociationRefusedError,
    ClientQuirks,
    ClientStateError,
    ProfileProgress,
    RequestTimeoutError,
    UnknownObjectError,
)
from dlmskit.cosem import DateTime, Unit
from dlmskit.errors import LocalProtocolError, RemoteProtocolError
from dlmskit.model.schema import Quantity
from dlmskit.security import Mechanism

pytestmark = [pytest.mark.asyncio, pytest.mark.timeout(60)]


@pytest.mark.parametrize("kind", ["wrapper", "hdlc"])
async def test_typed_reads_with_scaler_read_once(kind: str) -> None:
    meter = make_meter()
    async with serve(meter, kind) as url, Client(url, state_dir=False) as client:
        energy = await client.get(ENERGY, 2, class_id=3)
        assert isinstance(energy, Quantity)
        assert energy.value == Decimal("12345.678") and energy.raw == DoubleLongUnsigned(12345678)
        assert await client.get(ENERGY, 2, class_id=3) == energy
        assert _gets(meter).count((3, ENERGY, 3)) == 1  # scaler_unit cached
        clock = await client.get(CLOCK, 2, class_id=8)
        assert isinstance(clock, DateTime) and clock.to_datetime() == START
        values = await client.get_many([(3, VOLTAGE, 2), (1, SERIAL, 2), (1, PROFILE, 2)])
        assert values[0] == Quantity(Decimal("230.1"), Unit(35), -1, LongUnsigned(2301))
        assert values[1] == VisibleString("METER-0001")
        assert values[2] is DataAccessResult.OBJECT_UNDEFINED  # a refusal is a value
        raw = await client.get(ENERGY, 2, class_id=3, typed=False)
        assert raw == DoubleLongUnsigned(12345678)


async def test_object_list_and_class_lookup() -> None:
    meter = make_meter()
    async with serve(meter, "wrapper") as url, Client(url, state_dir=False) as client:
        objects = await client.objects()
        assert [o.logical_name for o in objects][:3] == [ENERGY, VOLTAGE, CLOCK]
        register = objects[0]
        assert register.class_name == "Register" and register.attributes[2].writable
        assert not register.attributes[1].writable and register.attributes[1].readable
        assert register.to_json()["attributes"]["2"]["access"] == "rw"
        # no class_id needed once the list is known
        assert (await client.get(ENERGY)).value == Decimal("12345.678")
        with pytest.raises(UnknownObjectError):
            await client.get("9-9:9.9.9")


async def test_set_and_action_typed() -> None:
    method_calls = []

    def reset(parameters: object) -> object:
        method_calls.append(parameters)
        return None

    meter = make_meter(methods={(3, ENERGY, 1): reset})
    async with serve(meter, "wrapper") as url, Client(url, state_dir=False) as client:
        energy = await client.get(ENERGY, 2, class_id=3)
        changed = dataclasses.replace(energy, value=Decimal("1.5"))
        assert await client.set(ENERGY, 2, changed, class_id=3) is DataAccessResult.SUCCESS
        assert meter.values[(3, ENERGY, 2)] == DoubleLongUnsigned(1500)
        new_time = DateTime.from_datetime(START + dt.timedelta(hours=1))
        assert await client.set(CLOCK, 2, new_time, class_id=8) is DataAccessResult.SUCCESS
        with pytest.raises(LocalProtocolError):
            await client.set(SERIAL, 2, 17, class_id=1)  # a plain int has no A-XDR type
        result = await client.action(ENERGY, 1, Integer(0), class_id=3)
        assert result.result is apdu.ActionResult.SUCCESS and method_calls == [Integer(0)]


async def test_profile_rows_stream_by_entry_and_range_with_progress() -> None:
    meter = make_meter()
    settings = ClientSettings(max_pdu_size=256)
    async with (
        serve(meter, "wrapper") as url,
        Client(url, state_dir=False, settings=settings) as client,
    ):
        reports: list[ProfileProgress] = []
        rows = [r async for r in client.profile(PROFILE, progress=reports.append)]
        assert len(rows) == 96 and rows[5].timestamp.to_datetime() == START + dt.timedelta(
            minutes=75
        )
        assert rows[0].values[1].value == Decimal("1.000")  # scaled by the register's scaler
        assert reports[-1].done and reports[-1].rows == 96 and len(reports) > 5
        # streamed: the first rows came out before the last block arrived
        assert reports[0].rows > 0 and not reports[0].done
        # entry range and a column choice
        rows = [r async for r in client.profile(PROFILE, from_entry=10, to_entry=12, columns=[3])]
        assert [r.values for r in rows] == [
            (Quantity(Decimal(v) / 10, Unit(35), -1, LongUnsigned(v)),) for v in (2302, 2303, 2304)
        ]
        # by date range, clock and energy only
        end = START + dt.timedelta(hours=1)
        span = [
            r
            async for r in client.profile(
                PROFILE, start=START, end=end, columns=[ENERGY, "0-0:1.0.0"]
            )
        ]
        assert [r.timestamp.to_datetime() for r in span] == [
            START + dt.timedelta(minutes=15 * i) for i in range(5)
        ]
        assert [r.values[0].raw for r in span] == [DoubleLongUnsigned(1000 + i) for i in range(5)]
        request = [r for r in meter.requests if isinstance(r, apdu.GetRequestNormal)][-1]
        assert request.access_selection.access_selector == 1


async def test_quirk_selective_access_ignored() -> None:
    meter = make_meter(ignore_selection=True)
    end = START + dt.timedelta(hours=1)
    async with serve(meter, "wrapper") as url:
        async with Client(url, state_dir=False) as client:  # trusting the meter: all 96
            assert len([r async for r in client.profile(PROFILE, start=START, end=end)]) == 96
        quirks = ClientQuirks(selective_access_ignored=True)
        async with Client(url, state_dir=False, quirks=quirks) as client:
            span = [r async for r in client.profile(PROFILE, start=START, end=end, columns=[3])]
            assert len(span) == 5 and all(len(r) == 1 for r in span)
            rows = [r async for r in client.profile(PROFILE, from_entry=3, to_entry=4)]
            assert [r.values[1].raw for r in rows] == [
                DoubleLongUnsigned(1002),
                DoubleLongUnsigned(1003),
            ]
        request = [r for r in meter.requests if isinstance(r, apdu.GetRequestNormal)][-1]
        assert request.access_selection is None  # asked whole


async def test_profile_fills_the_clock_the_meter_left_out() -> None:
    meter = make_meter()
    meter.values[(7, PROFILE, 2)] = _rows(8, gaps=True)
    async with serve(meter, "wrapper") as url, Client(url, state_dir=False) as client:
        rows = [r async for r in client.profile(PROFILE)]
        stamps = [r.timestamp.to_datetime() for r in rows]
        assert stamps == [START + dt.timedelta(minutes=15 * i) for i in range(8)]


async def test_profile_leaves_the_cycle_collector_as_it_was() -> None:
    """Blocks are typed with the collector paused (dlmskit._gc); after a read, also one that
    fails on a malformed row, it is on again, or still off if the caller had it off."""
    import gc

    meter = make_meter()
    rows = _rows(96)
    meter.values[(7, PROFILE, 2)] = [*rows[:50], DoubleLongUnsigned(1), *rows[51:]]
    settings = ClientSettings(max_pdu_size=256)
    async with (
        serve(meter, "wrapper") as url,
        Client(url, state_dir=False, settings=settings) as client,
    ):
        with pytest.raises(RemoteProtocolError, match="no structure"):
            _ = [r async for r in client.profile(PROFILE)]
        assert gc.isenabled()
        meter.values[(7, PROFILE, 2)] = rows
        assert len([r async for r in client.profile(PROFILE)]) == 96
        assert gc.isenabled()
        gc.disable()
        try:
            assert len([r async for r in client.profile(PROFILE)]) == 96
            assert not gc.isenabled()
        finally:
            gc.enable()


async def test_profile_stopped_early_leaves_the_client_usable() -> None:
    meter = make_meter()
    settings = ClientSettings(max_pdu_size=128)
    async with (
        serve(meter, "wrapper") as url,
        Client(url, state_dir=False, settings=settings) as client,
    ):
        async for _row in client.profile(PROFILE):
            break
        assert (await client.get(SERIAL, 2, class_id=1)) == VisibleString("METER-0001")


async def test_retry_after_a_lost_answer_and_timeout_after_retries() -> None:
    meter = make_meter()
    async with serve(meter, "wrapper") as url:
        client = Client(url, state_dir=False, timeout=0.3, retries=1)
        await client.connect()
        meter.drop = 1
        assert await client.get(SERIAL, 2, class_id=1) == VisibleString("METER-0001")
        meter.drop = 5
        with pytest.raises(RequestTimeoutError):
            await client.get(SERIAL, 2, class_id=1)
        meter.drop = 0
        assert await client.get(SERIAL, 2, class_id=1) == VisibleString("METER-0001")
        await client.close()
        await client.close()  # twice is fine
        with pytest.raises(ClientStateError):
            await client.get(SERIAL, 2, class_id=1)


async def test_cancellation_mid_request_still_releases() -> None:
    meter = make_meter()
    async with serve(meter, "wrapper") as url:
        client = Client(url, state_dir=False, timeout=5)
        await client.connect()
        meter.drop = 1
        task = asyncio.ensure_future(client.get(SERIAL, 2, class_id=1))
        await asyncio.sleep(0.2)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        await client.close()
        assert isinstance(meter.requests[-1], apdu.RLRQ)
        assert client.link is None


async def test_a_broken_answer_is_an_error_and_close_still_works() -> None:
    meter = make_meter()
    async with serve(meter, "wrapper") as url:
        client = Client(url, state_dir=False)
        await client.connect()
        meter.pushes = [b"\xc4\x01\xc1\x00\x06\x05"]  # a truncated GET response
        with pytest.raises(RemoteProtocolError):
            await client.get(SERIAL, 2, class_id=1)
        await client.close()
        assert client.link is None


async def test_rejected_association_raises_and_closes_the_link() -> None:
    meter = make_meter(mechanism=Mechanism.LLS, secret=b"right")
    async with serve(meter, "wrapper") as url:
        client = Client(url, state_dir=False, mechanism=Mechanism.LLS, password="wrong")
        with pytest.raises(AssociationRefusedError) as caught:
            await client.connect()
        assert "authentication-failure" in caught.value.reason
        assert client.link is None
        async with Client(url, state_dir=False, mechanism=1, password="right") as ok:
            assert ok.connected


async def test_pushes_mid_request_wait_in_the_queue() -> None:
    meter = make_meter()
    push = apdu.DataNotification(apdu.LongInvokeIdAndPriority(1), VisibleString("alarm"))
    async with serve(meter, "wrapper") as url, Client(url, state_dir=False) as client:
        meter.pushes = [push.encode()]
        assert await client.get(SERIAL, 2, class_id=1) == VisibleString("METER-0001")
        received = client.pushes.get_nowait()
        assert received.apdu == push


async def test_ciphered_counters_are_durable_per_key(tmp_path) -> None:
    meter = make_meter(security=CONTEXT)
    async with serve(meter, "wrapper") as url:
        for _ in range(2):
            async with Client(url, security=CONTEXT, state_dir=tmp_path) as client:
                assert (await client.get(SERIAL, 2, class_id=1)) == VisibleString("METER-0001")
        ics = meter.client_ics
        assert ics == sorted(ics) and len(set(ics)) == len(ics)  # never reused across runs
        names = [p.name for p in tmp_path.iterdir()]
        assert names and not any(EK.hex() in n for n in names)


async def test_quirk_meter_counter_restarts(tmp_path) -> None:
    meter = make_meter(security=CONTEXT, restart_counter=True)
    async with serve(meter, "wrapper") as url:
        async with Client(url, security=CONTEXT, state_dir=tmp_path) as client:
            await client.get(SERIAL, 2, class_id=1)
        with pytest.raises(RemoteProtocolError):  # a replayed counter, as far as we know
            async with Client(url, security=CONTEXT, state_dir=tmp_path) as client:
                await client.get(SERIAL, 2, class_id=1)
        restarts = ClientQuirks(meter_counter_restarts=True)
        for _ in range(2):
            async with Client(url, security=CONTEXT, state_dir=tmp_path, quirks=restarts) as c:
                assert await c.get(SERIAL, 2, class_id=1) == VisibleString("METER-0001")


async def test_meter_counter_read_first_and_counter_hint(tmp_path) -> None:
    meter = make_meter(security=CONTEXT)
    async with serve(meter, "wrapper") as url:
        async with Client(
            url, security=CONTEXT, state_dir=tmp_path, read_invocation_counter=True
        ) as client:
            assert client.connected
        assert meter.client_ics[0] == 1001  # one above the meter's 1000
        # a meter that refuses the counter and says which it expects: moved there, once
        meter.ic_floor = 5000
        async with Client(url, security=CONTEXT, state_dir=tmp_path) as client:
            assert client.connected
        assert meter.client_ics[-2] < 5000 <= meter.client_ics[-1]  # refused, then accepted


async def test_hdlc_over_a_pseudo_terminal_pair() -> None:
    meter = make_meter()
    async with serve_serial(meter) as url, Client(url, state_dir=False) as client:
        assert (await client.get(ENERGY, 2, class_id=3)).value == Decimal("12345.678")
        rows = [r async for r in client.profile(PROFILE)]
        assert len(rows) == 96


async def test_mode_e_then_hdlc_over_a_pseudo_terminal_pair() -> None:
    meter = make_meter()
    async with serve_serial(meter, mode_e=True) as url, Client(url, state_dir=False) as client:
        assert client.link.identification.manufacturer == "DLK"
        assert await client.get(SERIAL, 2, class_id=1) == VisibleString("METER-0001")


async def test_trace_sees_every_apdu() -> None:
    seen: list[tuple[str, bytes]] = []
    meter = make_meter()
    async with (
        serve(meter, "wrapper") as url,
        Client(url, state_dir=False, trace=lambda d, layer, b: seen.append((d, b))) as c,
    ):
        await c.get(SERIAL, 2, class_id=1)
    kinds = [(d, b[0]) for d, b in seen]
    assert kinds[:2] == [("tx", 0x60), ("rx", 0x61)] and kinds[-2:] == [("tx", 0x62), ("rx", 0x63)]


async def test_quirk_scaler_unit_absent() -> None:
    meter = make_meter()
    async with (
        serve(meter, "wrapper") as url,
        Client(url, state_dir=False, quirks=ClientQuirks(scaler_unit_absent=True)) as c,
    ):
        assert await c.get(ENERGY, 2, class_id=3) == DoubleLongUnsigned(12345678)
    assert (3, ENERGY, 3) not in _gets(meter)
