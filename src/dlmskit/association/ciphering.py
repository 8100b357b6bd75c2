"""The ciphering of one association, shared by the client and the meter side.

An association with a ciphered application context protects its xDLMS APDUs with the keys of
its security context (IEC 62056-5-3, 5.6): the sender applies the protection its
security policy asks for (or more), takes a fresh invocation counter that is stored durably
*before* the APDU leaves, and the receiver checks the protection against the policy, the
invocation counter against the last one it accepted, and the tag with the peer's system
title.

:class:`SecurityContext` is the static configuration of one party; :class:`Ciphering` is its
run-time state within one association (the peer's system title, learned from the AARQ or
AARE; the dedicated key, if the client proposed one; the counters).

>>> from dlmskit.security import SymmetricKeys, SecurityPolicy
>>> keys = SymmetricKeys(unicast=bytes(range(16)), authentication=bytes(range(16, 32)))
>>> context = SecurityContext(
...     keys=keys, system_title=b"MMM\\x00\\x00\\xbc\\x61\\x4e",
...     policy=SecurityPolicy.from_v0(3))
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Final

from dlmskit.security import (
    Deciphered,
    InvocationCounter,
    Key,
    MemoryCounterStore,
    Protection,
    ReplayGuard,
    SecurityConfigError,
    SecurityControl,
    SecurityPolicy,
    SymmetricKeys,
    decrypt,
    ded_tag,
    encrypt,
    glo_tag,
    is_ciphered_tag,
)
from dlmskit.security.envelope import (
    DEDICATED_TAGS,
    GENERAL_DED_CIPHERING,
    GENERAL_GLO_CIPHERING,
)

__all__ = ["Ciphering", "SecurityContext"]

_log = logging.getLogger("dlmskit.association")

SYSTEM_TITLE_LENGTH: Final = 8
_DEDICATED_TAGS: Final = frozenset(DEDICATED_TAGS.values())


@dataclass(frozen=True, slots=True)
class SecurityContext:
    """One party's security configuration for an association.

    * ``keys``: the global keys (GUEK, GBEK, GAK, KEK) of the security suite;
    * ``system_title``: this party's 8-octet system title;
    * ``policy``: the security policy (Security setup version 1 flags; version 0 values
      convert with :meth:`SecurityPolicy.from_v0`): the protection requests and responses
      must at least carry;
    * ``protection``: what this party applies to what it *sends* -- None: exactly what the
      policy asks of its direction (requests for a client, responses for a meter);
    * ``general_ciphering``: send general-glo/general-ded-ciphering (0xDB/0xDC, carrying the
      system title) instead of the service-specific glo-/ded- APDUs.
    """

    keys: SymmetricKeys
    system_title: bytes
    policy: SecurityPolicy = SecurityPolicy.NOTHING
    protection: Protection | None = None
    general_ciphering: bool = False

    def __post_init__(self) -> None:
        if not isinstance(self.keys, SymmetricKeys):
            raise SecurityConfigError("keys must be a dlmskit.security.SymmetricKeys")
        if not isinstance(self.system_title, bytes) or len(self.system_title) != 8:
            raise SecurityConfigError("a system title is 8 octets")
        object.__setattr__(self, "policy", SecurityPolicy(self.policy))
        if self.protection is not None:
            object.__setattr__(self, "protection", Protection(self.protection))

    def sending_protection(self, *, client: bool) -> Protection:
        if self.protection is not None:
            return self.protection
        return self.policy.request_protection if client else self.policy.response_protection

    def required_protection(self, *, client: bool) -> Protection:
        """What the APDUs this party *receives* must carry."""
        return self.policy.response_protection if client else self.policy.request_protection


class Ciphering:
    """The ciphering state of one association, for one party.

    ``client`` says which side this is (a client sends requests, a meter responses).
    ``counter`` is this party's sending invocation counter for its key (share one per key
    and device; give it a durable store). ``replay`` guards the peer's counter.
    """

    def __init__(
        self,
        context: SecurityContext,
        *,
        client: bool,
        counter: InvocationCounter | None = None,
        replay: ReplayGuard | None = None,
        peer_system_title: bytes | None = None,
    ) -> None:
        self.context = context
        self.client = client
        self.counter = counter if counter is not None else InvocationCounter(MemoryCounterStore())
        self.replay = replay if replay is not None else ReplayGuard()
        self._dedicated_replay = ReplayGuard()
        self._dedicated_counter = InvocationCounter(MemoryCounterStore())
        self.peer_system_title = peer_system_title
        self._dedicated: Key | None = None

    def __repr__(self) -> str:
        side = "client" if self.client else "server"
        return (
            f"Ciphering({side}, suite {int(self.context.keys.suite)}, "
            f"policy {self.context.policy!r}, dedicated key: {self._dedicated is not None})"
        )

    # -- association set-up --------------------------------------------------------------

    def set_peer_system_title(self, system_title: bytes) -> None:
        if len(system_title) != SYSTEM_TITLE_LENGTH:
            raise SecurityConfigError(
                f"a system title is 8 octets, the peer sent {len(system_title)}"
            )
        self.peer_system_title = system_title

    def set_dedicated_key(self, key: bytes | Key | None) -> None:
        """The dedicated key the client proposed in its InitiateRequest (None: none). A new
        dedicated key starts its counters at 0 (IEC 62056-5-3)."""
        if key is None:
            self._dedicated = None
            return
        key = key if isinstance(key, Key) else Key(key)
        if len(key) != self.context.keys.suite.key_length:
            raise SecurityConfigError(
                f"a dedicated key of suite {int(self.context.keys.suite)} has "
                f"{self.context.keys.suite.key_length} octets, not {len(key)}"
            )
        self._dedicated = key
        self._dedicated_replay = ReplayGuard()
        self._dedicated_counter = InvocationCounter(MemoryCounterStore())

    @property
    def dedicated_key(self) -> Key | None:
        return self._dedicated

    @property
    def keys(self) -> SymmetricKeys:
        return self.context.keys.with_dedicated(self._dedicated)

    # -- protect / unprotect -------------------------------------------------------------

    def security_control(self, protection: Protection | None = None) -> SecurityControl:
        applied = (
            self.context.sending_protection(client=self.client)
            if protection is None
            else protection
        )
        return SecurityControl.of(
            suite=int(self.context.keys.suite),
            authenticated=bool(applied & Protection.AUTHENTICATED),
            encrypted=bool(applied & Protection.ENCRYPTED),
        )

    def protect(
        self,
        plain: bytes,
        *,
        dedicated: bool | None = None,
        protection: Protection | None = None,
        general: bool | None = None,
    ) -> bytes:
        """Protect one plain xDLMS APDU; the invocation counter is taken (and stored) first.

        ``dedicated`` None: use the dedicated key when there is one. ``general`` None: what
        the context says (``general_ciphering``); True/False asks for general-glo/ded-ciphering
        or the service-specific APDU for this one APDU (a meter answers in the form it was
        asked in; APDUs without a service-specific form -- exception-response,
        access-response, data-notification -- need general ciphering). A plain APDU whose
        tag has no ciphered form (AARQ, RLRQ, ...) is an error: those carry ciphered parts
        instead.
        """
        use_dedicated = (self._dedicated is not None) if dedicated is None else dedicated
        if use_dedicated and self._dedicated is None:
            raise SecurityConfigError("no dedicated key was agreed in this association")
        if self.context.general_ciphering if general is None else general:
            tag = GENERAL_DED_CIPHERING if use_dedicated else GENERAL_GLO_CIPHERING
        else:
            tag = ded_tag(plain[0]) if use_dedicated else glo_tag(plain[0])
        counter = self._dedicated_counter if use_dedicated else self.counter
        return encrypt(
            tag,
            plain,
            security=self.security_control(protection),
            system_title=self.context.system_title,
            invocation_counter=counter.next(),
            keys=self.keys,
        )

    def unprotect(self, data: bytes, *, require: Protection | None = None) -> Deciphered:
        """Verify and decipher one ciphered APDU from the peer; ``require`` None: what the
        policy asks of the peer's direction."""
        if not data or not is_ciphered_tag(data[0]):
            raise SecurityConfigError("not a ciphered APDU")
        dedicated = data[0] == GENERAL_DED_CIPHERING or data[0] in _DEDICATED_TAGS
        replay = self._dedicated_replay if dedicated else self.replay
        required = (
            self.context.required_protection(client=self.client) if require is None else require
        )
        return decrypt(
            data,
            keys=self.keys,
            system_title=self.peer_system_title,
            replay=replay,
            require=required,
        )
