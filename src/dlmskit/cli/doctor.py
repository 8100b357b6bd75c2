"""``dlms doctor``: run a connection step by step and say in plain words what went wrong.

The steps: read the connection string; open the port or the TCP connection; for HDLC, the
mode E opening (optical probes) and SNRM/UA; the association (AARQ/AARE, HLS); a first
read (the clock and the object list); the release. Each step that fails is explained with
the usual causes -- no UA: a wrong server address, baud rate or a missing mode E; an AARE
that refuses: which diagnostic and what to change; a ciphering error: keys, system title
or invocation counter -- and the command stops there with a non-zero exit code.
"""

from __future__ import annotations

import asyncio
import dataclasses
from typing import Any

import typer

from dlmskit.apdu import ConfirmedServiceError, Conformance, ExceptionResponse
from dlmskit.apdu.acse import AcseServiceProvider, AcseServiceUser
from dlmskit.apdu.xdlms import ExceptionServiceError, Initiate, ServiceErrorType
from dlmskit.cli.common import CliError, ExitCode, State, emit_json, state_of
from dlmskit.cli.meter import (
    AddressSizeOpt,
    ClientOpt,
    ClientTitleOpt,
    Connection,
    DedicatedOpt,
    GbtOpt,
    MechanismOpt,
    PasswordOpt,
    PhysicalOpt,
    PolicyOpt,
    ReadCounterOpt,
    ServerOpt,
    ShortNamesOpt,
    StateDirOpt,
    SuiteOpt,
    TargetArg,
    TimeoutOpt,
    _connection,
    make_client,
    text_of,
)
from dlmskit.cli.options import AkOpt, EkOpt, JsonOpt, KeysFileOpt, SystemTitleOpt
from dlmskit.client import AssociationRefusedError, RequestTimeoutError, Target
from dlmskit.client.links import connect_link, open_transport
from dlmskit.errors import DlmsError, LocalProtocolError
from dlmskit.link.errors import LinkError, LinkLostError, LinkTimeoutError
from dlmskit.security import (
    AuthenticationError,
    AuthenticationTagError,
    DecipheringError,
    ReplayError,
    SystemTitleMismatchError,
    WrongKeyError,
)

__all__ = ["Step", "diagnose", "doctor", "explain_rejection"]


@dataclasses.dataclass
class Step:
    name: str
    ok: bool
    detail: str = ""
    hints: list[str] = dataclasses.field(default_factory=list)
    code: ExitCode = ExitCode.INVALID

    def to_json(self) -> dict[str, Any]:
        return {"step": self.name, "ok": self.ok, "detail": self.detail, "hints": self.hints}


_USER_HINTS = {
    AcseServiceUser.APPLICATION_CONTEXT_NAME_NOT_SUPPORTED: [
        "the meter does not take this application context: it may need ciphering (give "
        "--ek/--ak and --client-title), or no ciphering (leave the keys out), or short-name "
        "referencing (--sn) -- and each client address allows only its own context",
    ],
    AcseServiceUser.AUTHENTICATION_FAILURE: [
        "the password (LLS) or HLS secret is wrong for this client address: check "
        "--password / DLMS_PASSWORD, and --client (each client has its own secret)",
    ],
    AcseServiceUser.AUTHENTICATION_MECHANISM_NAME_NOT_RECOGNISED: [
        "this client address uses another authentication mechanism: try --mechanism none, "
        "lls or gmac, or the client address the mechanism belongs to (16 public, 32 reader, "
        "1 management are common)",
    ],
    AcseServiceUser.AUTHENTICATION_MECHANISM_NAME_REQUIRED: [
        "this client address needs authentication: give --mechanism and the password or keys",
    ],
    AcseServiceUser.AUTHENTICATION_REQUIRED: [
        "this client address needs authentication: give --mechanism and the password or keys",
    ],
    AcseServiceUser.CALLING_AP_TITLE_NOT_RECOGNIZED: [
        "the meter does not know our system title: check --client-title (it is registered "
        "in the meter for ciphering)",
    ],
    AcseServiceUser.NO_REASON_GIVEN: [
        "the meter gave no reason: the client address may not exist in this logical device, "
        "or the association is already in use by another head-end",
    ],
}


