"""Data, invocation counters, Register, Extended register, Demand register, Register
activation."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from dlmskit import axdr
from dlmskit.axdr import DoubleLong, DoubleLongUnsigned, Integer, LongUnsigned, Unsigned
from dlmskit.cosem import DateTime, ScalerUnit, Unit
from dlmskit.errors import LocalProtocolError
from dlmskit.model import ActionResult, DataAccessResult
from dlmskit.model.objects import (
    CosemObjects,
    DataObject,
    DemandRegister,
    ExtendedRegister,
    InvocationCounter,
    Register,
    RegisterActivation,
)
from dlmskit.model.schema import Quantity

UTC = dt.UTC
NOW = dt.datetime(2024, 6, 1, 12, 0, tzinfo=UTC)


def test_data_holds_any_value_and_an_instance_may_narrow_its_type() -> None:
    anything = DataObject("0-0:96.1.0", value=axdr.VisibleString("12345678"))
    narrow = DataObject("0-0:96.1.1", schemas={"value": axdr_u16()}, value=LongUnsigned(5))
    objects = CosemObjects([anything, narrow])
    assert (
        objects.set(1, "0-0:96.1.0", 2, [Unsigned(1), (None,)], now=NOW) is DataAccessResult.SUCCESS
    )
    assert objects.set(1, "0-0:96.1.1", 2, Unsigned(1), now=NOW) is DataAccessResult.TYPE_UNMATCHED
    assert objects.get(1, "0-0:96.1.1", 2, now=NOW).value == LongUnsigned(5)
    with pytest.raises(LocalProtocolError, match="long-unsigned"):
        narrow.set_typed("value", axdr.VisibleString("x"))


def axdr_u16():  # type: ignore[no-untyped-def]
    from dlmskit.model.schema import U16

    return U16


def test_invocation_counter_only_grows_and_persists_before_use() -> None:
    saved: list[int] = []
    counter = InvocationCounter(value=41, persist=saved.append)
    objects = CosemObjects([counter])
    assert counter.use() == 41
    assert saved == [42]
    assert objects.get(1, "0-0:43.1.0", 2, now=NOW).value == DoubleLongUnsigned(42)
    assert (
        objects.set(1, "0-0:43.1.0", 2, DoubleLongUnsigned(10), now=NOW)
        is DataAccessResult.OTHER_REASON
    )
    assert objects.set(1, "0-0:43.1.0", 2, Unsigned(50), now=NOW) is DataAccessResult.TYPE_UNMATCHED
    assert (
        objects.set(1, "0-0:43.1.0", 2, DoubleLongUnsigned(100), now=NOW)
        is DataAccessResult.SUCCESS
    )
    assert saved[-1] == 100
    counters = {"sender": 7}
    view = InvocationCounter("0-0:43.1.1", source=lambda: counters["sender"])
    objects.add(view)
    counters["sender"] = 9
    assert objects.get(1, "0-0:43.1.1", 2, now=NOW).value == DoubleLongUnsigned(9)
    assert (
        objects.set(1, "0-0:43.1.1", 2, DoubleLongUnsigned(20), now=NOW)
        is DataAccessResult.READ_WRITE_DENIED
    )
    with pytest.raises(LocalProtocolError, match="view"):
        view.use()
    exhausted = InvocationCounter(value=0xFFFFFFFF)
    with pytest.raises(LocalProtocolError, match="exhausted"):
        exhausted.use()


def test_register_typed_value_and_reset() -> None:
    register = Register(
        "1-0:32.7.0", value=LongUnsigned(2274), scaler_unit=ScalerUnit(-1, Unit.VOLT)
    )
    objects = CosemObjects([register])
    assert register.typed("value") == Quantity(Decimal("227.4"), Unit.VOLT, -1, LongUnsigned(2274))
    register.set_typed("value", Quantity(Decimal("230.1"), Unit.VOLT, -1, LongUnsigned(0)))
    assert register.value("value") == LongUnsigned(2301)
    assert objects.action(3, "1-0:32.7.0", 1, Integer(0), now=NOW).ok
    assert register.value("value") == 0
    assert axdr.type_of(register.value("value")) is axdr.DataType.LONG_UNSIGNED
    assert (
        objects.set(3, "1-0:32.7.0", 2, [LongUnsigned(1)], now=NOW)
        is DataAccessResult.TYPE_UNMATCHED
    )
    assert (
        objects.set(3, "1-0:32.7.0", 3, (Integer(0),), now=NOW) is DataAccessResult.TYPE_UNMATCHED
    )


def test_extended_register_stamps_its_capture_time() -> None:
    register = ExtendedRegister(
        "1-0:1.6.0", value=DoubleLongUnsigned(0), scaler_unit=ScalerUnit(0, Unit.WATT)
    )
    objects = CosemObjects([register])
    register.update(DoubleLongUnsigned(5400), NOW, status=Unsigned(1))
    assert DateTime.from_bytes(register.value("capture_time")).to_datetime() == NOW
    assert register.value("status") == Unsigned(1)
    later = NOW + dt.timedelta(hours=1)
    assert objects.action(4, "1-0:1.6.0", 1, Integer(0), now=later).ok
    assert register.value("value") == 0
    assert DateTime.from_bytes(register.value("capture_time")).to_datetime() == later


def test_demand_register_block_and_sliding_averages() -> None:
    demand = DemandRegister(
        "1-0:1.4.0",
        current_average_value=DoubleLong(0),
        last_average_value=DoubleLong(0),
        scaler_unit=ScalerUnit(0, Unit.WATT),
        period=DoubleLongUnsigned(900),
        number_of_periods=LongUnsigned(2),
    )
    objects = CosemObjects([demand])
    start = dt.datetime(2024, 6, 1, 12, 0, tzinfo=UTC)
    demand.record(1000, start)
    assert objects.get_timer(start) == start + dt.timedelta(minutes=15)
    # halfway through the period: 1000 W for 450 s of 900 s is 500 so far
    half = start + dt.timedelta(seconds=450)
    assert objects.get(5, "1-0:1.4.0", 2, now=half).value == DoubleLong(500)
    demand.record(3000, half)
    end = start + dt.timedelta(minutes=15)
    objects.handle_timer(end)
    assert demand.value("last_average_value") == DoubleLong(2000)  # (1000*450 + 3000*450) / 900
    assert DateTime.from_bytes(demand.value("capture_time")).to_datetime() == end
    assert DateTime.from_bytes(demand.value("start_time_current")).to_datetime() == end
    # second period at 3000 W: the sliding average over two periods is 2500
    objects.handle_timer(end + dt.timedelta(minutes=15))
    assert demand.value("last_average_value") == DoubleLong(2500)
    # a third: the first period leaves the window
    objects.handle_timer(end + dt.timedelta(minutes=30))
    assert demand.value("last_average_value") == DoubleLong(3000)
    assert demand.typed("last_average_value") == Quantity(
        Decimal(3000), Unit.WATT, 0, DoubleLong(3000)
    )
    # next_period closes the current one early; reset zeroes everything
    mid = end + dt.timedelta(minutes=35)
    assert objects.action(5, "1-0:1.4.0", 2, Integer(0), now=mid).ok
    # the short period counts 300 s of 3000 W over the full period (1000): (3000 + 1000) / 2
    assert demand.value("last_average_value") == DoubleLong(2000)
    assert objects.action(5, "1-0:1.4.0", 1, Integer(0), now=mid).ok
    assert demand.value("last_average_value") == 0
    assert objects.get(5, "1-0:1.4.0", 2, now=mid + dt.timedelta(seconds=90)).value == DoubleLong(
        300
    )


def test_register_activation_masks() -> None:
    activation = RegisterActivation("0-0:14.0.0")
    objects = CosemObjects([activation])
    t1 = (LongUnsigned(3), bytes([1, 0, 1, 8, 1, 255]))
    t2 = (LongUnsigned(3), bytes([1, 0, 1, 8, 2, 255]))
    assert objects.action(6, "0-0:14.0.0", 1, t1, now=NOW).ok
    assert objects.action(6, "0-0:14.0.0", 1, t2, now=NOW).ok
    assert objects.action(6, "0-0:14.0.0", 1, t2, now=NOW).result is ActionResult.OTHER_REASON
    assert objects.action(6, "0-0:14.0.0", 2, (b"day", [Unsigned(1)]), now=NOW).ok
    assert objects.action(6, "0-0:14.0.0", 2, (b"night", [Unsigned(2)]), now=NOW).ok
    assert (
        objects.action(6, "0-0:14.0.0", 2, (b"bad", [Unsigned(3)]), now=NOW).result
        is ActionResult.OTHER_REASON
    )
    assert objects.set(6, "0-0:14.0.0", 4, b"none", now=NOW) is DataAccessResult.OTHER_REASON
    assert objects.set(6, "0-0:14.0.0", 4, b"night", now=NOW) is DataAccessResult.SUCCESS
    assert activation.active_registers() == [(3, bytes([1, 0, 1, 8, 2, 255]))]
    assert objects.action(6, "0-0:14.0.0", 3, b"night", now=NOW).result is ActionResult.OTHER_REASON
    assert objects.action(6, "0-0:14.0.0", 3, b"day", now=NOW).ok
    assert [m[0] for m in activation.value("mask_list")] == [b"night"]
