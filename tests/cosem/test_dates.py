"""COSEM date-time, date and time: wildcards, deviation, status, conversions, vectors."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from _vectors import params
from dlmskit.cosem import (
    DAY_LAST,
    MONTH_DST_BEGIN,
    ClockStatus,
    Date,
    DateTime,
    DateTimeError,
    Time,
)


@pytest.mark.parametrize("vector", params("normative", "cosem-date-time"))
def test_normative_date_time_vectors(vector: dict[str, Any]) -> None:
    raw = bytes.fromhex(vector["hex"])
    value = DateTime.from_bytes(raw)
    assert value.to_bytes() == raw
    expected = vector["expected"]
    if "deviation_minutes" in expected:
        assert value.deviation == expected["deviation_minutes"]
    if "clock_status" in expected:
        assert value.clock_status == expected["clock_status"]
    if expected.get("day_of_week", "").startswith("not specified"):
        assert value.day_of_week is None
    stated = expected.get("date_time", "")
    if "not specified" in stated:  # local time, deviation 0x8000
        assert value.deviation is None
        assert value.to_datetime().isoformat() == stated.split(" ", 1)[0]
        assert value.to_datetime().tzinfo is None
    elif stated:
        assert value.to_datetime().isoformat() == stated
    if expected.get("all_fields") == "not specified":
        # every field but the clock status, which this vector gives as 0x00
        assert all(getattr(value, f) is None for f in DateTime._FIELDS[:-1])
        assert not value.is_fully_specified
        with pytest.raises(DateTimeError, match="no single instant"):
            value.to_datetime()
        assert str(value) == "****-**-** **:**:**.**"


def test_deviation_sign_follows_the_blue_book() -> None:
    plus_one = dt.datetime(2024, 1, 1, 12, tzinfo=dt.timezone(dt.timedelta(hours=1)))
    value = DateTime.from_datetime(plus_one)
    assert value.deviation == -60
    assert value.utcoffset == dt.timedelta(hours=1)
    assert value.to_bytes().hex() == "07e80101010c000000ffc400"
    assert value.to_datetime() == plus_one
    assert str(value) == "2024-01-01 12:00:00.00 UTC+01:00 Mon"


def test_naive_datetime_leaves_deviation_unspecified() -> None:
    value = DateTime.from_datetime(dt.datetime(2024, 6, 1, 8, 0, 0, 990000))
    assert value.deviation is None and value.hundredths == 99
    assert value.to_datetime() == dt.datetime(2024, 6, 1, 8, 0, 0, 990000)


def test_utc_offset_must_be_whole_minutes() -> None:
    odd = dt.datetime(2024, 1, 1, tzinfo=dt.timezone(dt.timedelta(seconds=30)))
    with pytest.raises(DateTimeError, match="whole number of minutes"):
        DateTime.from_datetime(odd)


def test_clock_status_bits() -> None:
    value = DateTime.from_bytes(bytes.fromhex("07e8070f010c000000" + "ff89" + "89"))
    status = value.clock_status
    assert status is not None
    assert ClockStatus.DAYLIGHT_SAVING_ACTIVE in status
    assert ClockStatus.INVALID_CLOCK_STATUS in status
    assert ClockStatus.INVALID_VALUE in status
    assert int(status) == 0x89
    assert value.deviation == -119  # 0xff89
    unknown_bits = DateTime.from_bytes(bytes.fromhex("07e8070f010c0000008000" + "70"))
    assert int(unknown_bits.clock_status or 0) == 0x70  # reserved bits are kept
    assert unknown_bits.to_bytes()[-1] == 0x70


def test_special_month_and_day_values() -> None:
    # DST begins: last Sunday of March, 02:00 -> "month 0xFE"? No: the month is March and
    # the day is "last"; the day of week says Sunday. Such patterns are no instant.
    pattern = DateTime(None, 3, DAY_LAST, 7, 2, 0, 0, 0, None, None)
    assert pattern.problems() == []
    assert not pattern.is_fully_specified
    assert str(pattern) == "****-03-LD 02:00:00.00 Sun"
    dst = DateTime(None, MONTH_DST_BEGIN, None, None, None, None, None, None, None, None)
    assert str(dst).startswith("****-DB-**")
    assert DateTime.from_bytes(dst.to_bytes()) == dst


def test_problems_are_reported_not_raised() -> None:
    raw = bytes.fromhex("07e80d20091840400080000a")  # month 13, day 32, dow 9, hour 24...
    value = DateTime.from_bytes(raw)
    assert value.to_bytes() == raw
    problems = value.problems()
    assert any("month 13" in p for p in problems)
    assert any("day 32" in p for p in problems)
    assert any("day of week 9" in p for p in problems)
    assert any("hour 24" in p for p in problems)
    assert any("minute 64" in p for p in problems)
    with pytest.raises(DateTimeError):
        value.to_datetime()
    assert "2024-02-30" in DateTime(2024, 2, 30, None, 0, 0, 0, 0).problems()[0]


def test_wrong_weekday_does_not_hide_the_instant() -> None:
    value = DateTime(2018, 2, 12, 5, 0, 0, 0, 0, None, None)  # 2018-02-12 was a Monday
    assert "day of week 5" in value.problems()[0]
    assert value.is_fully_specified
    assert value.to_datetime() == dt.datetime(2018, 2, 12)


def test_constructor_checks_octet_ranges() -> None:
    with pytest.raises(DateTimeError):
        DateTime(year=0xFFFF)  # 0xFFFF is "not specified": use None
    with pytest.raises(DateTimeError):
        DateTime(month=255)
    with pytest.raises(DateTimeError):
        DateTime(deviation=-0x8000)
    with pytest.raises(DateTimeError):
        DateTime(clock_status=0xFF)  # type: ignore[arg-type]
    with pytest.raises(DateTimeError):
        Time(hour=-1)
    with pytest.raises(DateTimeError):
        Date(year="2024")  # type: ignore[arg-type]
    with pytest.raises(DateTimeError, match="12 octets"):
        DateTime.from_bytes(b"\x00" * 11)


def test_date_and_time() -> None:
    date = Date.from_bytes(bytes.fromhex("07e80b15ff"))
    assert date.to_date() == dt.date(2024, 11, 21)
    assert str(date) == "2024-11-21"
    assert Date.from_date(dt.date(2024, 11, 21)).day_of_week == 4
    time = Time.from_bytes(bytes.fromhex("081e0f17"))
    assert time.to_time() == dt.time(8, 30, 15, 230000)
    assert str(time) == "08:30:15.23"
    assert str(Time.from_bytes(b"\xff" * 4)) == "**:**:**.**"
    with pytest.raises(DateTimeError):
        Time(None, 1, 2, 3).to_time()
    with pytest.raises(DateTimeError):
        Date(2024, DAY_LAST, 1).to_date()


@given(st.binary(min_size=12, max_size=12))
def test_any_twelve_octets_round_trip(raw: bytes) -> None:
    value = DateTime.from_bytes(raw)
    assert value.to_bytes() == raw
    assert DateTime.from_json(value.to_json()) == value
    value.problems()
    str(value)
    if value.is_fully_specified:
        value.to_datetime()


@given(st.datetimes(min_value=dt.datetime(1, 1, 1), timezones=st.timezones()))
def test_python_datetimes_convert_both_ways(when: dt.datetime) -> None:
    offset = when.utcoffset()
    if offset is not None and offset.total_seconds() % 60:
        return
    value = DateTime.from_datetime(when)
    back = value.to_datetime()
    utc = dt.UTC
    if offset is None:
        assert back.replace(microsecond=0) == when.replace(microsecond=0)
    else:  # compare instants: aware times in a repeated hour never equal other zones' times
        assert back.astimezone(utc).replace(microsecond=0) == when.astimezone(utc).replace(
            microsecond=0
        )
    assert back.microsecond == when.microsecond // 10_000 * 10_000
    assert DateTime.from_bytes(value.to_bytes()) == value


_UNSPECIFIED_HEAVY = st.lists(
    st.sampled_from([0x00, 0x01, 0x07, 0x80, 0xFE, 0xFF]), min_size=12, max_size=12
).map(bytes)


@given(st.lists(st.one_of(st.binary(min_size=12, max_size=12), _UNSPECIFIED_HEAVY)))
def test_many_from_bytes_equals_one_by_one(octets: list[bytes]) -> None:
    many = DateTime.many_from_bytes(octets)
    single = [DateTime.from_bytes(o) for o in octets]
    assert many == single
    assert [type(d.clock_status) for d in many] == [type(d.clock_status) for d in single]


def test_many_from_bytes_refuses_what_from_bytes_refuses() -> None:
    good = DateTime(2026, 3, 2, 1, 12, 15, 0, 0, 60, 0).to_bytes()
    with pytest.raises(DateTimeError, match="12 octets, not 11"):
        DateTime.many_from_bytes([good, good[:11]])
    assert DateTime.many_from_bytes([]) == []
