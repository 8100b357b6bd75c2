"""The simulator: value generators, model files, the reference meter, the pool and its state
directory."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from dlmskit.axdr import DoubleLongUnsigned, Integer, Long
from dlmskit.model.objects import ProfileGeneric
from dlmskit.simulator import (
    MeterPool,
    ModelError,
    SimulatedClock,
    build_meter,
    load_model,
    parse_model,
)
from dlmskit.simulator.generators import EPOCH, Energy, LoadCurve, Wave, make_generator

UTC = dt.UTC
NOW = dt.datetime(2024, 5, 1, 12, 7, 30, tzinfo=UTC)


# -- generators ---------------------------------------------------------------------------------


def _brute_energy(curve: LoadCurve, t: dt.datetime) -> float:
    """Energy summed quarter hour by quarter hour from the start of the previous day."""
    day = dt.datetime(t.year, t.month, t.day, tzinfo=UTC) - dt.timedelta(days=1)
    energy = curve.energy_wh(day)
    moment = day
    step = dt.timedelta(minutes=15)
    while moment + step <= t:
        energy += curve.power(moment) / 4
        moment += step
    return energy + curve.power(moment) * (t - moment).total_seconds() / 3600


@settings(max_examples=60, deadline=None)
@given(
    seconds=st.integers(0, 6 * 365 * 86400),
    mean=st.floats(10, 20_000),
    seed=st.integers(0, 2**63),
    profile=st.sampled_from(["residential", "commercial"]),
)
def test_energy_is_the_integral_of_power(
    seconds: int, mean: float, seed: int, profile: str
) -> None:
    curve = LoadCurve(mean, profile, 0.2, seed)
    t = EPOCH + dt.timedelta(days=1, seconds=seconds)
    assert curve.energy_wh(t) == pytest.approx(_brute_energy(curve, t), rel=1e-9, abs=1e-6)
    assert curve.power(t) > 0
    later = t + dt.timedelta(seconds=1)
    assert curve.energy_wh(later) >= curve.energy_wh(t)


def test_energy_is_continuous_at_midnight_and_rises_about_the_mean() -> None:
    curve = LoadCurve(450, seed=7)
    midnight = dt.datetime(2024, 3, 11, tzinfo=UTC)
    before = curve.energy_wh(midnight - dt.timedelta(microseconds=1))
    assert curve.energy_wh(midnight) == pytest.approx(before, abs=1e-3)
    week = curve.energy_wh(midnight + dt.timedelta(days=7)) - curve.energy_wh(midnight)
    assert week == pytest.approx(450 * 24 * 7, rel=0.1)


def test_waves_and_generator_errors() -> None:
    wave = Wave(230, 2.5, 0.6, seed=3)
    values = [wave.value(NOW + dt.timedelta(minutes=15 * i)) for i in range(96)]
    assert 226 < min(values) < max(values) < 234
    energy = make_generator({"kind": "energy", "mean_w": 100}, seed=1, meter_scale=2.0)
    assert isinstance(energy, Energy) and energy.curve.mean_w == 200
    with pytest.raises(ValueError, match="no generator kind"):
        make_generator({"kind": "solar"}, seed=1, meter_scale=1)
    with pytest.raises(ValueError, match="must be a number"):
        make_generator({"kind": "wave", "mean": "high"}, seed=1, meter_scale=1)
    with pytest.raises(ValueError, match="noise"):
        LoadCurve(1, noise=0.9)


# -- the reference meter -------------------------------------------------------------------


def test_reference_meter_is_a_realistic_three_phase_meter() -> None:
    spec = load_model()
    meter = build_meter(spec, 0, now=NOW)
    objects = meter.logical_devices[1].objects
    assert len(objects) >= 40
    assert len({o.class_id for o in objects}) >= 20
    device = meter.logical_devices[1]
    assert sorted(device.associations) == [1, 16, 32, 102]
    names = {str(o.logical_name) for o in objects}
    for phase in (32, 52, 72, 31, 51, 71):  # voltages and currents of L1, L2, L3
        assert f"1-0:{phase}.7.0*255" in names
    # every attribute of every object can be read through the model (secrets excepted)
    for obj in objects:
        for attribute in obj.definition.attributes:
            result = obj.get(attribute.index, now=NOW)
            assert result.ok or attribute.name == "secret", (obj, attribute.name)


def test_meters_are_deterministic_and_distinct() -> None:
    spec = load_model()
    first = build_meter(spec, 3, now=NOW).logical_devices[1].objects
    again = build_meter(spec, 3, now=NOW).logical_devices[1].objects
    other = build_meter(spec, 4, now=NOW).logical_devices[1].objects
    for ln, index in (("1-0:1.8.0", 2), ("1-0:32.7.0", 2), ("0-0:96.1.0", 2)):
        assert first[ln].get(index, now=NOW).value == again[ln].get(index, now=NOW).value
    assert str(first["0-0:96.1.0"].value(2)) == "DLK00000003"
    assert first["1-0:1.8.0"].get(2, now=NOW).value != other["1-0:1.8.0"].get(2, now=NOW).value


def test_load_profile_history_and_captures_agree_with_the_registers() -> None:
    objects = build_meter(load_model(), 0, now=NOW).logical_devices[1].objects
    profile = objects["1-0:99.1.0"]
    assert isinstance(profile, ProfileGeneric)
    rows = profile.get(2, now=NOW).value
    assert len(rows) == 960
    last = rows[-1]
    from dlmskit.cosem import DateTime

    stamp = DateTime.from_bytes(last[0]).to_datetime()
    assert stamp.minute % 15 == 0 and stamp <= NOW < stamp + dt.timedelta(minutes=15)
    boundary = stamp.astimezone(UTC)
    assert last[2] == objects["1-0:1.8.0"].get(2, now=boundary).value  # energy at capture time
    energies = [int(r[2]) for r in rows]
    assert energies == sorted(energies)
    events = objects.get(7, "0-0:99.98.0", 2, now=NOW).value
    assert 5 <= len(events) <= 100 and {int(e[1]) for e in events} <= {1, 2}
    daily = objects.get(7, "0-0:98.1.0", 2, now=NOW).value
    assert len(daily) == 31


def test_reset_register_keeps_rising_from_zero() -> None:
    objects = build_meter(load_model(), 0, now=NOW).logical_devices[1].objects
    assert objects.action(3, "1-0:1.8.1", 1, Integer(0), now=NOW).ok
    assert objects.get(3, "1-0:1.8.1", 2, now=NOW).value == DoubleLongUnsigned(0)
    later = objects.get(3, "1-0:1.8.1", 2, now=NOW + dt.timedelta(hours=1)).value
    assert 50 < int(later) < 5000


# -- model files -----------------------------------------------------------------------------


TINY = """
meter: {name: tiny, serial: "T{index:03d}", system_title: "5449{index:012X}"}
logical_devices:
  - sap: 1
    associations: [{client: 16, object: "0-0:40.0.0"}]
    objects:
      - class: register
        ln: "1-0:1.8.0"
        values: {value: {double-long-unsigned: 5}, scaler_unit: [0, Wh]}
