"""Image transfer (class_id 18): firmware images in blocks, verified and activated.

The process of the Blue Book: image_transfer_initiate(identifier, size) starts a transfer
(status initiated, all bits of image_transferred_blocks_status clear); each
image_block_transfer(number, value) stores a block and sets its bit;
image_first_not_transferred_block_number names the first gap, so a client finds the blocks
it must send again. image_verify checks that every block is there and runs the verifier;
image_activate (after a successful verification; it verifies first when that has not been
done) runs the activator and emits :class:`ImageActivated`.

Checking a signature and really switching firmware are not this object's: ``verifier``
and ``activator`` are callables the device model injects (defaults: accept).
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from dlmskit.axdr import BitString, DoubleLongUnsigned, Enum
from dlmskit.model.enums import ImageTransferStatus
from dlmskit.model.objects.base import CosemObject, ObjectEvent, Refused
from dlmskit.model.results import ActionResult

__all__ = ["ImageActivated", "ImageTransfer"]

#: ``(identifier, image) -> signature or None`` (None: verification failed).
Verifier = Callable[[bytes, bytes], bytes | None]
#: ``(identifier, image) -> success``.
Activator = Callable[[bytes, bytes], bool]


@dataclass(frozen=True, slots=True)
class ImageActivated(ObjectEvent):
    identifier: bytes
    size: int


def _accept(identifier: bytes, image: bytes) -> bytes:
    return b""


def _activate(identifier: bytes, image: bytes) -> bool:
    return True


class ImageTransfer(CosemObject):
    """``max_image_size`` bounds what an initiate may announce (nothing larger is kept)."""

    CLASS_ID = 18
    READ_ONLY = frozenset({3, 4, 6, 7})

    def __init__(
        self,
        logical_name: Any = "0-0:44.0.0*255",
        *,
        verifier: Verifier = _accept,
        activator: Activator = _activate,
        max_image_size: int = 16 * 1024 * 1024,
        **values: Any,
    ) -> None:
        self.verifier = verifier
        self.activator = activator
        self.max_image_size = max_image_size
        self._blocks: dict[int, bytes] = {}
        self._identifier = b""
        self._size = 0
        super().__init__(logical_name, **values)

    def _init_defaults(self) -> None:
        self._values[2] = DoubleLongUnsigned(200)
        self._values[5] = True

    @property
    def block_size(self) -> int:
        return int(self._values[2])

    @property
    def status(self) -> ImageTransferStatus:
        return ImageTransferStatus(int(self._values[6]))

    @property
    def block_count(self) -> int:
        size = self.block_size
        return (self._size + size - 1) // size if size else 0

    def _set_status(self, status: ImageTransferStatus) -> None:
        self._values[6] = Enum(status)

    def _update_bitmap(self) -> None:
        count = self.block_count
        self._values[3] = BitString(
            "".join("1" if i in self._blocks else "0" for i in range(count))
        )
        first = next((i for i in range(count) if i not in self._blocks), count)
        self._values[4] = DoubleLongUnsigned(first)

    def missing_blocks(self) -> list[int]:
        return [i for i in range(self.block_count) if i not in self._blocks]

    def _require_enabled(self) -> None:
        if not self._values[5]:
            raise Refused(ActionResult.OTHER_REASON, "image transfer is not enabled")

    def _method_1(self, parameter: Any, now: _dt.datetime) -> Any:
        """image_transfer_initiate(image_identifier, image_size)."""
        self._require_enabled()
        identifier, size = parameter
        size = int(size)
        if not 0 < size <= self.max_image_size or not self.block_size:
            raise Refused(ActionResult.OTHER_REASON, f"an image of {size} octets is not accepted")
        self._identifier = bytes(identifier)
        self._size = size
        self._blocks = {}
        self._values[7] = []
        self._set_status(ImageTransferStatus.INITIATED)
        self._update_bitmap()
        return None

    def _method_2(self, parameter: Any, now: _dt.datetime) -> Any:
        """image_block_transfer(image_block_number, image_block_value)."""
        self._require_enabled()
        if self.status not in (
            ImageTransferStatus.INITIATED,
            ImageTransferStatus.VERIFICATION_FAILED,
        ):
            raise Refused(ActionResult.OTHER_REASON, "no transfer initiated")
        number, value = int(parameter[0]), bytes(parameter[1])
        count = self.block_count
        if number >= count:
            raise Refused(ActionResult.OTHER_REASON, f"block {number} of {count}")
        expected = self.block_size if number < count - 1 else self._size - number * self.block_size
        if len(value) != expected:
            raise Refused(ActionResult.OTHER_REASON, f"block {number} must be {expected} octets")
        self._blocks[number] = value
        self._set_status(ImageTransferStatus.INITIATED)
        self._update_bitmap()
        return None

    def _verify(self) -> bool:
        if self.missing_blocks() or not self._size:
            self._set_status(ImageTransferStatus.VERIFICATION_FAILED)
            return False
        self._set_status(ImageTransferStatus.VERIFICATION_INITIATED)
        image = b"".join(self._blocks[i] for i in range(self.block_count))
        signature = self.verifier(self._identifier, image)
        if signature is None:
            self._set_status(ImageTransferStatus.VERIFICATION_FAILED)
            return False
        self._values[7] = [(DoubleLongUnsigned(self._size), self._identifier, bytes(signature))]
        self._set_status(ImageTransferStatus.VERIFICATION_SUCCESSFUL)
        return True

    def _method_3(self, parameter: Any, now: _dt.datetime) -> Any:
        """image_verify."""
        self._require_enabled()
        if self.status is ImageTransferStatus.NOT_INITIATED:
            raise Refused(ActionResult.OTHER_REASON, "no image")
        if not self._verify():
            raise Refused(ActionResult.OTHER_REASON, "verification failed")
        return None

    def _method_4(self, parameter: Any, now: _dt.datetime) -> Any:
        """image_activate."""
        self._require_enabled()
        if self.status is not ImageTransferStatus.VERIFICATION_SUCCESSFUL and not self._verify():
            raise Refused(ActionResult.OTHER_REASON, "the image is not verified")
        self._set_status(ImageTransferStatus.ACTIVATION_INITIATED)
        image = b"".join(self._blocks[i] for i in range(self.block_count))
        if not self.activator(self._identifier, image):
            self._set_status(ImageTransferStatus.ACTIVATION_FAILED)
            raise Refused(ActionResult.OTHER_REASON, "activation failed")
        self._set_status(ImageTransferStatus.ACTIVATION_SUCCESSFUL)
        self.emit(ImageActivated(self.logical_name, now, self._identifier, self._size))
        return None
