"""The state tables of the HDLC stations (IEC 62056-46, ISO/IEC 13239 normal response mode).

Every transition of both stations is listed here; the stations classify what happened (a user
call, a received frame, a timer) into an input, look the pair (state, input) up, run the named
action and enter the new state. A user call that has no entry for the current state raises
:class:`~dlmskit.link.errors.LinkStateError`; a received frame without an entry cannot happen
(every frame type has a row in every state, as the standard says what to do with each).

Rules of the secondary station (the meter), per logical link (client address, logical device):

* NDM (normal disconnected mode): SNRM is accepted with UA (parameters negotiated, sequence
  numbers reset) and enters NRM; every other command that polls is answered with DM (so an
  AARQ before SNRM gets DM, T_HDLC_NDMOP_N1); UI is delivered in any mode.
* NRM (normal response mode): I, RR and RNR run the numbered exchange; DISC is answered with UA
  and returns to NDM; SNRM resets the link. An undefined command, an information field where
  none is allowed (W and X), an information field longer than negotiated (Y) and an invalid N(R)
  (Z) are answered with FRMR and the station enters the frame-reject condition.
* FRAME_REJECT: every poll is answered by repeating the FRMR, until SNRM or DISC.
* The inactivity time-out returns NRM and FRAME_REJECT to NDM without a frame.

Rules of the primary station (the client): SNRM from NDM; UA enters NRM (IDLE: the client holds
the turn); sending a poll (the last I frame of a window, or RR) hands the turn to the meter
(AWAITING) until a frame with the final bit comes back; the response time-out re-sends (SNRM,
DISC) or polls with RR (checkpointing, in NRM) until the retries are used up; DM, FRMR and
exhausted retries end the link.
"""

from __future__ import annotations

import enum

__all__ = [
    "PRIMARY_TABLE",
    "SECONDARY_TABLE",
    "PrimaryAction",
    "PrimaryInput",
    "PrimaryState",
    "SecondaryAction",
    "SecondaryInput",
    "SecondaryState",
]


class SecondaryState(enum.Enum):
    NDM = "NDM"
    NRM = "NRM"
    FRAME_REJECT = "FRAME_REJECT"


class SecondaryInput(enum.Enum):
    SNRM = "SNRM"  # well-formed SNRM
    SNRM_INVALID = "SNRM with a malformed or unacceptable parameter field"
    DISC = "DISC"
    I = "I"  # noqa: E741 - the standard's name
    RR = "RR"
    RNR = "RNR"
    UI = "UI"
    UNDEFINED = "undefined command or information field not allowed (W, X)"
    INFO_TOO_LONG = "information field longer than negotiated (Y)"
    BAD_NR = "invalid N(R) (Z)"
    UNEXPECTED_RESPONSE = "a response frame (UA, DM, FRMR) sent to the meter"
    INACTIVITY = "inactivity time-out"


class SecondaryAction(enum.Enum):
    ACCEPT_SNRM = "send UA, reset sequence numbers"
    ACCEPT_DISC = "send UA, close the link"
    SEND_DM = "send DM if polled"
    RECEIVE_I = "take an I frame into the numbered exchange"
    RECEIVE_RR = "take RR into the numbered exchange"
    RECEIVE_RNR = "take RNR into the numbered exchange (peer busy)"
    DELIVER_UI = "deliver the UI information field"
    SEND_FRMR = "send FRMR, enter the frame-reject condition"
    REPEAT_FRMR = "repeat FRMR if polled"
    DROP_LINK = "close the link without a frame"
    IGNORE = "ignore"


_S = SecondaryState
_SI = SecondaryInput
_SA = SecondaryAction

