"""The states of an application association and every transition, in one table (h11 style).

Rules (IEC 62056-5-3, the meter's side):

* An association starts ``IDLE`` -- except a pre-established one, which starts and stays
  ``ASSOCIATED`` (it is never released).
* An AARQ is always looked at, in every state: a valid one replaces whatever association
  the client had (a client that reconnects without releasing is served, not locked out).
  With no or low level security it leads to ``ASSOCIATED``; with high level security to
  ``AUTHENTICATING`` (the AARE said authentication-required and carried StoC); a refused
  one leaves the client ``IDLE``.
* In ``AUTHENTICATING`` the only request served is reply_to_HLS_authentication on the
  current association (HLS pass 3). Its success leads to ``ASSOCIATED``, its failure back to
  ``IDLE``; any other request is refused and the state does not change.
* xDLMS requests (GET, SET, ACTION, ACCESS, Read, Write, UnconfirmedWrite, general block
  transfer) are served only in ``ASSOCIATED``; elsewhere they get an exception-response
  (or, in SN, a confirmed-service-error) and the state does not change.
* An RLRQ is answered with an RLRE and leads to ``IDLE``; a lost link leads to ``IDLE``
  silently.

An input a state does not list is refused: :func:`next_state` returns None and the machine
answers with the refusal of that input, never with an exception.

The client side of the same association (AARQ sent, AARE awaited, pass 3 sent, RLRQ sent)
can add its own table here; the states above are the meter's view.
"""

from __future__ import annotations

import enum
from typing import Final

__all__ = ["SERVER_TRANSITIONS", "ServerInput", "ServerState", "next_state"]


class ServerState(enum.Enum):
    """The meter's view of one client's association."""

    #: no association: only an AARQ (or an RLRQ) is answered
    IDLE = "idle"
    #: AARE sent with authentication-required: only HLS pass 3 is served
    AUTHENTICATING = "authenticating"
    #: established: every service the negotiated conformance allows
    ASSOCIATED = "associated"


class ServerInput(enum.Enum):
    """What happens to an association, as the machine classifies a received APDU."""

    AARQ_ACCEPTED = "AARQ accepted (no or low level security)"
    AARQ_CHALLENGED = "AARQ accepted, HLS pass 3 awaited"
    AARQ_REJECTED = "AARQ refused"
    HLS_PASSED = "HLS pass 3 verified"
    HLS_FAILED = "HLS pass 3 wrong"
    REQUEST = "xDLMS request"
    RLRQ = "release request"
    LINK_CLOSED = "lower layer closed"


_ALWAYS: Final = {
    ServerInput.AARQ_ACCEPTED: ServerState.ASSOCIATED,
    ServerInput.AARQ_CHALLENGED: ServerState.AUTHENTICATING,
    ServerInput.AARQ_REJECTED: ServerState.IDLE,
    ServerInput.RLRQ: ServerState.IDLE,
    ServerInput.LINK_CLOSED: ServerState.IDLE,
}

#: state -> input -> next state; a missing input is refused in that state
SERVER_TRANSITIONS: Final[dict[ServerState, dict[ServerInput, ServerState]]] = {
    ServerState.IDLE: dict(_ALWAYS),
    ServerState.AUTHENTICATING: {
        **_ALWAYS,
        ServerInput.HLS_PASSED: ServerState.ASSOCIATED,
        ServerInput.HLS_FAILED: ServerState.IDLE,
    },
    ServerState.ASSOCIATED: {
        **_ALWAYS,
        ServerInput.REQUEST: ServerState.ASSOCIATED,
        # reply_to_HLS_authentication invoked again once associated is an ordinary ACTION
        ServerInput.HLS_PASSED: ServerState.ASSOCIATED,
        ServerInput.HLS_FAILED: ServerState.ASSOCIATED,
    },
}


def next_state(state: ServerState, what: ServerInput) -> ServerState | None:
    """The state after ``what`` in ``state``, or None when ``what`` is refused there."""
    return SERVER_TRANSITIONS[state].get(what)
