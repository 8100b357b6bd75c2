"""Secrets never show themselves."""

from __future__ import annotations

import pickle

import pytest

from dlmskit.security import Key, Secret, SecurityConfigError, SymmetricKeys

RAW = bytes.fromhex("000102030405060708090a0b0c0d0e0f")


def test_repr_and_str_are_redacted() -> None:
    k = Key(RAW)
    for text in (repr(k), str(k), f"{k}", f"{k!r}", "%s" % (k,)):  # noqa: UP031
        assert RAW.hex() not in text
        assert "redacted" in text
    assert repr(Secret(b"12345678")) == "Secret(<8 bytes, redacted>)"


def test_containers_stay_redacted() -> None:
    keys = SymmetricKeys(unicast=RAW, authentication=RAW)
    text = repr(keys)
    assert RAW.hex() not in text and str(list(RAW)) not in text
    assert "redacted" in text


def test_equality_and_reveal() -> None:
    assert Key(RAW) == Key(RAW)
    assert Key(RAW) != Key(bytes(16))
    assert Key(RAW).reveal() == RAW
    assert Key(RAW) != RAW  # no implicit comparison with plain bytes
    assert len(Key.generate(32)) == 32
    assert Key.generate() != Key.generate()
    assert pickle.loads(pickle.dumps(Key(RAW))) == Key(RAW)


def test_immutable() -> None:
    k = Key(RAW)
    with pytest.raises(AttributeError):
        k._value = b"x"  # type: ignore[misc]


def test_key_lengths() -> None:
    for n in (0, 8, 15, 24, 33):
        with pytest.raises(SecurityConfigError) as info:
            Key(bytes(n))
        assert bytes(n).hex() not in str(info.value) or n == 0
    with pytest.raises(SecurityConfigError):
        Secret("text")  # type: ignore[arg-type]
