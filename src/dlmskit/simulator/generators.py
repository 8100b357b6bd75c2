"""Value generators: simulated measurements as exact functions of time.

Every generator is immutable and answers ``value(t)`` (a float in the quantity's unit: W, Wh,
V, A, Hz, var, ...) for any instant in O(1), so a meter's registers, its load profile history
and a profile read by range all agree, a meter built now shows the history it would have
recorded, and nothing needs storing per meter but a seed.

The load curve is a residential/commercial day shape (96 quarter hours, the same table for
every meter), scaled per weekday and by the meter's own factor, with a deterministic
pseudo-random wobble per quarter hour drawn from the seed. Energy is its integral from
:data:`EPOCH`, computed in closed form (whole weeks, whole days, whole quarter hours, then
the fraction of the current one).
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import math
from dataclasses import dataclass
from typing import Final, Protocol

from dlmskit.errors import LocalProtocolError

__all__ = [
    "EPOCH",
    "Constant",
    "Energy",
    "Generator",
    "LoadCurve",
    "Power",
    "Wave",
    "make_generator",
]

#: The instant simulated energy registers start counting from.
EPOCH: Final = _dt.datetime(2020, 1, 1, tzinfo=_dt.UTC)
_SLOT: Final = 900  # seconds in a quarter hour
_DAY: Final = 86400
_WEEK: Final = 7 * _DAY

#: Relative load per quarter hour (hours 0..23, four values each) of a residential day: night
#: base, morning peak, daytime, evening peak.
_RESIDENTIAL_HOURS: Final = (
    0.35, 0.30, 0.28, 0.28, 0.30, 0.40, 0.75, 1.10, 0.95, 0.70, 0.60, 0.60,
    0.65, 0.60, 0.55, 0.60, 0.75, 1.05, 1.40, 1.55, 1.35, 1.05, 0.75, 0.50,
)  # fmt: skip
_COMMERCIAL_HOURS: Final = (
    0.30, 0.30, 0.30, 0.30, 0.30, 0.35, 0.60, 1.10, 1.45, 1.55, 1.60, 1.55,
    1.45, 1.55, 1.60, 1.55, 1.40, 1.10, 0.70, 0.45, 0.40, 0.35, 0.30, 0.30,
)  # fmt: skip
_WEEKDAY_RESIDENTIAL: Final = (0.95, 0.95, 0.95, 0.95, 1.0, 1.15, 1.15)  # Monday first
_WEEKDAY_COMMERCIAL: Final = (1.1, 1.1, 1.1, 1.1, 1.05, 0.45, 0.35)


def _shape(hours: tuple[float, ...]) -> tuple[float, ...]:
    """96 quarter-hour values, linear between the hourly points, mean 1."""
    slots = []
    for i in range(96):
        h, q = divmod(i, 4)
        a, b = hours[h], hours[(h + 1) % 24]
        slots.append(a + (b - a) * q / 4)
    mean = sum(slots) / 96
    return tuple(s / mean for s in slots)


_SHAPES: Final = {
    "residential": (_shape(_RESIDENTIAL_HOURS), _WEEKDAY_RESIDENTIAL),
    "commercial": (_shape(_COMMERCIAL_HOURS), _WEEKDAY_COMMERCIAL),
}


def _running(shape: tuple[float, ...]) -> tuple[float, ...]:
    total, out = 0.0, [0.0]
    for value in shape:
        total += value
        out.append(total)
    return tuple(out)


#: the shape's running sums: entry k is the sum of its first k quarter hours
_CUMULATIVE: Final = {name: _running(shape) for name, (shape, _) in _SHAPES.items()}


def _seconds(t: _dt.datetime) -> float:
    if t.tzinfo is None:
        raise LocalProtocolError("generators take aware datetimes")
    return (t - EPOCH).total_seconds()


def _unit_noise(seed: int, slot: int) -> float:
    """A deterministic value in [-1, 1) for (seed, slot): cheap, stable across runs."""
    x = (seed * 0x9E3779B97F4A7C15 + slot * 0xBF58476D1CE4E5B9) & 0xFFFFFFFFFFFFFFFF
    x ^= x >> 31
    x = (x * 0x94D049BB133111EB) & 0xFFFFFFFFFFFFFFFF
    x ^= x >> 29
    return (x & 0xFFFFFF) / 0x800000 - 1.0


def seed_of(*parts: object) -> int:
    """A seed from the meter's identity (serial, index, object, attribute)."""
    digest = hashlib.blake2b(repr(parts).encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big")


class Generator(Protocol):
    def value(self, t: _dt.datetime) -> float: ...


@dataclass(frozen=True, slots=True)
class LoadCurve:
    """Mean power ``mean_w`` (W) shaped by day and weekday, with a per-quarter-hour wobble of
    ``noise`` (relative) drawn from ``seed``. Power is constant within a quarter hour."""

    mean_w: float
    profile: str = "residential"
    noise: float = 0.15
    seed: int = 0

    def __post_init__(self) -> None:
        if self.profile not in _SHAPES:
            raise LocalProtocolError(f"no load profile {self.profile!r} (residential, commercial)")
        if not 0 <= self.noise <= 0.25:
            raise LocalProtocolError("noise is a fraction 0..0.25 (power stays positive)")

    def _slot_power(self, slot: int) -> float:
        shape, weekdays = _SHAPES[self.profile]
        day = slot // 96
        weekday = (day + 2) % 7  # 2020-01-01 was a Wednesday
        base = self.mean_w * shape[slot % 96] * weekdays[weekday]
        wobble = self._wobble(slot // 2)
        return base + (wobble if slot % 2 == 0 else -wobble)

    def _wobble(self, pair: int) -> float:
        """The wobble of a pair of quarter hours, +w then -w: it adds no energy over a day,
        so whole days have a closed form and energy never jumps at midnight. Scaled by the
        smaller of the pair's shaped loads, so power stays positive."""
        shape, weekdays = _SHAPES[self.profile]
        first = (2 * pair) % 96
        low = min(shape[first], shape[first + 1]) * weekdays[((2 * pair) // 96 + 2) % 7]
        return self.noise * self.mean_w * low * _unit_noise(self.seed, pair)

    def power(self, t: _dt.datetime) -> float:
        return self._slot_power(math.floor(_seconds(t) / _SLOT))

    def energy_wh(self, t: _dt.datetime) -> float:
        """Energy since :data:`EPOCH` in Wh: whole days in closed form (the shape's mean is 1
        and the wobble cancels within the day), the current day slot by slot."""
        seconds = max(0.0, _seconds(t))
        weekdays = _SHAPES[self.profile][1]
        days = int(seconds // _DAY)
        weeks = days // 7
        week_factor = sum(weekdays)
        whole = weeks * week_factor + sum(weekdays[(d + 2) % 7] for d in range(weeks * 7, days))
        energy = self.mean_w * 24.0 * whole
        # today: the shape's running sum for the whole quarter hours (their wobble cancels in
        # pairs, but for the first half of an open pair), then the open quarter hour
        first = days * 96
        slot_now = int(seconds // _SLOT)
        done = slot_now - first
        weekday = _SHAPES[self.profile][1][(days + 2) % 7]
        energy += self.mean_w * weekday * _CUMULATIVE[self.profile][done] * _SLOT / 3600.0
        if done % 2:
            energy += self._wobble((slot_now - 1) // 2) * _SLOT / 3600.0
        energy += self._slot_power(slot_now) * (seconds - slot_now * _SLOT) / 3600.0
        return energy


@dataclass(frozen=True, slots=True)
class Energy:
    """A cumulative energy register (Wh, or varh): ``fraction`` of the curve's energy plus
    ``start``."""

    curve: LoadCurve
    fraction: float = 1.0
    start: float = 0.0

    def value(self, t: _dt.datetime) -> float:
        return self.start + self.fraction * self.curve.energy_wh(t)


@dataclass(frozen=True, slots=True)
class Power:
    """Instantaneous power (W): ``fraction`` of the curve (one phase: 1/3)."""

    curve: LoadCurve
    fraction: float = 1.0

    def value(self, t: _dt.datetime) -> float:
        return self.fraction * self.curve.power(t)


@dataclass(frozen=True, slots=True)
class Wave:
    """``mean`` with a slow daily swing of ``amplitude`` and a small per-quarter-hour wobble
    (voltages, frequency, power factor, temperature)."""

    mean: float
    amplitude: float = 0.0
    noise: float = 0.0
    seed: int = 0
    phase_hours: float = 0.0

    def value(self, t: _dt.datetime) -> float:
        seconds = _seconds(t)
        angle = 2 * math.pi * ((seconds / 3600.0 - self.phase_hours) % 24) / 24
        wobble = self.noise * _unit_noise(self.seed, int(seconds // _SLOT))
        return self.mean + self.amplitude * math.sin(angle) + wobble


@dataclass(frozen=True, slots=True)
class Current:
    """Phase current (A) of a power curve at a voltage: P / (3 U cos phi)."""

    curve: LoadCurve
    voltage: Wave
    power_factor: float = 0.95
    phases: int = 3

    def value(self, t: _dt.datetime) -> float:
        return self.curve.power(t) / (self.phases * self.voltage.value(t) * self.power_factor)


@dataclass(frozen=True, slots=True)
class Constant:
    number: float

    def value(self, t: _dt.datetime) -> float:
        return self.number


def make_generator(spec: dict[str, object], *, seed: int, meter_scale: float) -> Generator:
    """A generator from its device-model description (see the simulator's model format)."""
    kind = spec.get("kind")

    def number(name: str, default: float) -> float:
        value = spec.get(name, default)
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise LocalProtocolError(f"generator {kind}: {name} must be a number")
        return float(value)

    def curve() -> LoadCurve:
        profile = spec.get("profile", "residential")
        if not isinstance(profile, str):
            raise LocalProtocolError("generator profile must be a name")
        return LoadCurve(
            number("mean_w", 450.0) * meter_scale,
            profile,
            number("noise", 0.15),
            seed_of(seed, "curve"),
        )

    if kind == "energy":
        return Energy(curve(), number("fraction", 1.0), number("start", 0.0))
    if kind == "power":
        return Power(curve(), number("fraction", 1.0))
    if kind == "wave":
        return Wave(
            number("mean", 0.0),
            number("amplitude", 0.0),
            number("noise", 0.0),
            seed,
            number("phase_hours", 0.0),
        )
    if kind == "current":
        voltage = Wave(number("voltage", 230.0), 2.0, 0.5, seed_of(seed, "voltage"))
        return Current(curve(), voltage, number("power_factor", 0.95), int(number("phases", 3)))
    if kind == "constant":
        return Constant(number("value", 0.0))
    raise LocalProtocolError(f"no generator kind {kind!r} (energy, power, wave, current, constant)")