SECONDARY_TABLE: dict[SecondaryState, dict[SecondaryInput, tuple[SecondaryAction, SecondaryState]]]
SECONDARY_TABLE = {
    _S.NDM: {
        _SI.SNRM: (_SA.ACCEPT_SNRM, _S.NRM),
        _SI.SNRM_INVALID: (_SA.SEND_DM, _S.NDM),
        _SI.DISC: (_SA.SEND_DM, _S.NDM),
        _SI.I: (_SA.SEND_DM, _S.NDM),
        _SI.RR: (_SA.SEND_DM, _S.NDM),
        _SI.RNR: (_SA.SEND_DM, _S.NDM),
        _SI.UI: (_SA.DELIVER_UI, _S.NDM),
        _SI.UNDEFINED: (_SA.SEND_DM, _S.NDM),
        _SI.INFO_TOO_LONG: (_SA.SEND_DM, _S.NDM),
        _SI.BAD_NR: (_SA.SEND_DM, _S.NDM),
        _SI.UNEXPECTED_RESPONSE: (_SA.IGNORE, _S.NDM),
        _SI.INACTIVITY: (_SA.IGNORE, _S.NDM),
    },
    _S.NRM: {
        _SI.SNRM: (_SA.ACCEPT_SNRM, _S.NRM),
        _SI.SNRM_INVALID: (_SA.SEND_FRMR, _S.FRAME_REJECT),
        _SI.DISC: (_SA.ACCEPT_DISC, _S.NDM),
        _SI.I: (_SA.RECEIVE_I, _S.NRM),
        _SI.RR: (_SA.RECEIVE_RR, _S.NRM),
        _SI.RNR: (_SA.RECEIVE_RNR, _S.NRM),
        _SI.UI: (_SA.DELIVER_UI, _S.NRM),
        _SI.UNDEFINED: (_SA.SEND_FRMR, _S.FRAME_REJECT),
        _SI.INFO_TOO_LONG: (_SA.SEND_FRMR, _S.FRAME_REJECT),
        _SI.BAD_NR: (_SA.SEND_FRMR, _S.FRAME_REJECT),
        _SI.UNEXPECTED_RESPONSE: (_SA.SEND_FRMR, _S.FRAME_REJECT),
        _SI.INACTIVITY: (_SA.DROP_LINK, _S.NDM),
    },
    _S.FRAME_REJECT: {
        _SI.SNRM: (_SA.ACCEPT_SNRM, _S.NRM),
        _SI.SNRM_INVALID: (_SA.REPEAT_FRMR, _S.FRAME_REJECT),
        _SI.DISC: (_SA.ACCEPT_DISC, _S.NDM),
        _SI.I: (_SA.REPEAT_FRMR, _S.FRAME_REJECT),
        _SI.RR: (_SA.REPEAT_FRMR, _S.FRAME_REJECT),
        _SI.RNR: (_SA.REPEAT_FRMR, _S.FRAME_REJECT),
        _SI.UI: (_SA.DELIVER_UI, _S.FRAME_REJECT),
        _SI.UNDEFINED: (_SA.REPEAT_FRMR, _S.FRAME_REJECT),
        _SI.INFO_TOO_LONG: (_SA.REPEAT_FRMR, _S.FRAME_REJECT),
        _SI.BAD_NR: (_SA.REPEAT_FRMR, _S.FRAME_REJECT),
        _SI.UNEXPECTED_RESPONSE: (_SA.REPEAT_FRMR, _S.FRAME_REJECT),
        _SI.INACTIVITY: (_SA.DROP_LINK, _S.NDM),
    },
}


class PrimaryState(enum.Enum):
    NDM = "NDM"
    CONNECTING = "CONNECTING"  # SNRM sent, waiting for UA or DM
    IDLE = "IDLE"  # NRM, the client holds the turn
    AWAITING = "AWAITING"  # NRM, a poll is out, waiting for a frame with the final bit
    DISCONNECTING = "DISCONNECTING"  # DISC sent, waiting for UA or DM


class PrimaryInput(enum.Enum):
    # user calls
    CONNECT = "connect"
    DISCONNECT = "disconnect"
    SEND_APDU = "send an APDU"
    POLL = "poll the meter"
    SEND_UI = "send a UI frame"
    # frames received
    UA = "UA"
    DM = "DM"
    FRMR = "FRMR"
    UI = "UI"
    NUMBERED = "I, RR or RNR without the final bit"
    FINAL_CONTINUE = "final bit received, the exchange goes on"
    FINAL_DONE = "final bit received, the exchange is complete"
    UNEXPECTED = "a command frame, or an undefined one, sent to the client"
    # timers
    TIMEOUT = "response time-out"
    TIMEOUT_EXHAUSTED = "response time-out, retries used up"


class PrimaryAction(enum.Enum):
    SEND_SNRM = "send SNRM"
    ACCEPT_UA = "take the negotiated parameters"
    REFUSED = "connection refused"
    RESEND = "re-send the last command"
    FAIL = "give up, the meter does not answer"
    SEND_DISC = "send DISC"
    CLOSED = "link closed"
    TRANSMIT = "send the first window of I frames"
    SEND_POLL = "send RR with the poll bit"
    ACCUMULATE = "take a numbered frame, no answer yet"
    CONTINUE = "send the next window, ask for more or retransmit"
    COMPLETE = "exchange complete"
    CHECKPOINT = "poll with RR after a time-out"
    PEER_DISCONNECTED = "the meter answered DM"
    REJECTED = "the meter answered FRMR"
    SEND_UI = "send UI frames"
    DELIVER_UI = "deliver the UI information field"
    IGNORE = "ignore"


_P = PrimaryState
_PI = PrimaryInput
_PA = PrimaryAction

_RECEIVE_ANYWHERE = {
    _PI.UI: _PA.DELIVER_UI,
    _PI.UNEXPECTED: _PA.IGNORE,
}

