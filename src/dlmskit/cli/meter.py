"""The commands that talk to a meter: ``objects``, ``get``, ``set``, ``action``, ``profile``
and ``doctor``.

Every command takes the meter's connection string (``tcp://host:4059``, ``udp://...``,
``hdlc+tcp://host:port``, ``serial:///dev/ttyUSB0?baud=9600``) and the connection options
(addresses, mechanism and password, keys) -- passwords and keys from options, the
environment (``DLMS_PASSWORD``, ``DLMS_EK``, ...) or ``--keys FILE``, never echoed. Values
print typed (scaler and unit applied, enums named, date-times read); ``--json`` prints the
typed JSON of the raw value beside the typed reading. ``dlms --trace`` shows every APDU.

Attribute references: ``OBIS`` (attribute 2), ``OBIS/ATTR`` or ``CLASS/OBIS/ATTR``; method
references likewise ``[CLASS/]OBIS/METHOD``. The class comes from the meter's object list
when it is not given.
"""

from __future__ import annotations

import asyncio
import csv
import dataclasses
import datetime as _dt
import enum
import json
import sys
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any, Final

import typer
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from dlmskit import axdr
from dlmskit.apdu import (
    ABSENT,
    ActionResponseItem,
    ConfirmedServiceError,
    DataAccessResult,
    ExceptionResponse,
)
from dlmskit.association.ciphering import SecurityContext
from dlmskit.axdr import Data
from dlmskit.cli.common import CliError, ExitCode, State, emit_json, reporting_errors, state_of
from dlmskit.cli.keys import KeyOptions, load_keys
from dlmskit.cli.options import AkOpt, EkOpt, JsonOpt, KeysFileOpt, SystemTitleOpt
from dlmskit.client import Client, ClientQuirks, ProfileProgress
from dlmskit.cosem import Date, DateTime, Obis, ScalerUnit, Time, Unit, unit_symbol
from dlmskit.errors import DlmsError
from dlmskit.model.schema import Quantity
from dlmskit.security import (
    Mechanism,
    SecurityPolicy,
    SecurityPolicyV0,
    SecuritySuite,
    SymmetricKeys,
)

__all__ = ["register"]

_CONNECTION: Final = "Connection"
_MECHANISMS: Final = {
    "none": Mechanism.NONE,
    "lowest": Mechanism.NONE,
    "lls": Mechanism.LLS,
    "low": Mechanism.LLS,
    "hls": Mechanism.HLS,
    "md5": Mechanism.HLS_MD5,
    "sha1": Mechanism.HLS_SHA1,
    "gmac": Mechanism.HLS_GMAC,
    "hls-gmac": Mechanism.HLS_GMAC,
    "sha256": Mechanism.HLS_SHA256,
    "ecdsa": Mechanism.HLS_ECDSA,
}
_POLICIES: Final = {
    "none": SecurityPolicyV0.NOTHING,
    "authenticated": SecurityPolicyV0.AUTHENTICATED,
    "encrypted": SecurityPolicyV0.ENCRYPTED,
    "authenticated-encrypted": SecurityPolicyV0.AUTHENTICATED_ENCRYPTED,
}