def explain_rejection(error: AssociationRefusedError) -> list[str]:
    """Plain-word hints for an association the meter refused."""
    rejection = error.rejection
    hints: list[str] = []
    if rejection.stage == "HLS":
        hints.append(
            "the meter refused our answer to its challenge (HLS pass 3): the HLS secret "
            "(--password) or, for GMAC, the keys (--ek/--ak) or our --client-title are wrong"
        )
    diagnostic = rejection.diagnostic
    if isinstance(diagnostic, AcseServiceUser):
        hints += _USER_HINTS.get(diagnostic, [])
    elif isinstance(diagnostic, AcseServiceProvider) and diagnostic:
        hints.append("the meter's ACSE refused the request itself (no common ACSE version)")
    fault = rejection.error
    if isinstance(fault, ConfirmedServiceError):
        if fault.error is ServiceErrorType.INITIATE:
            if fault.value == Initiate.DLMS_VERSION_TOO_LOW:
                hints.append("the meter needs another DLMS version (dlmskit proposes 6)")
            elif fault.value == Initiate.PDU_SIZE_TOO_SHORT:
                hints.append("the meter refuses our maximum PDU size")
            elif fault.value == Initiate.INCOMPATIBLE_CONFORMANCE:
                hints.append(
                    "no common services: the meter takes none of the proposed conformance "
                    "(try --sn for short-name meters)"
                )
        elif int(fault.value) == 6 and fault.error is ServiceErrorType.APPLICATION_REFERENCE:
            hints += _cipher_hints(counter=True)
    elif isinstance(fault, ExceptionResponse):
        if fault.service_error == ExceptionServiceError.INVOCATION_COUNTER_ERROR:
            hints.append(
                "the meter refuses our invocation counter as already used"
                + (
                    f" (it expects more than {fault.invocation_counter})"
                    if fault.invocation_counter is not None
                    else ""
                )
                + ": read it first with --read-counter OBIS, or keep one --state-dir"
            )
        elif fault.service_error == ExceptionServiceError.DECIPHERING_ERROR:
            hints += _cipher_hints(counter=True)
    return hints or ["see the meter's documentation for this client address"]


def _cipher_hints(*, counter: bool) -> list[str]:
    hints = [
        "the ciphering does not match: check the keys (--ek, --ak: the meter's global "
        "unicast and authentication keys), our system title (--client-title) and the "
        "security suite (--suite)",
    ]
    if counter:
        hints.append(
            "or our invocation counter is below the one the meter last saw (another "
            "head-end, or a lost --state-dir): read it with --read-counter OBIS"
        )
    return hints


def _link_hints(target: Target, error: BaseException) -> list[str]:
    if target.link == "wrapper":
        return [
            "no answer over the wrapper: check the client and server wPorts (--client, "
            "--server) and that this port speaks the wrapper (HDLC? use hdlc+tcp://)",
        ]
    text = str(error)
    if "DM" in text or "refused" in text:
        return [
            "the meter answered DM/refused the link: it is busy with another client, or the "
            "client address is not allowed",
        ]
    hints = [
        "no UA to our SNRM: the server address is wrong (--server logical device, usually 1; "
        "--physical address; --address-size 1, 2 or 4)",
    ]
    if target.transport == "serial":
        hints.append(
            f"or the baud rate ({target.baudrate}) is wrong, or the meter's optical port needs "
            "the IEC 62056-21 mode E opening (add mode_e=1 to the connection string)"
        )
    else:
        hints.append("or this port speaks the wrapper rather than HDLC (use tcp://)")
    return hints