PRIMARY_TABLE: dict[PrimaryState, dict[PrimaryInput, tuple[PrimaryAction, PrimaryState]]]
PRIMARY_TABLE = {
    _P.NDM: {
        _PI.CONNECT: (_PA.SEND_SNRM, _P.CONNECTING),
        _PI.SEND_UI: (_PA.SEND_UI, _P.NDM),
        _PI.UA: (_PA.IGNORE, _P.NDM),
        _PI.DM: (_PA.IGNORE, _P.NDM),
        _PI.FRMR: (_PA.IGNORE, _P.NDM),
        _PI.NUMBERED: (_PA.IGNORE, _P.NDM),
        _PI.FINAL_CONTINUE: (_PA.IGNORE, _P.NDM),
        _PI.FINAL_DONE: (_PA.IGNORE, _P.NDM),
    },
    _P.CONNECTING: {
        _PI.DISCONNECT: (_PA.SEND_DISC, _P.DISCONNECTING),
        _PI.SEND_UI: (_PA.SEND_UI, _P.CONNECTING),
        _PI.UA: (_PA.ACCEPT_UA, _P.IDLE),
        _PI.DM: (_PA.REFUSED, _P.NDM),
        _PI.FRMR: (_PA.REFUSED, _P.NDM),
        _PI.NUMBERED: (_PA.IGNORE, _P.CONNECTING),
        _PI.FINAL_CONTINUE: (_PA.IGNORE, _P.CONNECTING),
        _PI.FINAL_DONE: (_PA.IGNORE, _P.CONNECTING),
        _PI.TIMEOUT: (_PA.RESEND, _P.CONNECTING),
        _PI.TIMEOUT_EXHAUSTED: (_PA.FAIL, _P.NDM),
    },
    _P.IDLE: {
        _PI.CONNECT: (_PA.SEND_SNRM, _P.CONNECTING),
        _PI.DISCONNECT: (_PA.SEND_DISC, _P.DISCONNECTING),
        _PI.SEND_APDU: (_PA.TRANSMIT, _P.AWAITING),
        _PI.POLL: (_PA.SEND_POLL, _P.AWAITING),
        _PI.SEND_UI: (_PA.SEND_UI, _P.IDLE),
        _PI.UA: (_PA.IGNORE, _P.IDLE),
        _PI.DM: (_PA.PEER_DISCONNECTED, _P.NDM),
        _PI.FRMR: (_PA.REJECTED, _P.NDM),
        _PI.NUMBERED: (_PA.IGNORE, _P.IDLE),
        _PI.FINAL_CONTINUE: (_PA.IGNORE, _P.IDLE),
        _PI.FINAL_DONE: (_PA.IGNORE, _P.IDLE),
    },
    _P.AWAITING: {
        _PI.CONNECT: (_PA.SEND_SNRM, _P.CONNECTING),
        _PI.DISCONNECT: (_PA.SEND_DISC, _P.DISCONNECTING),
        _PI.SEND_UI: (_PA.SEND_UI, _P.AWAITING),
        _PI.UA: (_PA.IGNORE, _P.AWAITING),
        _PI.DM: (_PA.PEER_DISCONNECTED, _P.NDM),
        _PI.FRMR: (_PA.REJECTED, _P.NDM),
        _PI.NUMBERED: (_PA.ACCUMULATE, _P.AWAITING),
        _PI.FINAL_CONTINUE: (_PA.CONTINUE, _P.AWAITING),
        _PI.FINAL_DONE: (_PA.COMPLETE, _P.IDLE),
        _PI.TIMEOUT: (_PA.CHECKPOINT, _P.AWAITING),
        _PI.TIMEOUT_EXHAUSTED: (_PA.FAIL, _P.NDM),
    },
    _P.DISCONNECTING: {
        _PI.SEND_UI: (_PA.SEND_UI, _P.DISCONNECTING),
        _PI.UA: (_PA.CLOSED, _P.NDM),
        _PI.DM: (_PA.CLOSED, _P.NDM),
        _PI.FRMR: (_PA.IGNORE, _P.DISCONNECTING),
        _PI.NUMBERED: (_PA.IGNORE, _P.DISCONNECTING),
        _PI.FINAL_CONTINUE: (_PA.IGNORE, _P.DISCONNECTING),
        _PI.FINAL_DONE: (_PA.IGNORE, _P.DISCONNECTING),
        _PI.TIMEOUT: (_PA.RESEND, _P.DISCONNECTING),
        _PI.TIMEOUT_EXHAUSTED: (_PA.CLOSED, _P.NDM),
    },
}
for _row in PRIMARY_TABLE.values():
    for _input, _action in _RECEIVE_ANYWHERE.items():
        _row[_input] = (_action, next(s for s, r in PRIMARY_TABLE.items() if r is _row))
del _row, _input, _action