TargetArg = Annotated[
    str,
    typer.Argument(
        metavar="METER",
        help="tcp://HOST[:4059], udp://HOST:PORT (wrapper), hdlc+tcp://HOST:PORT, "
        "serial:///dev/ttyUSB0?baud=9600[&mode_e=1] (HDLC).",
        show_default=False,
    ),
]
ClientOpt = Annotated[
    int | None,
    typer.Option(
        "--client",
        "-c",
        help="Client address / wPort (16: public client).",
        rich_help_panel=_CONNECTION,
        show_default=False,
    ),
]
ServerOpt = Annotated[
    int | None,
    typer.Option(
        "--server",
        "-s",
        help="Logical device: server upper HDLC address or server wPort (1: management).",
        rich_help_panel=_CONNECTION,
        show_default=False,
    ),
]
PhysicalOpt = Annotated[
    int | None,
    typer.Option(
        "--physical",
        help="Server lower (physical) HDLC address.",
        rich_help_panel=_CONNECTION,
        show_default=False,
    ),
]
AddressSizeOpt = Annotated[
    int | None,
    typer.Option(
        "--address-size",
        help="Bytes of the HDLC server address: 1, 2 or 4.",
        rich_help_panel=_CONNECTION,
        show_default=False,
    ),
]
MechanismOpt = Annotated[
    str,
    typer.Option(
        "--mechanism",
        "-m",
        help="Authentication: none, lls, hls, md5, sha1, gmac, sha256 (or 0-6).",
        rich_help_panel=_CONNECTION,
    ),
]
PasswordOpt = Annotated[
    str | None,
    typer.Option(
        "--password",
        envvar="DLMS_PASSWORD",
        help="LLS password or HLS secret (better: DLMS_PASSWORD in the environment).",
        rich_help_panel=_CONNECTION,
        show_default=False,
    ),
]
ClientTitleOpt = Annotated[
    str | None,
    typer.Option(
        "--client-title",
        envvar="DLMS_CLIENT_SYSTEM_TITLE",
        metavar="HEX",
        help="Our own system title (8 bytes of hex): ciphering, GMAC, SHA-256.",
        rich_help_panel=_CONNECTION,
        show_default=False,
    ),
]
PolicyOpt = Annotated[
    str,
    typer.Option(
        "--security",
        help="Protection when keys are given: none, authenticated, encrypted, "
        "authenticated-encrypted.",
        rich_help_panel=_CONNECTION,
    ),
]
SuiteOpt = Annotated[
    int, typer.Option("--suite", min=0, max=2, help="Security suite.", rich_help_panel=_CONNECTION)
]
DedicatedOpt = Annotated[
    bool,
    typer.Option(
        "--dedicated-key", help="Propose a fresh dedicated key.", rich_help_panel=_CONNECTION
    ),
]
StateDirOpt = Annotated[
    Path | None,
    typer.Option(
        "--state-dir",
        envvar="DLMSKIT_STATE_DIR",
        help="Where our invocation counters are kept.",
        rich_help_panel=_CONNECTION,
        show_default=False,
        file_okay=False,
    ),
]
ReadCounterOpt = Annotated[
    str | None,
    typer.Option(
        "--read-counter",
        metavar="OBIS",
        help="Read the meter's invocation counter for our "
        "key over the public client first, at OBIS (e.g. 0-0:43.1.0).",
        rich_help_panel=_CONNECTION,
        show_default=False,
    ),
]
TimeoutOpt = Annotated[
    float,
    typer.Option(
        "--timeout", min=0.1, help="Seconds to wait for each answer.", rich_help_panel=_CONNECTION
    ),
]
ShortNamesOpt = Annotated[
    bool, typer.Option("--sn", help="Short-name referencing.", rich_help_panel=_CONNECTION)
]
GbtOpt = Annotated[
    bool,
    typer.Option("--gbt", help="Propose general block transfer.", rich_help_panel=_CONNECTION),
]


@dataclasses.dataclass
class Connection:
    """The connection options of a command."""

    target: str
    client: int | None = None
    server: int | None = None
    physical: int | None = None
    address_size: int | None = None
    mechanism: str = "none"
    password: str | None = None
    client_title: str | None = None
    policy: str = "authenticated-encrypted"
    suite: int = 0
    dedicated_key: bool = False
    state_dir: Path | None = None
    read_counter: str | None = None
    timeout: float = 10.0
    short_names: bool = False
    gbt: bool = False
    keys: KeyOptions = dataclasses.field(default_factory=KeyOptions)

    def client_for(self, state: State) -> Client:
        return make_client(self, state)


def _mechanism(text: str) -> Mechanism:
    lowered = text.strip().lower()
    if lowered in _MECHANISMS:
        return _MECHANISMS[lowered]
    try:
        return Mechanism(int(lowered))
    except ValueError:
        raise CliError(
            f"no authentication mechanism {text!r} (none, lls, hls, md5, sha1, gmac, sha256)"
        ) from None


