"""Invocation counters: never reused, even when the sender is killed between uses."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from dlmskit.security import (
    CounterExhaustedError,
    CounterStoreError,
    FileCounterStore,
    InvocationCounter,
    MemoryCounterStore,
    ReplayError,
    ReplayGuard,
    SecurityConfigError,
)

CHILD = """
import sys
from dlmskit.security import FileCounterStore, InvocationCounter
counter = InvocationCounter(FileCounterStore(sys.argv[1]), reserve=int(sys.argv[2]))
out = sys.stdout
while True:
    ic = counter.next()        # durably recorded as used ...
    out.write(f"{ic}\\n")      # ... before the "APDU" carrying it leaves
    out.flush()
"""


def _run_and_kill(path: Path, reserve: int, lines_before_kill: int) -> list[int]:
    with subprocess.Popen(
        [sys.executable, "-c", CHILD, str(path), str(reserve)],
        stdout=subprocess.PIPE,
        text=True,
    ) as proc:
        assert proc.stdout is not None
        sent = []
        for _ in range(lines_before_kill):
            line = proc.stdout.readline()
            assert line, "the sender died on its own"
            sent.append(int(line))
        os.kill(proc.pid, signal.SIGKILL)  # mid-loop: between, or inside, counter uses
        sent += [int(line) for line in proc.stdout.read().split()]
    assert proc.returncode == -signal.SIGKILL
    return sent


@pytest.mark.parametrize("reserve", [1, 16])
def test_killed_sender_never_reuses_a_counter(tmp_path: Path, reserve: int) -> None:
    path = tmp_path / "ic"
    rng = random.Random(reserve)
    used: list[int] = []
    for _ in range(6):
        run = _run_and_kill(path, reserve, rng.randint(5, 120))
        assert run == sorted(run) and len(set(run)) == len(run)
        if used:
            assert run[0] > used[-1], "a restarted sender went back"
            assert run[0] - used[-1] <= reserve + 1 + 2 * reserve  # gaps are bounded
        used += run
        assert FileCounterStore(path).load() is not None  # never left torn
    assert len(used) == len(set(used)), "an invocation counter value was used twice"


def test_counter_semantics() -> None:
    store = MemoryCounterStore()
    c = InvocationCounter(store)
    assert [c.next() for _ in range(3)] == [0, 1, 2]
    assert store.value == 3  # the ceiling: everything below it may have been used
    again = InvocationCounter(store)
    assert again.next() == 3
    reserved = InvocationCounter(MemoryCounterStore(), reserve=100)
    assert reserved.next() == 0 and reserved.next() == 1
    assert reserved._store.load() == 100  # type: ignore[attr-defined]
    assert InvocationCounter(reserved._store).next() == 100  # type: ignore[attr-defined]
    with pytest.raises(SecurityConfigError):
        InvocationCounter(reserve=0)


def test_counter_exhaustion() -> None:
    c = InvocationCounter(start=0xFFFFFFFE)
    assert c.next() == 0xFFFFFFFE
    with pytest.raises(CounterExhaustedError):
        c.next()
    with pytest.raises(CounterExhaustedError):
        c.next()
    c.reset_for_new_key()
    assert c.next() == 0


def test_file_store(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "counter"
    with pytest.raises(CounterStoreError):  # folder missing: fail, do not pretend
        FileCounterStore(path).save(1)
    path.parent.mkdir()
    store = FileCounterStore(path)
    assert store.load() is None
    store.save(12345)
    assert store.load() == 12345
    assert not [p for p in path.parent.iterdir() if p.name != "counter"]  # no temp left
    c = InvocationCounter(store, reserve=10)
    assert c.next() == 12345 and store.load() == 12355


@pytest.mark.parametrize(
    "content",
    [
        "",
        "garbage",
        "dlmskit-invocation-counter 1\n12\n00000000\n",  # bad CRC
        "dlmskit-invocation-counter 1\nx\n0\n",
        "dlmskit-invocation-counter 2\n12\n12345678\n",
    ],
)
def test_damaged_file_fails_closed(tmp_path: Path, content: str) -> None:
    path = tmp_path / "ic"
    path.write_text(content)
    with pytest.raises(CounterStoreError):
        InvocationCounter(FileCounterStore(path))


def test_replay_guard() -> None:
    g = ReplayGuard()
    g.check(0)  # 0 is a valid first counter
    g.accept(0)
    with pytest.raises(ReplayError):
        g.accept(0)
    g.accept(5)  # gaps are allowed
    for old in (0, 4, 5):
        with pytest.raises(ReplayError):
            g.check(old)
    with pytest.raises(ReplayError) as info:
        g.check(0xFFFFFFFF)  # the maximum is never accepted
    assert "maximum" in str(info.value)
    g.reset_for_new_key()
    g.accept(0)


def test_replay_guard_persists(tmp_path: Path) -> None:
    store = FileCounterStore(tmp_path / "rx")
    ReplayGuard(store).accept(77)
    with pytest.raises(ReplayError):
        ReplayGuard(store).check(77)
    ReplayGuard(store).check(78)


def test_advance_to_only_moves_forward_and_is_durable(tmp_path):
    from dlmskit.security import FileCounterStore, InvocationCounter

    store = FileCounterStore(tmp_path / "ic")
    counter = InvocationCounter(store)
    assert counter.next() == 0
    assert counter.advance_to(100) is True
    assert counter.next() == 100
    assert counter.advance_to(50) is False  # never backwards
    assert counter.next() == 101
    # a restart continues above what was handed out
    assert InvocationCounter(FileCounterStore(tmp_path / "ic")).next() >= 102
