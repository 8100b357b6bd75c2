"""The examples in the APDU package's documentation run."""

from __future__ import annotations

import doctest

import dlmskit.apdu


def test_package_doctest() -> None:
    result = doctest.testmod(dlmskit.apdu, raise_on_error=False, verbose=False)
    assert result.attempted >= 5
    assert result.failed == 0