def _title(text: str | None, what: str) -> bytes | None:
    if text is None or not text.strip():
        return None
    cleaned = text.strip().replace(" ", "").replace(":", "")
    try:
        title = bytes.fromhex(cleaned)
    except ValueError:
        raise CliError(f"{what} is not hex") from None
    if len(title) != 8:
        raise CliError(f"{what} must be 8 bytes (16 hex digits), it has {len(title)}")
    return title


def make_client(options: Connection, state: State) -> Client:
    """A :class:`Client` from the command's options (keys loaded, never shown)."""
    from dlmskit.association.client import ClientSettings
    from dlmskit.security import Credentials, Secret

    mechanism = _mechanism(options.mechanism)
    keys = load_keys(options.keys, warn=lambda text: state.err.print(f"warning: {text}"))
    own_title = _title(options.client_title, "--client-title")
    security = None
    if keys.unicast is not None:
        if own_title is None:
            raise CliError("ciphering needs our own system title: --client-title HEX")
        policy_name = options.policy.strip().lower()
        if policy_name not in _POLICIES:
            raise CliError(f"--security must be one of {', '.join(_POLICIES)}")
        try:
            symmetric = SymmetricKeys(
                suite=SecuritySuite(options.suite),
                unicast=keys.unicast,
                authentication=keys.authentication,
                broadcast=keys.broadcast,
            )
        except DlmsError as exc:
            raise CliError(str(exc)) from None
        security = SecurityContext(
            keys=symmetric,
            system_title=own_title,
            policy=SecurityPolicy.from_v0(_POLICIES[policy_name]),
        )
    elif mechanism is Mechanism.HLS_GMAC:
        raise CliError("HLS-GMAC needs the keys: --ek and --ak (or DLMS_EK, DLMS_AK, --keys)")
    if mechanism is Mechanism.HLS_ECDSA:
        raise CliError("HLS-ECDSA needs signing keys, which the command line does not take yet")
    secret = options.password.encode() if options.password else None
    needs_secret = (Mechanism.LLS, Mechanism.HLS_MD5, Mechanism.HLS_SHA1, Mechanism.HLS_SHA256)
    if mechanism in needs_secret and secret is None:
        raise CliError(f"{mechanism.name} needs the password: --password or DLMS_PASSWORD")
    settings = ClientSettings(
        short_names=options.short_names,
        mechanism=mechanism,
        credentials=Credentials(secret=Secret(secret) if secret else None),
        security=security,
        system_title=own_title if security is None else None,
        server_system_title=keys.system_title,
        dedicated_key=options.dedicated_key,
        general_block_transfer=options.gbt,
        quirks=ClientQuirks(),
    )
    tracer = None
    if state.trace:
        from dlmskit.cli.trace import Tracer
        from dlmskit.translator import DecodeKeys

        tracer = Tracer(
            state.err,
            keys=DecodeKeys(
                unicast=keys.unicast,
                authentication=keys.authentication,
                broadcast=keys.broadcast,
                system_title=keys.system_title,
            ),
        )
    return Client(
        options.target,
        client_address=options.client,
        server_address=options.server,
        physical_address=options.physical,
        address_size=options.address_size,
        settings=settings,
        state_dir=options.state_dir,
        read_invocation_counter=options.read_counter or False,
        timeout=options.timeout,
        trace=tracer,
    )


# -- references and values --------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Ref:
    class_id: int | None
    logical_name: Obis
    index: int

    def __str__(self) -> str:
        head = f"{self.class_id}/" if self.class_id is not None else ""
        return f"{head}{self.logical_name}/{self.index}"


