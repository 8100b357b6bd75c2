"""The translator decodes every shared vector and its JSON holds what each vector states
(tests/_translator_checks.py); the invalid ones are refused with a message naming why."""

from __future__ import annotations

import json
from typing import Any

import pytest

from _translator_checks import INVALID, check_vector, options_for
from _vectors import params
from dlmskit.security import Key
from dlmskit.translator import DecodeKeys, Layer, TranslationError, translate

_AUTO_LAYERS = {
    "hdlc-frame",
    "hdlc-frame-without-flags",
    "llc+apdu",
    "apdu",
    "axdr-data",
    "wrapper+apdu",
}


def keys_of(entry: dict[str, Any]) -> DecodeKeys | None:
    k = entry.get("keys")
    if not k:
        return None
    return DecodeKeys(
        unicast=Key.from_hex(k["ek"]),
        authentication=Key.from_hex(k["ak"]),
        system_title=bytes.fromhex(k["system_title"]),
    )


ALL = params("normative") + params("realworld")


@pytest.mark.parametrize("entry", ALL)
def test_vector_decodes_to_what_it_states(entry: dict[str, Any]) -> None:
    data = bytes.fromhex(entry["hex"])
    layer = Layer.parse(entry["layer"])
    options = options_for(entry)
    if entry["id"] in INVALID:
        with pytest.raises(TranslationError, match=INVALID[entry["id"]]):
            translate(data, layer=layer, keys=keys_of(entry), **options)
        return
    result = translate(data, layer=layer, keys=keys_of(entry), **options)
    doc = result.to_json(show_secrets=True)
    json.dumps(doc)  # plain JSON all the way down
    check_vector(entry, doc, data)
    if entry["layer"] in _AUTO_LAYERS:
        detected = translate(data, keys=keys_of(entry), **options)
        assert detected.to_json(show_secrets=True) == doc


@pytest.mark.parametrize("entry", ALL)
def test_secrets_hidden_unless_asked(entry: dict[str, Any]) -> None:
    if entry["id"] in INVALID:
        return
    data = bytes.fromhex(entry["hex"])
    doc = translate(
        data, layer=Layer.parse(entry["layer"]), keys=keys_of(entry), **options_for(entry)
    ).to_json()
    text = json.dumps(doc)
    # the LLS password of the Green Book examples and the dedicated key never show
    assert "3132333435363738" not in text and '"12345678"' not in text
    assert "00112233445566778899aabbccddeeff" not in text
