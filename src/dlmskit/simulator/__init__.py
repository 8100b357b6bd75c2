"""Simulated meters: the meter server with a device model loaded.

* :mod:`~dlmskit.simulator.model` -- device model files (YAML): :func:`load_model`,
  :func:`build_meter`; ``reference.yaml`` is the built-in three-phase reference meter;
* :mod:`~dlmskit.simulator.generators` -- values as exact functions of time (energy along a
  load curve, instantaneous values);
* :mod:`~dlmskit.simulator.pool` -- many meters in one process, built on first use,
  persisted in a state directory (:class:`MeterPool`, :class:`SimulatedClock`);
* :mod:`~dlmskit.simulator.runner` -- :func:`simulate` (what ``python -m dlmskit.simulator``
  runs).
"""

from dlmskit.simulator.model import ModelError, ModelSpec, build_meter, load_model, parse_model
from dlmskit.simulator.pool import MeterPool, MeterView, SimulatedClock
from dlmskit.simulator.runner import Simulation, SimulationOptions, simulate, start

__all__ = [
    "MeterPool",
    "MeterView",
    "ModelError",
    "ModelSpec",
    "SimulatedClock",
    "Simulation",
    "SimulationOptions",
    "build_meter",
    "load_model",
    "parse_model",
    "simulate",
    "start",
]
