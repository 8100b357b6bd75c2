"""The ciphered containers of :mod:`dlmskit.apdu.ciphered` and the cryptography of
:mod:`dlmskit.security` agree on the wire: what one writes the other reads, with the Green Book
keys (EK 000102..0F, AK D0D1..DF, system title 4D4D4D0000BC614E, IC 0x01234567)."""

from __future__ import annotations

import pytest

security = pytest.importorskip("dlmskit.security")

from dlmskit import apdu  # noqa: E402
from dlmskit.apdu import (  # noqa: E402
    CipheredApdu,
    CipheredTag,
    GeneralCiphering,
    GeneralGloCiphering,
    GetRequestNormal,
    IdentifiedKey,
)

EK = bytes(range(16))
AK = bytes(range(0xD0, 0xE0))
SYSTEM_TITLE = bytes.fromhex("4d4d4d0000bc614e")
PLAIN_GET = bytes.fromhex("c0010000080000010000ff0200")
GREEN_BOOK = bytes.fromhex("c81e3001234567411312ff935a47566827c467bc7d825c3be4a77c3fcc056b6b")


def _keys() -> object:
    return security.SymmetricKeys(unicast=EK, authentication=AK)


def test_security_deciphers_our_container() -> None:
    container = CipheredApdu(
        CipheredTag.GLO_GET_REQUEST,
        0x30,
        0x01234567,
        bytes.fromhex("411312ff935a47566827c467bc7d825c3be4a77c3fcc056b6b"),
    )
    assert container.encode() == GREEN_BOOK
    opened = security.decrypt(container.encode(), keys=_keys(), system_title=SYSTEM_TITLE)
    assert opened.plaintext == PLAIN_GET
    assert opened.invocation_counter == container.invocation_counter
    assert int(opened.security) == container.security_control
    plain = apdu.decode(opened.plaintext)
    assert isinstance(plain, GetRequestNormal)
    assert plain.attribute.class_id == 8


@pytest.mark.parametrize("tag", [CipheredTag.GLO_GET_REQUEST, 0xDB])
def test_we_read_what_security_writes(tag: int) -> None:
    sealed = security.encrypt(
        int(tag),
        PLAIN_GET,
        security=0x30,
        system_title=SYSTEM_TITLE,
        invocation_counter=0x01234567,
        keys=_keys(),
    )
    container = apdu.decode(sealed)
    assert container.encode() == sealed
    if tag == 0xDB:
        assert isinstance(container, GeneralGloCiphering)
        assert container.system_title == SYSTEM_TITLE
    else:
        assert isinstance(container, CipheredApdu)
        assert container.plain_tag == PLAIN_GET[0]
        assert sealed == GREEN_BOOK
    assert (container.security_control, container.invocation_counter) == (0x30, 0x01234567)
    assert container.security_header == bytes.fromhex("3001234567")


def test_general_ciphering_layouts_agree() -> None:
    ours = GeneralCiphering(
        transaction_id=bytes(8),
        originator_system_title=SYSTEM_TITLE,
        recipient_system_title=b"RECIPIEN",
        date_time=b"",
        other_information=b"",
        key_info=IdentifiedKey(),
        security_control=0x31,
        invocation_counter=7,
        ciphered_content=bytes(20),
    )
    theirs = security.GeneralCiphering.from_bytes(ours.encode())
    assert theirs.transaction_id == ours.transaction_id
    assert theirs.originator_system_title == SYSTEM_TITLE
    assert theirs.recipient_system_title == b"RECIPIEN"
    assert theirs.invocation_counter == 7
    assert theirs.ciphered_content == ours.security_header + ours.ciphered_content
    assert theirs.to_bytes() == ours.encode()
    assert apdu.decode(theirs.to_bytes()) == ours
