"""The examples in the association package's documentation run."""

from __future__ import annotations

import doctest

import pytest

import dlmskit.association.quirks
import dlmskit.association.server


@pytest.mark.parametrize("module", [dlmskit.association.server, dlmskit.association.quirks])
def test_module_doctest(module: object) -> None:
    result = doctest.testmod(module, raise_on_error=False, verbose=False)  # type: ignore[arg-type]
    assert result.attempted >= 1
    assert result.failed == 0
