"""Access to the shared test vectors (``../shared/vectors`` beside the repository).

The vectors are real meter traffic and normative examples kept outside the repository. CI
always has them; in a clone without them, every test that needs them is skipped with a
clear reason instead of failing. ``DLMSKIT_VECTORS`` may point at another folder.
"""

from __future__ import annotations

import json
import os
from functools import cache
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parent.parent
VECTORS_DIR = Path(os.environ.get("DLMSKIT_VECTORS", REPO.parent / "shared" / "vectors"))
SKIP_REASON = (
    f"shared test vectors not found at {VECTORS_DIR} "
    "(set DLMSKIT_VECTORS to the folder holding normative.json and realworld.json)"
)


@cache
def load(name: str) -> list[dict[str, Any]] | None:
    """The entries of ``<name>.json`` (``normative`` or ``realworld``), or None if absent."""
    path = VECTORS_DIR / f"{name}.json"
    if not path.is_file():
        return None
    entries: list[dict[str, Any]] = json.loads(path.read_text())
    return entries


def entries(name: str, *layers: str) -> list[dict[str, Any]]:
    """Entries of one file, optionally only of the given layers; skips the test if absent."""
    found = load(name)
    if found is None:
        pytest.skip(SKIP_REASON)
    return [e for e in found if not layers or e["layer"] in layers]


def by_id(name: str, vector_id: str) -> dict[str, Any]:
    """One entry by its id; skips the test if the vectors are absent."""
    for entry in entries(name):
        if entry["id"] == vector_id:
            return entry
    raise KeyError(f"no vector {vector_id!r} in {name}.json")


def params(name: str, *layers: str) -> list[Any]:
    """``pytest.param`` per entry (id = the vector's id) for parametrize; one skipped param
    with the reason when the vectors are absent."""
    found = load(name)
    if found is None:
        return [pytest.param(None, id="vectors-absent", marks=pytest.mark.skip(reason=SKIP_REASON))]
    return [pytest.param(e, id=e["id"]) for e in found if not layers or e["layer"] in layers]
