"""The key material the translator deciphers with.

Keys are :class:`~dlmskit.security.Key` values (never shown in ``repr``, logs or errors);
system titles are plain bytes (they travel in clear in AARQ/AARE and general-glo-ciphering).
"""

from __future__ import annotations

from dataclasses import dataclass

from dlmskit.security import Key, SecuritySuite, SymmetricKeys
from dlmskit.security.errors import SecurityConfigError

__all__ = ["DecodeKeys"]


@dataclass(frozen=True, slots=True)
class DecodeKeys:
    """Keys for deciphering: ``unicast`` (EK, the global unicast encryption key),
    ``authentication`` (AK), ``broadcast`` (the global broadcast key), ``dedicated`` (a
    dedicated key known beforehand), ``master`` (the KEK, for wrapped keys of
    general-ciphering), and the sender's ``system_title`` for ciphered APDUs that do not
    carry it (glo-/ded- APDUs; an AARQ or AARE in the same input also tells it)."""

    unicast: Key | None = None
    authentication: Key | None = None
    broadcast: Key | None = None
    dedicated: Key | None = None
    master: Key | None = None
    system_title: bytes | None = None

    def __post_init__(self) -> None:
        if self.system_title is not None and len(self.system_title) != 8:
            raise SecurityConfigError(
                f"a system title is 8 bytes, this one has {len(self.system_title)}"
            )

    @property
    def has_block_cipher_key(self) -> bool:
        return any(k is not None for k in (self.unicast, self.broadcast, self.dedicated))

    @property
    def empty(self) -> bool:
        return not self.has_block_cipher_key and self.master is None

    def symmetric(self, suite_id: int, *, dedicated: Key | None = None) -> SymmetricKeys:
        """The keys as a :class:`SymmetricKeys` of the suite an APDU names. Keys of another
        length than the suite's raise :class:`SecurityConfigError` (saying which key)."""
        try:
            suite = SecuritySuite(suite_id)
        except ValueError:
            raise SecurityConfigError(f"security suite {suite_id} is reserved") from None
        return SymmetricKeys(
            suite=suite,
            unicast=self.unicast,
            broadcast=self.broadcast,
            authentication=self.authentication,
            dedicated=dedicated if dedicated is not None else self.dedicated,
            master=self.master,
        )
