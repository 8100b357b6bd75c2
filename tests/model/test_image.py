"""Image transfer driven through its methods and attributes, as a client drives it."""

from __future__ import annotations

import datetime as dt
import hashlib

from dlmskit.axdr import BitString, DoubleLongUnsigned, Integer
from dlmskit.model import ActionResult
from dlmskit.model.enums import ImageTransferStatus
from dlmskit.model.objects import CosemObjects, ImageActivated, ImageTransfer

NOW = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
LN = "0-0:44.0.0"
IMAGE = bytes(range(256)) * 3 + b"tail of the image!"  # 786 octets
BLOCK = 64


def blocks() -> list[bytes]:
    return [IMAGE[i : i + BLOCK] for i in range(0, len(IMAGE), BLOCK)]


def status(objects: CosemObjects) -> ImageTransferStatus:
    return ImageTransferStatus(int(objects.get(18, LN, 6, now=NOW).value))


def test_missing_block_found_by_the_bitmap_then_completed_verified_activated() -> None:
    verified: list[bytes] = []

    def verifier(identifier: bytes, image: bytes) -> bytes | None:
        verified.append(image)
        return hashlib.sha256(image).digest()

    transfer = ImageTransfer(LN, verifier=verifier, image_block_size=DoubleLongUnsigned(BLOCK))
    objects = CosemObjects([transfer])
    chunks = blocks()
    assert len(chunks) == 13

    assert objects.action(18, LN, 1, (b"fw-2.0", DoubleLongUnsigned(len(IMAGE))), now=NOW).ok
    assert status(objects) is ImageTransferStatus.INITIATED
    assert objects.get(18, LN, 3, now=NOW).value == BitString("0" * 13)
    for number, chunk in enumerate(chunks):
        if number != 7:  # block 7 gets lost on the way
            assert objects.action(18, LN, 2, (DoubleLongUnsigned(number), chunk), now=NOW).ok

    bitmap = objects.get(18, LN, 3, now=NOW).value
    assert bitmap == BitString("1111111011111")
    assert objects.get(18, LN, 4, now=NOW).value == DoubleLongUnsigned(7)
    # verifying now fails: a block is missing
    assert objects.action(18, LN, 3, Integer(0), now=NOW).result is ActionResult.OTHER_REASON
    assert status(objects) is ImageTransferStatus.VERIFICATION_FAILED
    assert verified == []

    # the client reads the bitmap, sends what is missing, verifies and activates
    missing = [i for i, bit in enumerate(bitmap) if bit == "0"]
    for number in missing:
        assert objects.action(18, LN, 2, (DoubleLongUnsigned(number), chunks[number]), now=NOW).ok
    assert objects.get(18, LN, 4, now=NOW).value == DoubleLongUnsigned(13)
    assert objects.action(18, LN, 3, Integer(0), now=NOW).ok
    assert status(objects) is ImageTransferStatus.VERIFICATION_SUCCESSFUL
    assert verified == [IMAGE]
    info = objects.get(18, LN, 7, now=NOW).value
    assert info == [(DoubleLongUnsigned(len(IMAGE)), b"fw-2.0", hashlib.sha256(IMAGE).digest())]

    assert objects.action(18, LN, 4, Integer(0), now=NOW).ok
    assert status(objects) is ImageTransferStatus.ACTIVATION_SUCCESSFUL
    events = objects.drain_events()
    assert events == [ImageActivated(transfer.logical_name, NOW, b"fw-2.0", len(IMAGE))]


def test_blocks_out_of_range_or_of_the_wrong_size_are_refused() -> None:
    transfer = ImageTransfer(LN, image_block_size=DoubleLongUnsigned(BLOCK))
    objects = CosemObjects([transfer])
    assert (
        objects.action(18, LN, 2, (DoubleLongUnsigned(0), b"x"), now=NOW).result
        is ActionResult.OTHER_REASON
    )
    assert objects.action(18, LN, 1, (b"fw", DoubleLongUnsigned(len(IMAGE))), now=NOW).ok
    for number, chunk in ((13, b"\x00" * BLOCK), (0, b"short"), (12, IMAGE[-18:] + b"!")):
        outcome = objects.action(18, LN, 2, (DoubleLongUnsigned(number), chunk), now=NOW)
        assert outcome.result is ActionResult.OTHER_REASON, number
    assert objects.action(18, LN, 2, (DoubleLongUnsigned(12), IMAGE[-18:]), now=NOW).ok
    assert (
        objects.action(18, LN, 2, (Integer(0), b""), now=NOW).result is ActionResult.TYPE_UNMATCHED
    )


def test_initiate_refuses_a_size_beyond_the_limit_before_allocating() -> None:
    transfer = ImageTransfer(LN, max_image_size=1000)
    objects = CosemObjects([transfer])
    refused = objects.action(18, LN, 1, (b"big", DoubleLongUnsigned(0xFFFFFFFF)), now=NOW)
    assert refused.result is ActionResult.OTHER_REASON
    assert (
        objects.action(18, LN, 1, (b"none", DoubleLongUnsigned(0)), now=NOW).result
        is ActionResult.OTHER_REASON
    )
    assert status(objects) is ImageTransferStatus.NOT_INITIATED


def test_activate_verifies_first_and_a_failing_activator_is_reported() -> None:
    transfer = ImageTransfer(
        LN, activator=lambda identifier, image: False, image_block_size=DoubleLongUnsigned(BLOCK)
    )
    objects = CosemObjects([transfer])
    assert objects.action(18, LN, 1, (b"fw", DoubleLongUnsigned(len(IMAGE))), now=NOW).ok
    for number, chunk in enumerate(blocks()):
        objects.action(18, LN, 2, (DoubleLongUnsigned(number), chunk), now=NOW)
    assert objects.action(18, LN, 4, Integer(0), now=NOW).result is ActionResult.OTHER_REASON
    assert status(objects) is ImageTransferStatus.ACTIVATION_FAILED
    assert objects.drain_events() == []


def test_disabled_transfer_refuses_everything() -> None:
    transfer = ImageTransfer(LN, image_transfer_enabled=False)
    objects = CosemObjects([transfer])
    assert (
        objects.action(18, LN, 1, (b"fw", DoubleLongUnsigned(10)), now=NOW).result
        is ActionResult.OTHER_REASON
    )
