"""Key material shared by the security tests: the Green Book's published example keys (facts
of the standard, not secrets) and helpers."""

from __future__ import annotations

from dlmskit.security import Key, SecuritySuite, SymmetricKeys

h = bytes.fromhex

# Green Book worked examples (Table "AES-GCM test vectors", HLS-GMAC example)
EK = h("000102030405060708090a0b0c0d0e0f")
AK = h("d0d1d2d3d4d5d6d7d8d9dadbdcdddedf")
ST_BC614E = h("4d4d4d0000bc614e")
ST_000001 = h("4d4d4d0000000001")
GET_CLOCK = h("c0010000080000010000ff0200")  # get-request-normal, Clock 0.0.1.0.0.255 attr 2

GB_KEYS = SymmetricKeys(unicast=Key(EK), authentication=Key(AK))


def suite_keys(suite: SecuritySuite) -> SymmetricKeys:
    n = suite.key_length
    return SymmetricKeys(
        suite=suite,
        unicast=Key(bytes(range(n))),
        broadcast=Key(bytes(range(0x40, 0x40 + n))),
        authentication=Key(bytes(range(0xA0, 0xA0 + n))),
        dedicated=Key(bytes(range(0x80, 0x80 + n))),
        master=Key(bytes(range(0x20, 0x20 + n))),
    )
