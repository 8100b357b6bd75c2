"""Profile reading pieces: rows parsed as the octets arrive (any chunking, the same rows as a
whole decode; bad input a DecodeError), the fast column typers (exactly what
model.typed.typed_rows gives), column selection and the selective-access descriptors."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from axdr_strategies import data_values
from dlmskit import axdr
from dlmskit.axdr import DoubleLongUnsigned, Enum, Integer, LongUnsigned, Unsigned
from dlmskit.client.profile import (
    RowStream,
    column_batch_typer,
    column_typer,
    select_columns,
    selective_access,
)
from dlmskit.cosem import DateTime, Obis, ScalerUnit, Unit
from dlmskit.errors import DecodeError, DlmsError, LocalProtocolError
from dlmskit.model.typed import Column, ScalerTable, typed_rows

CLOCK = Column(8, Obis.parse("0-0:1.0.0"), 2)
ENERGY = Column(3, Obis.parse("1-0:1.8.0"), 2)
VOLTAGE = Column(3, Obis.parse("1-0:32.7.0"), 2)
STATUS = Column(1, Obis.parse("0-0:96.10.1"), 2)
DEMAND = Column(5, Obis.parse("1-0:1.4.0"), 3)
WHOLE = Column(3, Obis.parse("1-0:2.8.0"), 0)
COLUMNS = [CLOCK, ENERGY, VOLTAGE, STATUS, DEMAND, WHOLE]
TABLE = ScalerTable(
    {
        ENERGY.logical_name: ScalerUnit(-3, Unit.WATT_HOUR),
        VOLTAGE.logical_name: ScalerUnit(-1, Unit.VOLT),
        DEMAND.logical_name: ScalerUnit(0, Unit.WATT),
    }
)
START = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)


def _rows(n: int) -> list[tuple]:
    return [
        (DateTime.from_datetime(START + dt.timedelta(minutes=15 * i)), DoubleLongUnsigned(i))
        for i in range(n)
    ]


@given(st.integers(0, 300), st.lists(st.integers(1, 200), min_size=1, max_size=50))
def test_rows_come_out_for_any_chunking(count: int, cuts: list[int]) -> None:
    rows = _rows(count)
    data = axdr.encode(rows)
    stream = RowStream()
    out: list = []
    at = 0
    for cut in cuts:
        out += stream.feed(data[at : at + cut])
        at += cut
    out += stream.feed(data[at:])
    out += stream.close()
    assert out == rows


def test_rows_before_the_end_and_a_truncated_buffer():
    data = axdr.encode(_rows(10))
    stream = RowStream()
    assert len(stream.feed(data[:60])) >= 2  # rows out before the rest arrives
    with pytest.raises(DecodeError):
        stream.close()
    whole = RowStream()
    whole.feed(data + b"\x00")
    with pytest.raises(DecodeError):
        whole.close()


@given(st.binary(max_size=200), st.integers(1, 50))
def test_any_octets_give_rows_or_a_decode_error(data: bytes, cut: int) -> None:
    stream = RowStream()
    try:
        for i in range(0, len(data), cut):
            stream.feed(data[i : i + cut])
        stream.close()
    except DlmsError:
        pass


column_value = st.one_of(
    data_values,
    st.builds(DoubleLongUnsigned, st.integers(0, 2**32 - 1)),
    st.builds(LongUnsigned, st.integers(0, 2**16 - 1)),
    st.builds(lambda b: b, st.binary(min_size=12, max_size=12)),
    st.builds(lambda i: (Integer(i), Enum(30)), st.integers(-128, 127)),
)


@settings(max_examples=120)
@given(st.lists(st.tuples(*[column_value] * len(COLUMNS)), max_size=8))
def test_fast_typers_equal_typed_rows(rows: list[tuple]) -> None:
    typers = [column_typer(c, TABLE) for c in COLUMNS]
    fast = [tuple(t(v) for t, v in zip(typers, row, strict=True)) for row in rows]
    assert fast == typed_rows(rows, COLUMNS, TABLE)


@settings(max_examples=120)
@given(
    st.lists(st.tuples(*[column_value] * len(COLUMNS)), max_size=8),
    st.sampled_from([0, 1, 8, 40]),
)
def test_column_typers_equal_typed_rows(rows: list[tuple], repeat_rows: int) -> None:
    """Typing a column at once gives what typing each value does: columns of the expected
    types (the fast case) and mixed ones."""
    rows = rows + [rows[0]] * repeat_rows if rows else rows
    typers = [column_batch_typer(c, TABLE) for c in COLUMNS]
    columns = list(zip(*rows, strict=True)) or [()] * len(COLUMNS)
    typed = [typer(column) for typer, column in zip(typers, columns, strict=True)]
    assert list(zip(*typed, strict=True)) == typed_rows(rows, COLUMNS, TABLE)


@given(
    st.lists(st.integers(0, 2**64 - 1), min_size=1, max_size=20),
    st.integers(-128, 127),
)
def test_scaled_columns_are_exact_whatever_the_decimal_context(
    raws: list[int], scaler: int
) -> None:
    from decimal import Decimal, localcontext

    from dlmskit.axdr import Long64Unsigned
    from dlmskit.cosem import ScalerUnit, Unit

    column = Column(3, Obis.parse("1-0:1.8.0"), 2)
    table = ScalerTable({column.logical_name: ScalerUnit(scaler, Unit.WATT_HOUR)})
    values = [Long64Unsigned(r) for r in raws]
    with localcontext() as context:
        context.prec = 3  # a caller's context must not round the values
        typed = column_batch_typer(column, table)(values)
        one = [column_typer(column, table)(v) for v in values]
    assert [q.value for q in typed] == [Decimal(f"{r}E{scaler}") for r in raws]
    assert [q.value.as_tuple() for q in typed] == [q.value.as_tuple() for q in one]


def test_typed_columns_of_a_profile():
    typers = [column_typer(c, TABLE) for c in (CLOCK, ENERGY)]
    clock, energy = (
        t(v)
        for t, v in zip(
            typers,
            (DateTime.from_datetime(START).to_bytes(), DoubleLongUnsigned(12345)),
            strict=True,
        )
    )
    assert clock.to_datetime() == START and str(energy) == "12.345 Wh"
    assert column_typer(Column(9999, Obis.parse("0-0:1.2.3"), 2), TABLE)(Unsigned(1)) == 1


def test_column_selection_and_descriptors():
    columns = [CLOCK, STATUS, ENERGY, VOLTAGE]
    assert select_columns(columns, None) == [0, 1, 2, 3]
    assert select_columns(columns, [3, "1-0:32.7.0", ENERGY]) == [2, 3, 2]
    for bad in ([0], [5], ["9-9:9.9.9"], ["no obis"]):
        with pytest.raises(LocalProtocolError):
            select_columns(columns, bad)
    # date range with a column choice: the meter sends the chosen columns in capture order
    access, keep = selective_access(columns, [2, 0], start=START, end=START + dt.timedelta(days=1))
    assert access.access_selector == 1
    span = access.range()
    assert span.restricting_object.logical_name == CLOCK.logical_name
    assert [c.logical_name for c in span.selected_values] == [
        CLOCK.logical_name,
        ENERGY.logical_name,
    ]
    assert keep == [1, 0]
    # entry range: a contiguous run of columns is sent
    access, keep = selective_access(columns, [3, 1], from_entry=5, to_entry=9)
    entry = access.entry()
    assert (entry.from_entry, entry.to_entry) == (5, 9)
    assert (entry.from_selected_value, entry.to_selected_value) == (2, 4)
    assert keep == [2, 0]
    assert selective_access(columns, [0, 1, 2, 3]) == (None, [0, 1, 2, 3])
    with pytest.raises(LocalProtocolError):
        selective_access(columns, [0], start=START, from_entry=1)
    with pytest.raises(LocalProtocolError):
        selective_access(columns, [0], start=dt.datetime(2024, 1, 1))  # naive
    with pytest.raises(LocalProtocolError):
        selective_access([ENERGY], [0], start=START)  # no clock to restrict by