async def diagnose(options: Connection, state: State) -> list[Step]:
    """Run the steps; the last one in the list failed unless every one is ok."""
    steps: list[Step] = []
    try:
        client = make_client(options, state)
    except (CliError, DlmsError) as exc:
        message = exc.message if isinstance(exc, CliError) else str(exc)
        steps.append(Step("options", False, message, code=ExitCode.USAGE))
        return steps
    target = client.target
    steps.append(Step("connection string", True, target.describe()))
    try:
        transport = await open_transport(target, timeout=options.timeout)
    except LinkError as exc:
        where = target.device if target.transport == "serial" else f"{target.host}:{target.port}"
        hints = [
            f"nothing answers at {where}: is the meter (or its converter) on, the address "
            "and port right, and no other program holding the port?"
        ]
        steps.append(Step("open", False, str(exc), hints, ExitCode.IO))
        return steps
    steps.append(Step("open", True, f"{target.transport} open"))
    try:
        link = await connect_link(target, transport, timeout=options.timeout)
    except (LinkError, OSError) as exc:
        code = ExitCode.TIMEOUT if isinstance(exc, LinkTimeoutError) else ExitCode.INVALID
        steps.append(Step("link", False, str(exc), _link_hints(target, exc), code))
        return steps
    detail = "wrapper" if target.link == "wrapper" else "HDLC connected (SNRM/UA)"
    parameters = getattr(link, "parameters", None)
    if parameters is not None:
        detail += (
            f": information field {parameters.max_info_tx}/{parameters.max_info_rx}, "
            f"window {parameters.window_tx}/{parameters.window_rx}"
        )
    steps.append(Step("link", True, detail))
    try:
        negotiated = await client.connect(link)
    except AssociationRefusedError as exc:
        steps.append(Step("association", False, exc.reason, explain_rejection(exc)))
        return steps
    except (RequestTimeoutError, LinkTimeoutError) as exc:
        hints = [
            "the meter does not answer the AARQ: the client address (--client) may not exist, "
            "or (wrapper) the server wPort (--server) is wrong",
        ]
        steps.append(Step("association", False, str(exc), hints, ExitCode.TIMEOUT))
        await link.close()
        return steps
    except ReplayError as exc:
        hints = [
            "the meter's invocation counter went back: the meter was reset, or its keys "
            "changed; clear this meter's counters in --state-dir if that is expected"
        ]
        steps.append(Step("association", False, str(exc), hints))
        await client.close()
        return steps
    except (AuthenticationTagError, WrongKeyError, SystemTitleMismatchError) as exc:
        steps.append(Step("association", False, str(exc), _cipher_hints(counter=False)))
        await client.close()
        return steps
    except AuthenticationError as exc:
        hints = [
            "the meter's answer to our challenge (HLS pass 4) is wrong: the HLS secret or "
            "keys differ from the meter's -- or this is not the meter you think"
        ]
        steps.append(Step("association", False, str(exc), hints))
        await client.close()
        return steps
    except (DecipheringError, LinkLostError, DlmsError) as exc:
        steps.append(Step("association", False, str(exc), _cipher_hints(counter=True)))
        await client.close()
        return steps
    mode = negotiated.mechanism.name.lower().replace("_", "-")
    services = ", ".join(
        flag.name.lower().replace("_", "-")
        for flag in Conformance
        if flag in negotiated.conformance and flag.name
    )
    security = "ciphered" if negotiated.ciphered else "not ciphered"
    steps.append(
        Step(
            "association",
            True,
            f"{mode}, {security}, meter PDU {negotiated.server_max_pdu_size} octets, "
            f"services: {services}",
        )
    )
    try:
        clock = await client.get("0-0:1.0.0", 2, class_id=8)
        steps.append(Step("read clock", True, text_of(clock)))
        found = await client.objects()
        steps.append(Step("object list", True, f"{len(found)} objects visible"))
    except DlmsError as exc:
        hints = [
            "the association works but the read failed: this client may not see that "
            "object, or the meter needs another security level for it"
        ]
        steps.append(Step("read", False, str(exc), hints))
        await client.close()
        return steps
    await client.close()
    steps.append(Step("release", True, "released and disconnected"))
    return steps


def doctor(
    ctx: typer.Context,
    target: TargetArg,
    json_out: JsonOpt = False,
    client: ClientOpt = None,
    server: ServerOpt = None,
    physical: PhysicalOpt = None,
    address_size: AddressSizeOpt = None,
    mechanism: MechanismOpt = "none",
    password: PasswordOpt = None,
    client_title: ClientTitleOpt = None,
    policy: PolicyOpt = "authenticated-encrypted",
    suite: SuiteOpt = 0,
    dedicated_key: DedicatedOpt = False,
    state_dir: StateDirOpt = None,
    read_counter: ReadCounterOpt = None,
    timeout: TimeoutOpt = 10.0,
    short_names: ShortNamesOpt = False,
    gbt: GbtOpt = False,
    ek: EkOpt = None,
    ak: AkOpt = None,
    system_title: SystemTitleOpt = None,
    keys_file: KeysFileOpt = None,
) -> None:
    """Connect step by step and explain what fails, in plain words."""
    state = state_of(ctx)
    state.json_errors = json_out
    skip = ("ctx", "state", "json_out")
    options = _connection(ctx, **{k: v for k, v in locals().items() if k not in skip})
    try:
        steps = asyncio.run(diagnose(options, state))
    except KeyboardInterrupt:
        raise typer.Exit(int(ExitCode.INTERRUPTED)) from None
    except LocalProtocolError as exc:
        steps = [Step("options", False, str(exc), code=ExitCode.USAGE)]
    ok = all(s.ok for s in steps)
    if json_out:
        emit_json({"ok": ok, "steps": [s.to_json() for s in steps]})
    else:
        for s in steps:
            mark = "[green]ok[/]  " if s.ok else "[bold red]FAIL[/]"
            state.out.print(f"{mark} {s.name}: {s.detail.replace('[', chr(92) + '[')}")
            for hint in s.hints:
                state.out.print(f"       -> {hint}")
        if ok:
            state.out.print("[green]the meter can be read with these options[/]")
    if not ok:
        raise typer.Exit(int(steps[-1].code))
