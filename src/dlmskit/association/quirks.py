"""Named deviations from the standard, one field each, never an ``if manufacturer == ...``.

* :class:`MeterQuirks` -- defects a meter can be told to have: fault injection for
  conformance testing. A correct meter has all of them off (:data:`NO_QUIRKS`). The
  conformance suite switches them on one at a time to prove that its test cases catch each
  defect; a simulated meter can also imitate a real meter's known faults. Each field is
  consulted at one named point of the meter (the association machine or the server's
  connection glue) and is tested there.
* :class:`ClientQuirks` -- deviations of a real meter that the client lives with, given to
  the client per meter make or profile; the standard's behaviour is each field's default.

>>> quirks = MeterQuirks(access_rights_ignored=True)
>>> quirks.active()
('access_rights_ignored',)
>>> ClientQuirks().max_list_items is None
True
>>> lenient = ClientQuirks(ignore_invoke_id=True, max_list_items=10)
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Final

from dlmskit.errors import LocalProtocolError

__all__ = ["NO_QUIRKS", "ClientQuirks", "MeterQuirks"]


@dataclass(frozen=True, slots=True)
class MeterQuirks:
    """Defects of a meter, each off by default.

    Association establishment:

    * ``wrong_aare_diagnostic`` -- a refused AARQ is answered with diagnostic
      no-reason-given instead of the specific one (application-context-name-not-supported,
      authentication-failure, ...).
    * ``dlms_version_not_checked`` -- a proposed DLMS version other than 6 is accepted.
    * ``pdu_size_not_checked`` -- a client-max-receive-pdu-size below 12 is accepted.
    * ``lls_any_password`` -- low level security accepts any password.
    * ``hls_reply_not_verified`` -- HLS pass 3 succeeds whatever f(StoC) the client sends.
    * ``hls_wrong_response`` -- the meter's f(CtoS) in pass 4 is corrupted.
    * ``fixed_challenge`` -- StoC is the same every time instead of fresh random octets.
    * ``conformance_not_negotiated`` -- the AARE offers everything the meter supports, not
      proposed AND supported.

    Data transfer:

    * ``access_rights_ignored`` -- GET/SET/ACTION are served whatever the access rights say.
    * ``conformance_not_enforced`` -- services outside the negotiated conformance are served.
    * ``policy_not_enforced`` -- plain requests are served where the security policy asks for
      protected ones.
    * ``replayed_counter_accepted`` -- ciphered requests whose invocation counter was already
      used are accepted.
    * ``wrong_attribute_type`` -- integer attribute values are returned with another A-XDR
      integer type (a double-long-unsigned as a double-long, ...).
    * ``selective_access_ignored`` -- a GET with selective access returns the whole
      attribute.
    * ``pdu_size_exceeded`` -- long responses are sent whole, beyond the client's maximum
      receive PDU size, instead of in blocks.
    * ``block_numbers_from_zero`` -- GET datablocks are numbered from 0 instead of 1.
    * ``wrong_invoke_id`` -- responses carry an invoke-id other than the request's.
    * ``exception_for_missing_object`` -- a GET/SET/ACTION of an object that does not exist is
      answered with an exception-response instead of the data-access-result
      object-undefined.
    * ``unprotected_responses`` -- responses to ciphered requests are sent in plain.
    * ``release_ignored`` -- RLRQ gets no RLRE and the association stays open.

    Connection (server glue):

    * ``inactivity_timeout_ignored`` -- idle connections are never closed.
    * ``wrapper_ports_swapped`` -- wrapper responses keep the request's source and
      destination wPorts instead of swapping them.
    * ``hdlc_bad_hcs_accepted`` -- HDLC frames with a wrong header check sequence are taken.
    * ``hdlc_sequence_not_checked`` -- an HDLC I frame out of sequence (wrong N(S)) is taken
      as the next one.
    """

    wrong_aare_diagnostic: bool = False
    dlms_version_not_checked: bool = False
    pdu_size_not_checked: bool = False
    lls_any_password: bool = False
    hls_reply_not_verified: bool = False
    hls_wrong_response: bool = False
    fixed_challenge: bool = False
    conformance_not_negotiated: bool = False
    access_rights_ignored: bool = False
    conformance_not_enforced: bool = False
    policy_not_enforced: bool = False
    replayed_counter_accepted: bool = False
    wrong_attribute_type: bool = False
    selective_access_ignored: bool = False
    pdu_size_exceeded: bool = False
    block_numbers_from_zero: bool = False
    wrong_invoke_id: bool = False
    exception_for_missing_object: bool = False
    unprotected_responses: bool = False
    release_ignored: bool = False
    inactivity_timeout_ignored: bool = False
    wrapper_ports_swapped: bool = False
    hdlc_bad_hcs_accepted: bool = False
    hdlc_sequence_not_checked: bool = False

    def active(self) -> tuple[str, ...]:
        """The names of the defects switched on."""
        return tuple(f.name for f in dataclasses.fields(self) if getattr(self, f.name))

    @classmethod
    def names(cls) -> tuple[str, ...]:
        return tuple(f.name for f in dataclasses.fields(cls))

    @classmethod
    def of(cls, *names: str) -> MeterQuirks:
        """Quirks with the named defects on (LocalProtocolError-like ValueError for an
        unknown name)."""
        known = set(cls.names())
        unknown = [n for n in names if n not in known]
        if unknown:
            from dlmskit.errors import LocalProtocolError

            raise LocalProtocolError(f"no such quirk: {', '.join(unknown)}")
        return cls(**dict.fromkeys(names, True))


#: a correct meter
NO_QUIRKS: Final = MeterQuirks()


@dataclass(frozen=True, slots=True)
class ClientQuirks:
    """Deviations a meter is known for (defaults: the standard's behaviour).

    * ``ignore_invoke_id``: the meter answers with another invoke-id than the request's
      (some answer every request with invoke-id 0). Normally a response with a foreign
      invoke-id is taken for a late answer to an earlier request and dropped.
    * ``max_list_items``: the most attributes (or methods) the meter takes in one
      with-list request; longer lists are split into several requests. None: only the
      negotiated PDU size limits a list.
    * ``server_max_pdu_size``: use this instead of the server-max-receive-pdu-size of the
      InitiateResponse (meters that state more than they take).
    * ``release_with_rlrq``: False for meters that do not answer an RLRQ: releasing then
      only forgets the association (closing the link ends it for the meter).
    * ``rlrq_user_information``: send the ciphered InitiateRequest in the RLRQ of a
      ciphered association (IEC 62056-5-3); False for meters that refuse an RLRQ with
      user-information.
    * ``plain_initiate_response``: accept a plain InitiateResponse in the AARE of a
      ciphered association (meters that protect only later APDUs).
    * ``scaler_unit_absent``: never read scaler_unit; values of Register-like objects are
      returned unscaled (meters whose attribute 3 read fails or hangs).
    * ``selective_access_ignored``: the meter answers a profile buffer read with the whole
      buffer whatever selection it is sent: the client reads it whole and keeps the rows of
      the date or entry range, and the columns, asked for itself.
    * ``meter_counter_restarts``: the meter starts its invocation counter again for every
      association; the lowest counter accepted from it then lasts one association instead
      of being kept across them (which a client does to refuse replays of old sessions).
    """

    ignore_invoke_id: bool = False
    max_list_items: int | None = None
    server_max_pdu_size: int | None = None
    release_with_rlrq: bool = True
    rlrq_user_information: bool = True
    plain_initiate_response: bool = False
    scaler_unit_absent: bool = False
    meter_counter_restarts: bool = False
    selective_access_ignored: bool = False

    def __post_init__(self) -> None:
        if self.max_list_items is not None and not 1 <= self.max_list_items <= 0xFFFF:
            raise LocalProtocolError("max_list_items must be 1..65535 or None")
        if self.server_max_pdu_size is not None and not 12 <= self.server_max_pdu_size <= 0xFFFF:
            raise LocalProtocolError("server_max_pdu_size must be 12..65535 or None")
