"""The security control byte, suites and security policies."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dlmskit.errors import LocalProtocolError
from dlmskit.security import (
    Protection,
    SecurityConfigError,
    SecurityControl,
    SecurityPolicy,
    SecurityPolicyV0,
    SecuritySuite,
)


@pytest.mark.parametrize(
    ("value", "suite", "a", "e", "bcast", "comp"),
    [
        (0x10, 0, True, False, False, False),
        (0x20, 0, False, True, False, False),
        (0x30, 0, True, True, False, False),
        (0x31, 1, True, True, False, False),
        (0x32, 2, True, True, False, False),
        (0x50, 0, True, False, True, False),  # broadcast key, suite 0 (not "suite 1")
        (0x70, 0, True, True, True, False),
        (0xB0, 0, True, True, False, True),
        (0xF2, 2, True, True, True, True),
    ],
)
def test_bits(value: int, suite: int, a: bool, e: bool, bcast: bool, comp: bool) -> None:
    sc = SecurityControl(value)
    assert (sc.suite_id, sc.authenticated, sc.encrypted, sc.broadcast, sc.compressed) == (
        suite,
        a,
        e,
        bcast,
        comp,
    )
    assert sc.suite is SecuritySuite(suite)
    again = SecurityControl.of(
        suite=suite, authenticated=a, encrypted=e, broadcast=bcast, compressed=comp
    )
    assert again == value


@given(st.integers(0, 255))
def test_every_byte_round_trips(value: int) -> None:
    sc = SecurityControl(value)
    assert int(sc) == value
    assert (
        SecurityControl.of(
            suite=sc.suite_id,
            authenticated=sc.authenticated,
            encrypted=sc.encrypted,
            broadcast=sc.broadcast,
            compressed=sc.compressed,
        )
        == value
    )
    assert f"0x{value:02x}" in repr(sc)


def test_reserved_suite_and_range() -> None:
    assert SecurityControl(0x33).suite_id == 3
    with pytest.raises(SecurityConfigError):
        _ = SecurityControl(0x33).suite
    for bad in (-1, 256, True):
        with pytest.raises(LocalProtocolError):
            SecurityControl(bad)


def test_satisfies() -> None:
    assert SecurityControl(0x30).satisfies(Protection.AUTHENTICATED)
    assert SecurityControl(0x30).satisfies(Protection.AUTHENTICATED_ENCRYPTED)
    assert not SecurityControl(0x10).satisfies(Protection.ENCRYPTED)
    assert SecurityControl(0x20).satisfies(Protection.NONE)


def test_suite_properties() -> None:
    assert [s.key_length for s in SecuritySuite] == [16, 16, 32]
    assert SecuritySuite.SUITE_1.gcm_algorithm_id.hex() == "60857405080300"
    assert SecuritySuite.SUITE_2.gcm_algorithm_id.hex() == "60857405080301"
    assert SecuritySuite.SUITE_2.wrap_algorithm_id.hex() == "60857405080303"


def test_policy_v0_to_v1() -> None:
    assert SecurityPolicy.from_v0(SecurityPolicyV0.NOTHING) == SecurityPolicy.NOTHING
    full = SecurityPolicy.from_v0(SecurityPolicyV0.AUTHENTICATED_ENCRYPTED)
    assert full.request_protection == Protection.AUTHENTICATED_ENCRYPTED
    assert full.response_protection == Protection.AUTHENTICATED_ENCRYPTED
    auth = SecurityPolicy.from_v0(1)
    assert auth.request_protection == Protection.AUTHENTICATED
    assert not auth.requests_signed


def test_policy_v1_bits() -> None:
    p = SecurityPolicy.decode(0xFC)
    assert p.requests_signed and p.responses_signed
    assert p.request_protection == Protection.AUTHENTICATED_ENCRYPTED
    assert SecurityPolicy.decode(0x24).response_protection == Protection.AUTHENTICATED
    assert SecurityPolicy.decode(0x24).request_protection == Protection.AUTHENTICATED
    for bad in (0x01, 0x02, 0x100):
        with pytest.raises(SecurityConfigError):
            SecurityPolicy.decode(bad)
