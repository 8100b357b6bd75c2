"""The model answers with the codec's result enums: one definition, from the object to the wire."""

from __future__ import annotations

import datetime as dt

from dlmskit import apdu
from dlmskit.axdr import DoubleLongUnsigned
from dlmskit.model import ActionResult, DataAccessResult
from dlmskit.model.objects import CosemObjects, Register

NOW = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)


def test_one_definition() -> None:
    assert DataAccessResult is apdu.DataAccessResult
    assert ActionResult is apdu.ActionResult


def test_results_go_on_the_wire_unchanged() -> None:
    objects = CosemObjects([Register("1-0:1.8.0", value=DoubleLongUnsigned(1))])
    refused = objects.get(3, "1-0:1.8.0", 9, now=NOW).result
    assert refused is DataAccessResult.OBJECT_UNDEFINED
    iip = apdu.InvokeIdAndPriority(1)
    wire = apdu.GetResponseNormal(iip, refused).encode()
    assert wire == bytes.fromhex("c401c10104")
    assert apdu.decode(wire).result is refused  # type: ignore[union-attr]


def test_names_and_mapping() -> None:
    assert DataAccessResult.TYPE_UNMATCHED.wire_name == "type-unmatched"
    assert ActionResult.from_access(DataAccessResult.READ_WRITE_DENIED) is (
        ActionResult.READ_WRITE_DENIED
    )
    assert ActionResult.from_access(DataAccessResult.LONG_GET_ABORTED) is ActionResult.OTHER_REASON
    assert ActionResult.from_access(DataAccessResult(7)) is ActionResult.OTHER_REASON