def parse_ref(text: str, *, default_index: int = 2) -> Ref:
    parts = text.strip().split("/")
    try:
        if len(parts) == 1:
            return Ref(None, Obis.parse(parts[0]), default_index)
        if len(parts) == 2:
            return Ref(None, Obis.parse(parts[0]), int(parts[1]))
        if len(parts) == 3:
            return Ref(int(parts[0]), Obis.parse(parts[1]), int(parts[2]))
    except (ValueError, DlmsError) as exc:
        raise CliError(f"not a reference {text!r}: {exc}") from None
    raise CliError(f"not a reference {text!r}: use OBIS, OBIS/INDEX or CLASS/OBIS/INDEX")


def text_of(value: Any) -> str:
    """A typed value in words."""
    if isinstance(value, DataAccessResult):
        return f"refused: {value.name.lower().replace('_', '-')}"
    if isinstance(value, ExceptionResponse):
        return f"refused: exception-response {value.service_error.name.lower().replace('_', '-')}"
    if isinstance(value, ConfirmedServiceError):
        return f"refused: confirmed-service-error {value.error.name.lower()}"
    if isinstance(value, Quantity | DateTime | Date | Time | Obis | ScalerUnit):
        return str(value)
    if isinstance(value, Unit):
        return value.symbol
    if isinstance(value, enum.Enum):
        return value.name.lower()
    if isinstance(value, bytes):
        if value and all(0x20 <= b < 0x7F for b in value):
            return f"{value.hex()} ({value.decode('ascii')!r})"
        return value.hex() or '""'
    if isinstance(value, str):
        return value
    if isinstance(value, bool) or value is None:
        return json.dumps(value)
    if isinstance(value, int | float | Decimal):
        return str(value)
    return json.dumps(jsonable(value), ensure_ascii=False)


