"""Every transition of the client side of an application association, in one table.

The rules (as h11's ``_state.py`` states its own):

* The client opens an association with an AARQ and waits for the AARE. An AARE that
  accepts without authentication, or with LLS, ends the opening: the association is
  ready. An AARE that accepts and asks for HLS (a challenge StoC) is followed by HLS pass
  3, an ACTION ``reply_to_HLS_authentication`` on the current association object; its
  answer (pass 4, the meter's f(CtoS)) is checked, and only then is the association ready.
* An AARE that rejects, and a pass 3 the meter refuses, are well-formed refusals: the
  association is back to having none (they are events, not exceptions).
* A ready association sends one confirmed request at a time. The request's answer may
  take several APDUs (block transfer, general block transfer): the association stays in
  ``AWAITING_RESPONSE`` until the last one, and answers the intermediate ones itself.
* Unsolicited APDUs (data-notification, event-notification, information report) may
  arrive in any state and never change it.
* Releasing sends an RLRQ and waits for the RLRE; ``abort`` (the link went away, or the
  caller gave up) forgets the association in any state without sending anything.
* A peer that breaks the protocol (a security check fails, an APDU that fits no state)
  leaves the association ``FAILED``: only ``abort`` is allowed then.

Any user call or received APDU that the table does not allow in the current state raises
:class:`~dlmskit.association.client.AssociationStateError` (a
:class:`~dlmskit.errors.LocalProtocolError`) for user calls; a received APDU that the
table does not allow is the peer's fault (:class:`~dlmskit.errors.RemoteProtocolError`).
"""

from __future__ import annotations

import enum
from typing import Final

__all__ = ["TABLE", "Action", "Input", "State"]


class State(enum.Enum):
    #: no association (at the start, after a release, a rejection or an abort)
    IDLE = "no association"
    #: AARQ sent, waiting for the AARE
    AWAITING_AARE = "waiting for the AARE"
    #: HLS pass 3 sent, waiting for the meter's pass 4
    AUTHENTICATING = "authenticating (HLS pass 3/4)"
    #: ready for a request
    ASSOCIATED = "associated"
    #: a confirmed request is outstanding (possibly in the middle of a block transfer)
    AWAITING_RESPONSE = "waiting for a response"
    #: RLRQ sent, waiting for the RLRE
    AWAITING_RLRE = "waiting for the RLRE"
    #: the peer broke the protocol: the association is unusable (abort it)
    FAILED = "failed"


class Input(enum.Enum):
    # user calls
    ASSOCIATE = "associate"
    REQUEST = "send a request"
    CANCEL = "cancel the request"
    RELEASE = "release"
    ABORT = "abort"
    # received APDUs, as the machine classifies them
    AARE_ACCEPTED = "AARE accepted"
    AARE_ACCEPTED_HLS = "AARE accepted, HLS to follow"
    AARE_REJECTED = "AARE rejected"
    HLS_ACCEPTED = "HLS pass 4 verified"
    HLS_REFUSED = "HLS pass 3 refused"
    PARTIAL_RESPONSE = "a part of a response"
    RESPONSE = "a complete response"
    RLRE = "RLRE"
    PROTOCOL_ERROR = "a protocol or security error"


class Action(enum.Enum):
    SEND_AARQ = enum.auto()
    ASSOCIATED = enum.auto()
    START_HLS = enum.auto()
    REJECTED = enum.auto()
    SEND_REQUEST = enum.auto()
    CONTINUE = enum.auto()
    COMPLETE = enum.auto()
    CANCEL = enum.auto()
    SEND_RLRQ = enum.auto()
    RELEASED = enum.auto()
    FORGET = enum.auto()
    FAIL = enum.auto()


S = State
I = Input  # noqa: E741
A = Action

#: state -> input -> (action, next state). Anything missing is not allowed.
TABLE: Final[dict[State, dict[Input, tuple[Action, State]]]] = {
    S.IDLE: {
        I.ASSOCIATE: (A.SEND_AARQ, S.AWAITING_AARE),
        I.ABORT: (A.FORGET, S.IDLE),
    },
    S.AWAITING_AARE: {
        I.AARE_ACCEPTED: (A.ASSOCIATED, S.ASSOCIATED),
        I.AARE_ACCEPTED_HLS: (A.START_HLS, S.AUTHENTICATING),
        I.AARE_REJECTED: (A.REJECTED, S.IDLE),
        I.PROTOCOL_ERROR: (A.FAIL, S.FAILED),
        I.ABORT: (A.FORGET, S.IDLE),
    },
    S.AUTHENTICATING: {
        I.HLS_ACCEPTED: (A.ASSOCIATED, S.ASSOCIATED),
        I.HLS_REFUSED: (A.REJECTED, S.IDLE),
        I.PROTOCOL_ERROR: (A.FAIL, S.FAILED),
        I.ABORT: (A.FORGET, S.IDLE),
    },
    S.ASSOCIATED: {
        I.REQUEST: (A.SEND_REQUEST, S.AWAITING_RESPONSE),
        I.RELEASE: (A.SEND_RLRQ, S.AWAITING_RLRE),
        I.PROTOCOL_ERROR: (A.FAIL, S.FAILED),
        I.ABORT: (A.FORGET, S.IDLE),
    },
    S.AWAITING_RESPONSE: {
        I.PARTIAL_RESPONSE: (A.CONTINUE, S.AWAITING_RESPONSE),
        I.RESPONSE: (A.COMPLETE, S.ASSOCIATED),
        I.CANCEL: (A.CANCEL, S.ASSOCIATED),
        I.PROTOCOL_ERROR: (A.FAIL, S.FAILED),
        I.ABORT: (A.FORGET, S.IDLE),
    },
    S.AWAITING_RLRE: {
        I.RLRE: (A.RELEASED, S.IDLE),
        I.PROTOCOL_ERROR: (A.FAIL, S.FAILED),
        I.ABORT: (A.FORGET, S.IDLE),
    },
    S.FAILED: {
        I.ABORT: (A.FORGET, S.IDLE),
    },
}
