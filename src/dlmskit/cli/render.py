"""Human-readable views of translations (rich), built from their typed JSON form.

The text view and ``--json`` show the same facts: the view is drawn from the JSON, adding
only hints -- an octet-string of 6 bytes that is a plausible OBIS code, one of 12 bytes
that is a valid COSEM date-time, an octet-string of printable text -- marked with ``=``.
"""

from __future__ import annotations

from typing import Any, Final

from rich.console import Console
from rich.text import Text
from rich.tree import Tree

from dlmskit.axdr import DataType
from dlmskit.cosem import DateTime, Obis
from dlmskit.translator import Translation
from dlmskit.translator.explain import Span

__all__ = [
    "data_hint",
    "message_tree",
    "render_spans",
    "render_translation",
    "summary_line",
]

_TYPE_NAMES: Final = frozenset(d.type_name for d in DataType)
_SKIP: Final = frozenset({"tag", "reserved"})


def data_hint(kind: str, value: Any) -> str | None:
    """What an octet-string most plausibly holds, or None."""
    if kind != "octet-string" or not isinstance(value, str):
        return None
    try:
        raw = bytes.fromhex(value)
    except ValueError:
        return None
    if len(raw) == 12:
        dt = DateTime.from_bytes(raw)
        if not dt.problems(weekday=False) and dt.year is not None:
            return str(dt)
    if len(raw) == 6 and raw[5] in (0xFF, 0x00, 0x01, 0x02, 0x03, 0x65, 0x66) and raw[0] < 0x10:
        obis = Obis.from_bytes(raw)
        described = obis.description
        return f"OBIS {obis}" + (f" ({described})" if described else "")
    if raw and all(0x20 <= b < 0x7F for b in raw):
        return repr(raw.decode("ascii"))
    return None


def _is_typed(value: Any) -> bool:
    return isinstance(value, dict) and len(value) == 1 and next(iter(value)) in _TYPE_NAMES


def _scalar(value: Any) -> str:
    if value is None:
        return "-"
    if value is True:
        return "yes"
    if value is False:
        return "no"
    if isinstance(value, str):
        return value if value else '""'
    return str(value)


def _typed_node(parent: Tree, label: str, value: dict[str, Any]) -> None:
    ((kind, payload),) = value.items()
    prefix = f"{label} " if label else ""
    if kind in ("array", "structure") and isinstance(payload, list):
        node = parent.add(Text(f"{prefix}{kind} ({len(payload)})", style="cyan"))
        for i, item in enumerate(payload):
            _typed_node(node, f"[{i}]", item)
        return
    if kind == "compact-array" and isinstance(payload, dict):
        elements = payload.get("elements", [])
        node = parent.add(Text(f"{prefix}compact-array ({len(elements)})", style="cyan"))
        node.add(Text(f"description {payload.get('description')}"))
        for i, item in enumerate(elements):
            _typed_node(node, f"[{i}]", item)
        return
    text = Text(prefix)
    text.append(kind, style="cyan")
    if kind in ("date-time", "date", "time") and isinstance(payload, dict):
        shown = ", ".join(f"{k}={_scalar(v)}" for k, v in payload.items())
        text.append(f" {shown}")
    elif kind in ("visible-string", "utf8-string"):
        text.append(f" {payload!r}")
    elif kind != "null-data":
        text.append(f" {_scalar(payload)}")
    hint = data_hint(kind, payload)
    if hint:
        text.append(f"  = {hint}", style="green")
    parent.add(text)


def _field_node(parent: Tree, key: str, value: Any) -> None:
    if key in _SKIP:
        return
    if _is_typed(value):
        _typed_node(parent, f"{key}:", value)
        return
    if isinstance(value, dict):
        if "apdu" in value:
            node = parent.add(_apdu_label(value, key))
            _apdu_children(node, value)
            return
        if value.get("redacted"):
            parent.add(Text(f"{key}: <{value.get('length')} bytes, hidden (--show-secrets)>"))
            return
        if set(value) <= {"oid", "name"}:
            parent.add(Text(f"{key}: {value.get('name', '')} ({value['oid']})"))
            return
        if set(value) == {"hex", "bits"}:
            names = ", ".join(str(b["name"]) for b in value["bits"])
            parent.add(Text(f"{key}: {value['hex']} ({names or 'none'})"))
            return
        compact = all(not isinstance(v, dict | list) for v in value.values())
        if compact and len(value) <= 6:
            shown = ", ".join(f"{k}={_scalar(v)}" for k, v in value.items() if k not in _SKIP)
            parent.add(Text(f"{key}: {shown}"))
            return
        node = parent.add(Text(key))
        for k, v in value.items():
            _field_node(node, k, v)
        return
    if isinstance(value, list):
        if not value:
            parent.add(Text(f"{key}: (none)"))
            return
        node = parent.add(Text(f"{key} ({len(value)})"))
        for i, item in enumerate(value):
            _field_node(node, f"[{i}]", item)
        return
    parent.add(Text(f"{key}: {_scalar(value)}"))


