"""The IUT description: YAML parsing, defaults, errors that say where, secrets kept secret."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from dlmskit.apdu import ApplicationContextName, Conformance
from dlmskit.conformance.iut import (
    DEFAULT_CONFORMANCE,
    IutError,
    ProfileKind,
    load_iut,
    parse_iut,
)
from dlmskit.cosem import Obis
from dlmskit.link.hdlc.frame import HdlcAddress
from dlmskit.security import Mechanism, SecurityPolicy, SecuritySuite

EXAMPLE = """
manufacturer: dlmskit
flag_id: DKT
model: reference meter
serial: "00000001"
profile:
  kind: hdlc
  hdlc:
    physical_address: 17
    address_size: 2
    max_info_length: 512
    window_size: 7
    inactivity_timeout: 2.5
logical_devices:
  - address: 1
    name: DKT0000000000001
associations:
  - name: public
    client: 16
    conformance: [get, selective-access, block-transfer-with-get-or-read]
    max_pdu_size: 1024
  - name: reader
    client: 32
    mechanism: lls
    secret: "12345678"
  - name: management
    client: 1
    context: ln-ciphered
    mechanism: hls-gmac
    security:
      suite: 0
      policy: authenticated-encrypted
      client_system_title: 4D4D4D0000000001
      encryption_key: 000102030405060708090A0B0C0D0E0F
      authentication_key: {hex: D0D1D2D3D4D5D6D7D8D9DADBDCDDDEDF}
      kek: {env: DKT_TEST_KEK}
      invocation_counter: 4000
    conformance: 0x007E1F
timeouts: {response: 1.5, silence: 0.2, max_wait: 10}
objects:
  write_back: false
  invoke: ["7/1-0:99.1.0*255/2"]
  skip: ["0-0:96.1.0*255"]