"""


def _tiny(**change: Any) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(TINY)
    for path, value in change.items():
        target: Any = data
        keys = path.split(".")
        for key in keys[:-1]:
            target = target[int(key)] if key.isdigit() else target[key]
        last = keys[-1]
        if value is None:
            del target[last]
        else:
            target[last] = value
    return data


def test_a_tiny_model_and_class_names() -> None:
    spec = parse_model(_tiny())
    meter = build_meter(spec, 12, now=NOW)
    register = meter.logical_devices[1].objects["1-0:1.8.0"]
    assert register.class_id == 3 and register.value(2) == DoubleLongUnsigned(5)
    assert spec.identity(12) == ("T012", bytes.fromhex("54490000000000" + "0C"))


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"logical_devices": []}, "at least one logical device"),
        ({"logical_devices.0.sap": 0}, "SAP is 1..16383"),
        ({"logical_devices.0.objects.0.class": 9999}, "no interface class"),
        ({"logical_devices.0.objects.0.class": "toaster"}, "no interface class named"),
        ({"logical_devices.0.objects.0.ln": "1-0:1.8"}, "logical_devices[0].objects[0].ln"),
        ({"logical_devices.0.objects.0.values": {"colour": 1}}, "no attribute 'colour'"),
        ({"logical_devices.0.associations": []}, "at least one association"),
        ({"logical_devices.0.associations.0.mechanism": "lls"}, "LLS needs a password"),
        ({"logical_devices.0.associations.0.mechanism": "magic"}, "no mechanism"),
        ({"logical_devices.0.associations.0.mechanism": "hls-gmac"}, "security section"),
        ({"logical_devices.0.associations.0.access": "some"}, "access is"),
        ({"meter.quirks": ["nope"]}, "no such quirk"),
        ({"meter.system_title": "12"}, "8 octets"),
        ({"meter.load_scale": [0, 1]}, "load_scale"),
        ({"logical_devices.0.objects.0.generate": {"value": {"kind": "x"}}}, "generator kind"),
    ],
)
def test_model_errors_say_where(change: dict[str, Any], message: str) -> None:
    with pytest.raises(ModelError) as raised:
        spec = parse_model(_tiny(**change))
        build_meter(spec, 0, now=NOW)
    assert message in str(raised.value)


def test_bad_values_are_refused_when_building() -> None:
    data = _tiny(**{"logical_devices.0.objects.0.values": {"value": {"visible-string": "x"}}})
    data["logical_devices"][0]["objects"][0]["class"] = 3
    data["logical_devices"][0]["objects"][0]["values"]["scaler_unit"] = [0, "parsecs"]
    with pytest.raises(ModelError, match="no unit"):
        build_meter(parse_model(data), 0, now=NOW)


def test_load_model_file_errors(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="cannot read"):
        load_model(str(tmp_path / "missing.yaml"))
    bad = tmp_path / "bad.yaml"
    bad.write_text("meter: [unclosed")
    with pytest.raises(ModelError, match="no YAML"):
        load_model(str(bad))


# -- the pool and its state ------------------------------------------------------------------


def test_pool_builds_on_first_use_and_evicts_the_least_recently_used() -> None:
    pool = MeterPool(parse_model(_tiny()), 10_000, clock=lambda: NOW, max_resident=3)
    assert pool.resident == 0 and len(pool) == 10_000
    found = pool.by_wport(1 + 42)
    assert found is not None and found[1] == 1
    assert pool.by_wport(0) is None and pool.by_wport(1 + 10_000) is None
    meters = [pool.meter(i) for i in range(5)]
    assert pool.resident == 3
    assert pool.by_hdlc(0x10 + 4) is meters[4]
    assert pool.hdlc_address(meters[4]) == 0x14
    view = pool.view(2)
    assert view.by_wport(1) is not None and view.by_wport(2) is None


def test_a_rebuilt_meter_continues_from_its_state(tmp_path: Path) -> None:
    spec = load_model()
    pool = MeterPool(spec, 2, clock=lambda: NOW, state_dir=tmp_path, max_resident=1)
    meter = pool.meter(1)
    objects = meter.logical_devices[1].objects
    assert objects.set(8, "0-0:1.0.0", 3, Long(120), now=NOW).name == "SUCCESS"
    assert objects.action(3, "1-0:1.8.2", 1, Integer(0), now=NOW).ok
    objects["0-0:40.0.3"]._store_secret(b"new-hls-secret!!")  # as change_HLS_secret does
    counter = meter.logical_devices[1].counter(1)
    assert counter is not None
    used = [counter.next() for _ in range(3)]
    guard = meter.logical_devices[1].replay_guard(1)
    guard.accept(41)
    pool.acquire(meter)
    pool.release(meter)  # saved
    pool.meter(0)  # evicts meter 1
    assert pool.resident == 1
    again = pool.meter(1).logical_devices[1]
    assert again is not meter.logical_devices[1]
    assert int(again.objects["0-0:1.0.0"].value(3)) == 120
    assert int(again.objects.get(3, "1-0:1.8.2", 2, now=NOW).value) == 0
    assert again.objects["0-0:40.0.3"].secret == b"new-hls-secret!!"
    new_counter = again.counter(1)
    assert new_counter is not None and new_counter.next() > max(used)
    assert again.replay_guard(1).lowest_acceptable == 42


def test_simulated_clock() -> None:
    start = dt.datetime(2030, 1, 1, tzinfo=UTC)
    fast = SimulatedClock(start, speed=3600)
    first = fast()
    assert first >= start
    real = SimulatedClock()
    assert abs((real() - dt.datetime.now(UTC)).total_seconds()) < 5
    with pytest.raises(ValueError, match="aware"):
        SimulatedClock(dt.datetime(2030, 1, 1))
    with pytest.raises(ValueError, match="positive"):
        SimulatedClock(start, speed=0)


def test_python_m_dlmskit_simulator() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "dlmskit.simulator", "--list-quirks"],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    ).stdout
    assert "access_rights_ignored" in out.split()
    done = subprocess.run(
        [sys.executable, "-m", "dlmskit.simulator", "--model", "/nonexistent.yaml"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 1 and "cannot read" in done.stderr