def _apdu_label(apdu: dict[str, Any], key: str = "") -> Text:
    text = Text(f"{key}: " if key else "")
    text.append(str(apdu["apdu"]), style="bold magenta")
    tag = apdu.get("tag")
    if isinstance(tag, int):
        text.append(f"  (tag {tag:02X})", style="dim")
    return text


def _apdu_children(node: Tree, apdu: dict[str, Any]) -> None:
    ciphered = "security" in apdu
    for key, value in apdu.items():
        if key in ("apdu", "plain", "security", "notes", "tagged_date_time"):
            continue
        if ciphered and key in ("security_control", "invocation_counter"):
            continue  # shown on the security line
        if key == "date_time" and value == "":
            continue  # absent
        _field_node(node, key, value)
    security = apdu.get("security")
    if isinstance(security, dict):
        node.add(_security_text(security))
    for note in apdu.get("notes", []):
        node.add(Text(f"note: {note}", style="yellow"))
    plain = apdu.get("plain")
    if isinstance(plain, dict):
        inner = node.add(Text("deciphered: ", style="green").append(_apdu_label(plain)))
        _apdu_children(inner, plain)


def _security_text(security: dict[str, Any]) -> Text:
    parts = [str(security.get("kind"))]
    if "security_control" in security:
        protection = (
            "authenticated and encrypted"
            if security.get("authenticated") and security.get("encrypted")
            else "authenticated"
            if security.get("authenticated")
            else "encrypted"
            if security.get("encrypted")
            else "no protection"
        )
        parts.append(
            f"SC {security['security_control']} (suite {security.get('suite')}, {protection})"
        )
    if "invocation_counter" in security:
        parts.append(f"IC {security['invocation_counter']}")
    if "system_title" in security:
        parts.append(f"system title {security['system_title']}")
    if "key" in security:
        parts.append(f"key {security['key']}")
    style = "green" if security.get("deciphered") else "yellow"
    text = Text("security: " + ", ".join(parts), style=style)
    if security.get("note"):
        text.append(f" -- {security['note']}")
    return text


def message_tree(message: dict[str, Any], *, title: str | None = None) -> Tree:
    """The tree of one message of a translation's JSON."""
    apdu = message["apdu"]
    label = Text(title or f"message {message['index'] + 1}", style="bold")
    details = []
    if message.get("units"):
        details.append("units " + ", ".join(str(u + 1) for u in message["units"]))
    if "offset" in message:
        details.append(f"at {message['offset']}")
    details.append(f"{message.get('length', '?')} bytes")
    if message.get("llc") is not None:
        details.append(f"LLC {message['llc']}")
    if message.get("reassembled_from"):
        joined = ", ".join(str(i + 1) for i in message["reassembled_from"])
        details.append(f"joined from general-block-transfer messages {joined}")
    label.append(" (" + ", ".join(details) + ")", style="dim")
    tree = Tree(label)
    node = tree.add(_apdu_label(apdu))
    _apdu_children(node, apdu)
    if message.get("block"):
        block = message["block"]
        text = f"block transfer: acknowledged {block['acknowledge']}"
        if block.get("missing"):
            text += f", missing {block['missing']}"
        if block.get("complete"):
            text += ", complete"
        tree.add(Text(text, style="dim"))
    if message.get("datablocks"):
        blocks = message["datablocks"]
        node = tree.add(Text("joined datablocks", style="green"))
        for key, value in blocks.items():
            _field_node(node, key, value)
    return tree