"""


@pytest.fixture
def kek(monkeypatch: pytest.MonkeyPatch) -> str:
    value = "101112131415161718191A1B1C1D1E1F"
    monkeypatch.setenv("DKT_TEST_KEK", value)
    return value


def test_every_field_of_the_example(kek: str) -> None:
    iut = parse_iut(yaml.safe_load(EXAMPLE), source="example")
    assert iut.profile is ProfileKind.HDLC
    assert iut.hdlc.server_address(1) == HdlcAddress(1, 17, 2)
    assert (iut.hdlc.max_info_length, iut.hdlc.window_size) == (512, 7)
    assert iut.hdlc.inactivity_timeout == 2.5
    assert iut.logical_devices[0].name == "DKT0000000000001"
    public, reader, management = iut.associations
    assert public.conformance == (
        Conformance.GET | Conformance.SELECTIVE_ACCESS | Conformance.BLOCK_TRANSFER_WITH_GET_OR_READ
    )
    assert public.max_pdu_size == 1024 and public.mechanism is Mechanism.NONE
    assert reader.mechanism is Mechanism.LLS
    assert reader.secret is not None and reader.secret.reveal() == b"12345678"
    assert reader.conformance == DEFAULT_CONFORMANCE
    assert management.context is ApplicationContextName.LOGICAL_NAME_WITH_CIPHERING
    assert management.ciphered and management.logical_names
    security = management.security
    assert security is not None and security.suite is SecuritySuite.SUITE_0
    assert security.policy == SecurityPolicy.from_v0(3)
    assert security.encryption_key is not None
    assert security.encryption_key.reveal() == bytes(range(16))
    assert security.kek is not None and security.kek.reveal().hex().upper() == kek
    assert management.conformance == Conformance(0x007E1F)
    assert security.invocation_counter == 4000
    assert iut.timeouts.response == 1.5 and iut.timeouts.silence == 0.2
    assert not iut.objects.write_back
    assert str(iut.objects.invoke[0]) == "7/1-0:99.1.0*255/2"
    assert iut.objects.skip == (Obis.parse("0-0:96.1.0*255"),)
    assert iut.lowest() == public
    assert management.level > reader.level > public.level


def test_secrets_never_shown(kek: str) -> None:
    iut = parse_iut(yaml.safe_load(EXAMPLE))
    text = repr(iut) + str(iut.to_dict())
    for secret in ("12345678", "000102030405060708090a0b0c0d0e0f", kek.lower()):
        assert secret not in text.lower()
    management = iut.to_dict()["associations"][2]
    assert management["security"]["encryption_key"] == "<redacted>"
    assert iut.to_dict()["associations"][1]["secret"] == "<redacted>"


def test_minimal_description_takes_defaults() -> None:
    iut = parse_iut({"associations": [{"client": 16}]})
    (public,) = iut.associations
    assert public.name == "association-1" and public.logical_device == 1
    assert iut.profile is None and iut.hdlc.server_address(1) == HdlcAddress(1, None, 1)
    assert iut.timeouts.response == 3.0


@pytest.mark.parametrize(
    ("document", "path", "words"),
    [
        ({}, "associations", "at least one"),
        ({"associations": [{"name": "x"}]}, "associations[0].client", "required"),
        ({"associations": [{"client": 200}]}, "associations[0].client", "0..127"),
        (
            {"associations": [{"client": 1, "mechanism": "hls9"}]},
            "associations[0].mechanism",
            "one of",
        ),
        ({"associations": [{"client": 1, "colour": "red"}]}, "associations[0]", "colour"),
        ({"associations": [{"client": 1, "mechanism": "lls"}]}, "associations[0]", "secret"),
        (
            {"associations": [{"client": 1, "context": "ln-ciphered"}]},
            "associations[0]",
            "security",
        ),
        (
            {"associations": [{"client": 1, "conformance": ["get", "teleport"]}]},
            "associations[0].conformance[1]",
            "teleport",
        ),
        (
            {"associations": [{"client": 1, "security": {"encryption_key": "0011", "suite": 0}}]},
            "associations[0].security.encryption_key",
            "16 octets",
        ),
        (
            {"associations": [{"client": 1, "security": {"client_system_title": "0011"}}]},
            "associations[0].security.client_system_title",
            "8",
        ),
        (
            {"associations": [{"client": 1}], "profile": {"hdlc": {"address_size": 3}}},
            "profile.hdlc.address_size",
            "1, 2 or 4",
        ),
        (
            {"associations": [{"client": 1}], "objects": {"invoke": ["7/x/2"]}},
            "objects.invoke[0]",
            "class/obis/method",
        ),
        (
            {"associations": [{"client": 1, "secret": {"env": "DKT_SURELY_UNSET_42"}}]},
            "associations[0].secret",
            "not set",
        ),
        (
            {"associations": [{"client": 1}, {"client": 2, "name": "association-1"}]},
            "associations",
            "unique",
        ),
        ("a string", "", "mapping"),
    ],
)
def test_errors_name_the_field(document: object, path: str, words: str) -> None:
    with pytest.raises(IutError) as info:
        parse_iut(document)
    assert info.value.path == path
    assert words in str(info.value)


def test_load_from_file(tmp_path: Path, kek: str) -> None:
    file = tmp_path / "iut.yaml"
    file.write_text(EXAMPLE)
    iut = load_iut(file)
    assert iut.source == "file iut.yaml" and len(iut.associations) == 3
    (tmp_path / "bad.yaml").write_text("associations: [client: 1\n")
    with pytest.raises(IutError, match="not valid YAML"):
        load_iut(tmp_path / "bad.yaml")
    with pytest.raises(IutError, match="cannot read"):
        load_iut(tmp_path / "missing.yaml")


_SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(-5, 70000)
    | st.floats(allow_nan=False)
    | st.text(max_size=12)
)
_KEYS = st.sampled_from(
    [
        "associations",
        "client",
        "name",
        "mechanism",
        "secret",
        "security",
        "suite",
        "policy",
        "encryption_key",
        "conformance",
        "profile",
        "hdlc",
        "kind",
        "address_size",
        "timeouts",
        "response",
        "objects",
        "invoke",
        "skip",
        "logical_devices",
        "address",
        "context",
        "x",
    ]
)
_DOCUMENTS = st.recursive(
    _SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_KEYS, inner, max_size=5),
    max_leaves=25,
)


@given(_DOCUMENTS)
def test_any_document_gives_an_iut_or_an_iut_error(document: object) -> None:
    try:
        iut = parse_iut(document)
    except IutError as exc:
        assert str(exc)
    else:
        assert iut.associations