def jsonable(value: Any) -> Any:
    """A typed value as plain JSON (Quantities as value and unit, date-times as text)."""
    if isinstance(value, Quantity):
        return {"value": str(value.value), "unit": value.symbol, "scaler": value.scaler}
    if isinstance(value, DataAccessResult):
        return {"refused": value.name.lower().replace("_", "-")}
    if isinstance(value, ExceptionResponse | ConfirmedServiceError):
        return {"refused": text_of(value).removeprefix("refused: ")}
    if isinstance(value, DateTime):
        out: dict[str, Any] = {"date-time": str(value)}
        if not value.problems(weekday=False):
            out["iso"] = value.to_datetime().isoformat()
        return out
    if isinstance(value, Date | Time | Obis):
        return str(value)
    if isinstance(value, ScalerUnit):
        return {"scaler": value.scaler, "unit": unit_symbol(int(value.unit))}
    if isinstance(value, Unit):
        return value.symbol
    if isinstance(value, enum.Enum):
        return value.name.lower()
    if isinstance(value, bytes):
        return value.hex()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, int | float):
        return int(value) if isinstance(value, int) else float(value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    return str(value)


def raw_json(raw: Any) -> Any:
    if isinstance(raw, DataAccessResult | ExceptionResponse | ConfirmedServiceError):
        return None
    try:
        return axdr.to_json(raw)
    except DlmsError:
        return None


def parse_value(text: str) -> Data:
    """A value given as typed JSON: ``{"long-unsigned": 5}``."""
    try:
        return axdr.from_json(json.loads(text))
    except (ValueError, DlmsError) as exc:
        raise CliError(f"a value is typed JSON, e.g. '{{\"long-unsigned\": 5}}': {exc}") from None


def _run(state: State, coroutine: Any) -> Any:
    with reporting_errors(state):
        return asyncio.run(coroutine)


_FIELDS: Final = frozenset(f.name for f in dataclasses.fields(Connection)) - {"keys"}


def _connection(ctx: typer.Context, **values: Any) -> Connection:
    """The connection options among a command's parameters (the others are ignored)."""
    keys = KeyOptions(
        ek=values.get("ek"),
        ak=values.get("ak"),
        system_title=values.get("system_title"),
        keys_file=values.get("keys_file"),
    )
    return Connection(keys=keys, **{k: v for k, v in values.items() if k in _FIELDS})


# -- objects -----------------------------------------------------------------------------------


def objects(
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
    """List the meter's objects (the current association's object list) with access rights."""
    state = state_of(ctx)
    state.json_errors = json_out
    options = _connection(
        ctx, **{k: v for k, v in locals().items() if k not in ("ctx", "state", "json_out")}
    )

    async def run() -> list[Any]:
        async with options.client_for(state) as meter:
            return await meter.objects()

    found = _run(state, run())
    if json_out:
        emit_json([o.to_json() for o in found])
        return
    table = Table(title=f"{len(found)} objects", show_lines=False)
    for column in ("class", "v", "logical name", "description", "attributes", "methods"):
        table.add_column(column)
    for o in found:
        attributes = " ".join(f"{i}:{a.text}" for i, a in sorted(o.attributes.items()))
        methods = " ".join(str(i) for i, m in sorted(o.methods.items()) if m.allowed)
        table.add_row(
            f"{o.class_id} {o.class_name}",
            str(o.version),
            str(o.logical_name),
            o.description,
            attributes,
            methods or "-",
        )
    state.out.print(table)


# -- get / set / action ------------------------------------------------------------------------


def get(
    ctx: typer.Context,
    target: TargetArg,
    references: Annotated[
        list[str],
        typer.Argument(
            metavar="REF...",
            help="OBIS, OBIS/ATTR or CLASS/OBIS/ATTR (attribute 2 when not given).",
            show_default=False,
        ),
    ],
    json_out: JsonOpt = False,
    raw: Annotated[bool, typer.Option("--raw", help="No typing: the A-XDR value.")] = False,
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
    """Read attributes: typed values (scaler and unit applied, enums named)."""
    state = state_of(ctx)
    state.json_errors = json_out
    with reporting_errors(state):
        refs = [parse_ref(r) for r in references]
    skip = ("ctx", "state", "json_out", "references", "raw", "refs")
    options = _connection(ctx, **{k: v for k, v in locals().items() if k not in skip})

    async def run() -> tuple[list[Any], list[Any]]:
        async with options.client_for(state) as meter:
            items = [(r.class_id, r.logical_name, r.index) for r in refs]
            resolved = [
                ((await meter.find(ln)).class_id if cid is None else cid, ln, index)
                for cid, ln, index in items
            ]
            raws = await meter.get_many(resolved, typed=False)
            typed = raws if raw else await meter.type_values(resolved, raws)
            return raws, typed

    raws, typed = _run(state, run())
    failed = any(
        isinstance(v, DataAccessResult | ExceptionResponse | ConfirmedServiceError) for v in raws
    )
    if json_out:
        emit_json(
            [
                {"reference": str(r), "value": raw_json(v), "typed": jsonable(t)}
                for r, v, t in zip(refs, raws, typed, strict=True)
            ]
        )
    else:
        for r, t in zip(refs, typed, strict=True):
            state.out.print(f"{r}  {text_of(t)}")
    if failed:
        raise typer.Exit(int(ExitCode.INVALID))


def set_(
    ctx: typer.Context,
    target: TargetArg,
    reference: Annotated[str, typer.Argument(metavar="REF", help="[CLASS/]OBIS[/ATTR].")],
    value: Annotated[
        str, typer.Argument(metavar="VALUE", help="Typed JSON, e.g. '{\"long-unsigned\": 5}'.")
    ],
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
    """Write one attribute; the value is typed JSON."""
    state = state_of(ctx)
    state.json_errors = json_out
    with reporting_errors(state):
        ref = parse_ref(reference)
        data = parse_value(value)
    skip = ("ctx", "state", "json_out", "reference", "value", "ref", "data")
    options = _connection(ctx, **{k: v for k, v in locals().items() if k not in skip})

    async def run() -> Any:
        async with options.client_for(state) as meter:
            return await meter.set(ref.logical_name, ref.index, data, class_id=ref.class_id)

    result = _run(state, run())
    ok = result is DataAccessResult.SUCCESS
    if json_out:
        emit_json({"reference": str(ref), "result": jsonable(result) if not ok else "success"})
    else:
        state.out.print(f"{ref}  {'success' if ok else text_of(result)}")
    if not ok:
        raise typer.Exit(int(ExitCode.INVALID))


def action(
    ctx: typer.Context,
    target: TargetArg,
    reference: Annotated[str, typer.Argument(metavar="REF", help="[CLASS/]OBIS/METHOD.")],
    parameter: Annotated[
        str | None,
        typer.Argument(
            metavar="PARAMETER", help="Typed JSON (none: no parameters).", show_default=False
        ),
    ] = None,
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
    """Invoke a method."""
    state = state_of(ctx)
    state.json_errors = json_out
    with reporting_errors(state):
        ref = parse_ref(reference, default_index=1)
        params = ABSENT if parameter is None else parse_value(parameter)
    skip = ("ctx", "state", "json_out", "reference", "parameter", "ref", "params")
    options = _connection(ctx, **{k: v for k, v in locals().items() if k not in skip})

    async def run() -> Any:
        async with options.client_for(state) as meter:
            return await meter.action(ref.logical_name, ref.index, params, class_id=ref.class_id)

    result = _run(state, run())
    if isinstance(result, ActionResponseItem):
        ok = int(result.result) == 0
        returned = result.return_parameters
        record: dict[str, Any] = {
            "reference": str(ref),
            "result": result.result.name.lower().replace("_", "-"),
        }
        if returned is not ABSENT:
            record["return"] = jsonable(returned)
        text = record["result"] + (f", returned {text_of(returned)}" if "return" in record else "")
    else:
        ok = False
        record = {"reference": str(ref), "result": jsonable(result)}
        text = text_of(result)
    if json_out:
        emit_json(record)
    else:
        state.out.print(f"{ref}  {text}")
    if not ok:
        raise typer.Exit(int(ExitCode.INVALID))


# -- profile -----------------------------------------------------------------------------------


def _when(text: str | None, what: str) -> _dt.datetime | None:
    if text is None:
        return None
    try:
        value = _dt.datetime.fromisoformat(text)
    except ValueError:
        raise CliError(f"{what} is an ISO date-time, e.g. 2024-05-01T00:00+02:00") from None
    if value.tzinfo is None:
        value = value.replace(tzinfo=_dt.UTC)
    return value


def _entries(text: str | None) -> tuple[int | None, int | None]:
    if text is None:
        return None, None
    first, _, last = text.partition(":")
    try:
        return int(first) if first else 1, int(last) if last else 0
    except ValueError:
        raise CliError("--entries is FIRST:LAST (from 1; LAST empty or 0: to the end)") from None


class Format(enum.StrEnum):
    table = "table"
    csv = "csv"
    json = "json"


def profile(
    ctx: typer.Context,
    target: TargetArg,
    logical_name: Annotated[str, typer.Argument(metavar="OBIS", help="The Profile generic.")],
    start: Annotated[
        str | None,
        typer.Option(
            "--from",
            metavar="DATETIME",
            help="From (ISO, UTC unless a zone is given).",
            show_default=False,
        ),
    ] = None,
    end: Annotated[
        str | None, typer.Option("--to", metavar="DATETIME", help="To (ISO).", show_default=False)
    ] = None,
    entries: Annotated[
        str | None,
        typer.Option(
            "--entries", metavar="FIRST:LAST", help="By entry (from 1).", show_default=False
        ),
    ] = None,
    columns: Annotated[
        str | None,
        typer.Option(
            "--columns",
            metavar="LIST",
            help="Columns: positions from 1 or OBIS codes, comma separated.",
            show_default=False,
        ),
    ] = None,
    output_format: Annotated[
        Format, typer.Option("--format", "-f", help="table, csv or json.")
    ] = Format.table,
    json_out: JsonOpt = False,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            metavar="FILE",
            help="Write to FILE.",
            dir_okay=False,
            show_default=False,
        ),
    ] = None,
    progress: Annotated[
        bool, typer.Option("--progress/--no-progress", help="A progress bar on standard error.")
    ] = True,
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
    """Read a load profile, row by row: by date range (--from/--to), by entry or all."""
    state = state_of(ctx)
    fmt = Format.json if json_out else output_format
    state.json_errors = fmt is Format.json
    with reporting_errors(state):
        name = parse_ref(logical_name).logical_name
        first, last = _entries(entries)
        low, high = _when(start, "--from"), _when(end, "--to")
    picked: list[Any] | None = None
    if columns:
        picked = [int(c) if c.strip().isdigit() else c.strip() for c in columns.split(",")]
    skip = (
        "ctx",
        "state",
        "fmt",
        "name",
        "first",
        "last",
        "low",
        "high",
        "picked",
        "start",
        "end",
        "entries",
        "columns",
        "output_format",
        "json_out",
        "output",
        "progress",
        "logical_name",
    )
    options = _connection(ctx, **{k: v for k, v in locals().items() if k not in skip})
    show_progress = (progress and fmt is not Format.json) or (progress and output is not None)

    async def run() -> tuple[list[Any], list[Any]]:
        rows: list[Any] = []
        bar = Progress(
            SpinnerColumn(),
            TextColumn("{task.description}"),
            BarColumn(),
            TextColumn("{task.fields[rows]} rows, {task.fields[kb]} kB"),
            TimeElapsedColumn(),
            console=state.err,
            transient=True,
            disable=not show_progress,
        )
        with bar:
            task = bar.add_task(f"reading {name}", total=None, rows=0, kb=0)

            def report(p: ProfileProgress) -> None:
                bar.update(task, rows=p.rows, kb=p.octets // 1024)

            async with options.client_for(state) as meter:
                capture = await meter.capture_objects(name)
                async for row in meter.profile(
                    name,
                    start=low,
                    end=high,
                    from_entry=first,
                    to_entry=last,
                    columns=picked,
                    progress=report,
                ):
                    rows.append(row)
                    if len(rows) % 100 == 0:
                        bar.update(task, rows=len(rows))
        return rows, capture

    rows, _ = _run(state, run())
    out_columns = list(rows[0].columns) if rows else []
    headers = [f"{c.logical_name}/{c.attribute_index}" for c in out_columns]
    sink = output.open("w", encoding="utf-8", newline="") if output is not None else None
    try:
        if fmt is Format.json:
            doc = {
                "profile": str(name),
                "columns": [
                    {
                        "class_id": c.class_id,
                        "logical_name": str(c.logical_name),
                        "attribute": c.attribute_index,
                        "description": c.logical_name.description,
                    }
                    for c in out_columns
                ],
                "rows": [[jsonable(v) for v in r.values] for r in rows],
            }
            text = json.dumps(doc, ensure_ascii=False, indent=2)
            if sink is not None:
                sink.write(text + "\n")
            else:
                emit_json(doc)
        elif fmt is Format.csv:
            writer = csv.writer(sink if sink is not None else sys.stdout)
            writer.writerow(headers)
            for r in rows:
                writer.writerow([_csv_cell(v) for v in r.values])
        else:
            table = Table(title=f"{name}: {len(rows)} rows")
            for header, column in zip(headers, out_columns, strict=True):
                described = column.logical_name.description
                table.add_column(f"{header}\n{described}" if described else header)
            for r in rows:
                table.add_row(*[text_of(v) for v in r.values])
            if sink is not None:
                from rich.console import Console

                Console(file=sink, width=200).print(table)
            else:
                state.out.print(table)
    finally:
        if sink is not None:
            sink.close()


def _csv_cell(value: Any) -> str:
    if isinstance(value, Quantity):
        return str(value.value)
    if isinstance(value, DateTime) and not value.problems(weekday=False):
        return value.to_datetime().isoformat()
    return text_of(value)


def register(app: typer.Typer) -> None:
    app.command("objects")(objects)
    app.command("get")(get)
    app.command("set")(set_)
    app.command("action")(action)
    app.command("profile")(profile)
    from dlmskit.cli.doctor import doctor

    app.command("doctor")(doctor)
