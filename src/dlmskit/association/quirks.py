"""Named deviations of meters from the standard that the client can live with.

A :class:`ClientQuirks` object is given to the client (and to its association machine) per meter
make or profile. Each field is one named, tested deviation with the standard's behaviour as
its default -- there is never an ``if manufacturer == ...`` in the protocol code.

>>> ClientQuirks().max_list_items is None
True
>>> strict = ClientQuirks()
>>> lenient = ClientQuirks(ignore_invoke_id=True, max_list_items=10)
"""

from __future__ import annotations

from dataclasses import dataclass

from dlmskit.errors import LocalProtocolError

__all__ = ["ClientQuirks"]


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

    def __post_init__(self) -> None:
        if self.max_list_items is not None and not 1 <= self.max_list_items <= 0xFFFF:
            raise LocalProtocolError("max_list_items must be 1..65535 or None")
        if self.server_max_pdu_size is not None and not 12 <= self.server_max_pdu_size <= 0xFFFF:
            raise LocalProtocolError("server_max_pdu_size must be 12..65535 or None")
