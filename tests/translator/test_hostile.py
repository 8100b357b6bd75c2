"""Bad input is normal input: any bytes, at any layer, give a translation or one of the
library's own errors -- never IndexError, KeyError, struct.error, RecursionError, never a
hang -- and every view of a translation (JSON, XML, the byte tree, the text view) is made
without an exception. Random bytes and mutations of the shared vectors (Hypothesis).

Also: the byte tree of every vector covers each input byte once, in order."""

from __future__ import annotations

import contextlib
import io
import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rich.console import Console

from _translator_checks import options_for
from _vectors import load, params
from dlmskit.cli.render import render_spans, render_translation
from dlmskit.errors import DlmsError
from dlmskit.security import Key
from dlmskit.translator import DecodeKeys, Layer, translate
from dlmskit.translator.explain import explain
from dlmskit.translator.hexinput import parse_hex
from dlmskit.translator.xmlview import to_xml

KEYS = DecodeKeys(
    unicast=Key(bytes(range(16))),
    authentication=Key(bytes(range(16, 32))),
    system_title=bytes(8),
)


def _seeds() -> list[bytes]:
    out = []
    for name in ("normative", "realworld"):
        for entry in load(name) or []:
            out.append(bytes.fromhex(entry["hex"]))
    return out or [bytes.fromhex("7ea00703215303c77e")]


SEEDS = _seeds()


def views(data: bytes, layer: Layer, keys: DecodeKeys | None = None) -> None:
    try:
        t = translate(data, layer=layer, keys=keys, lenient=True)
    except DlmsError:
        return
    json.dumps(t.to_json())
    json.dumps(t.to_json(show_secrets=True))
    to_xml(t)
    spans = explain(t)
    console = Console(file=io.StringIO(), width=120)
    render_translation(console, t)
    render_spans(console, spans)


@st.composite
def mutated(draw: Any) -> bytes:
    data = bytearray(draw(st.sampled_from(SEEDS)))
    for _ in range(draw(st.integers(1, 4))):
        action = draw(st.sampled_from(("flip", "cut", "insert", "delete")))
        if action == "flip" and data:
            i = draw(st.integers(0, len(data) - 1))
            data[i] ^= draw(st.integers(1, 255))
        elif action == "cut" and data:
            del data[draw(st.integers(0, len(data) - 1)) :]
        elif action == "insert":
            i = draw(st.integers(0, len(data)))
            data[i:i] = draw(st.binary(min_size=1, max_size=4))
        elif action == "delete" and data:
            i = draw(st.integers(0, len(data) - 1))
            del data[i : i + draw(st.integers(1, 4))]
    return bytes(data)


LAYERS = list(Layer)


@settings(suppress_health_check=[HealthCheck.too_slow], max_examples=400)
@given(data=st.binary(max_size=300), layer=st.sampled_from(LAYERS))
def test_random_bytes(data: bytes, layer: Layer) -> None:
    views(data, layer)


@settings(suppress_health_check=[HealthCheck.too_slow], max_examples=600)
@given(data=mutated(), layer=st.sampled_from([Layer.AUTO, Layer.AUTO, Layer.APDU, Layer.HDLC]))
def test_mutated_vectors(data: bytes, layer: Layer) -> None:
    views(data, layer, KEYS)


@settings(max_examples=300)
@given(text=st.text(max_size=80))
def test_hex_text_parses_or_says_why(text: str) -> None:
    with contextlib.suppress(DlmsError):
        parse_hex(text)


def test_hex_forms() -> None:
    assert parse_hex("0x7E 0xa0\n07:03-21_53 # comment\n03c7 7e") == bytes.fromhex(
        "7ea007032153 03c77e"
    )
    for bad, why in (
        ("7e 0x", "no hex digits"),
        ("0x7", "odd"),
        ("7eg", "not a hex"),
        ("", "no hex"),
    ):
        with pytest.raises(DlmsError, match=why):
            parse_hex(bad)


@pytest.mark.parametrize("entry", params("normative") + params("realworld"))
def test_tree_covers_every_byte_once(entry: dict[str, Any]) -> None:
    data = bytes.fromhex(entry["hex"])
    try:
        t = translate(data, layer=Layer.parse(entry["layer"]), **options_for(entry))
    except DlmsError:
        return  # the invalid vectors
    spans = [s for s in explain(t, show_secrets=True) if s.space == "input" and s.data]
    covered = b"".join(s.data for s in spans)
    offsets = [s.offset for s in spans]
    assert offsets == sorted(offsets)
    assert covered == data, entry["id"]