def _unit_line(unit: dict[str, Any], number: int) -> Text:
    kind = unit["kind"]
    text = Text(f"{kind} {number}", style="bold")
    text.append(f"  @{unit['offset']}  {unit['length']} bytes  ", style="dim")
    if kind == "hdlc":
        src, dst = unit["source"], unit["destination"]

        def addr(a: dict[str, Any]) -> str:
            return f"{a['upper']}/{a['lower']}" if "lower" in a else str(a["upper"])

        text.append(unit["frame"], style="magenta")
        bits = []
        if "ns" in unit:
            bits.append(f"N(S)={unit['ns']}")
        if "nr" in unit:
            bits.append(f"N(R)={unit['nr']}")
        if unit.get("poll_final"):
            bits.append("P/F")
        if unit.get("segmented"):
            bits.append("segmented")
        text.append(" " + " ".join(bits) if bits else "")
        text.append(f"  {addr(src)} -> {addr(dst)}")
        checks = ["FCS ok"] if "hcs" not in unit else ["HCS ok", "FCS ok"]
        text.append(f"  info {unit['info_length']} bytes, {', '.join(checks)}", style="dim")
        if "parameters" in unit:
            params = unit["parameters"]
            shown = ", ".join(f"{k}={v}" for k, v in params.items() if v is not None)
            text.append(f"  [{shown or 'defaults'}]")
    elif kind == "wrapper":
        text.append(
            f"wPort {unit['source_wport']} -> {unit['destination_wport']}, "
            f"{unit['apdu_length']} APDU bytes"
        )
    elif kind == "mbus":
        shown = ", ".join(f"{k}={v}" for k, v in unit.items() if k not in ("kind", "offset"))
        text.append(shown)
    return text


def summary_line(doc: dict[str, Any]) -> str:
    """One line naming what a translation found."""
    parts = [f"{doc['layer']}", f"{doc['length']} bytes"]
    if "units" in doc:
        parts.append(f"{len(doc['units'])} {doc['units'][0]['kind']} unit(s)")
    if "messages" in doc:
        names = []
        for m in doc["messages"]:
            apdu = m["apdu"]
            name = apdu["apdu"]
            if "plain" in apdu:
                name += f" -> {apdu['plain']['apdu']}"
            names.append(name)
        parts.append(", ".join(names) if names else "no APDU")
    return " · ".join(parts)


def render_translation(console: Console, t: Translation, *, show_secrets: bool = False) -> None:
    """The text view of ``dlms decode``."""
    doc = t.to_json(show_secrets=show_secrets)
    console.print(Text(summary_line(doc), style="bold"))
    for i, unit in enumerate(doc.get("units", [])):
        console.print(_unit_line(unit, i + 1))
    for message in doc.get("messages", []):
        console.print(message_tree(message))
    if "data" in doc:
        tree = Tree(Text("A-XDR data", style="bold"))
        _typed_node(tree, "", doc["data"])
        console.print(tree)
    for key in ("date_time", "date", "time"):
        if key in doc:
            line = f"{key}: {doc['text']}"
            if "iso" in doc:
                line += f"  (ISO {doc['iso']})"
            console.print(line)
            for problem in doc.get("problems", []):
                console.print(Text(f"  problem: {problem}", style="yellow"))
    if "obis" in doc:
        console.print(f"OBIS {doc['obis']} ({doc['dotted']}): {doc['description'] or 'no name'}")
    if "conformance" in doc:
        conf = doc["conformance"]
        console.print(f"conformance {conf['hex']}:")
        for bit in conf["bits"]:
            console.print(f"  bit {bit['bit']:2d}  {bit['name']}")
    if "crc" in doc:
        crc = doc["crc"]
        console.print(
            f"{crc['algorithm']}: {crc['value']} (transmitted as {crc['as_transmitted']})"
        )
    if "hls_gmac" in doc:
        h = doc["hls_gmac"]
        console.print(
            f"HLS-GMAC response: SC {h['security_control']}, IC {h['invocation_counter']}, "
            f"tag {h['tag']}"
        )
        if h.get("verified"):
            console.print(Text("verified with the challenge and keys given", style="green"))
        elif h.get("note"):
            console.print(Text(h["note"], style="yellow"))
    for note in doc.get("notes", []):
        console.print(Text(f"note: {note}", style="yellow"))


def render_spans(console: Console, spans: list[Span], *, width: int = 12) -> None:
    """The byte-by-byte view (``--tree``): offset, bytes, meaning, indented by depth."""
    for span in spans:
        shown = span.shown_hex
        lines = [shown[i : i + width * 3] for i in range(0, len(shown), width * 3)] or [""]
        indent = "  " * span.depth
        first = Text(f"{span.offset:06d}  ", style="dim")
        first.append(f"{lines[0]:<{width * 3}}", style="cyan")
        first.append(f" {indent}{span.label}", style="bold" if span.children else "")
        if span.meaning:
            first.append(f": {span.meaning}")
        console.print(first)
        for extra in lines[1:]:
            more = Text(" " * 8)
            more.append(extra, style="cyan")
            console.print(more)
