"""Security suite 1 against the Green Book's worked examples (Annex C test vectors and the
general-ciphering examples with agreed keys). The numbers are the standard's published test
material (facts), written here directly.

What they settle:

* the key pairs, ECDH shared secrets and ECDSA signatures of the examples verify with our
  code (and with cryptography's primitives underneath);
* the AlgorithmID inside the KDF's OtherInfo is 60 85 74 05 08 03 00: with it, the keys we
  derive decipher both general-ciphering examples into the example's ACCESS.request and
  re-encrypt it to the very ciphertext printed (with the 06 variant some tools use, they do
  not);
* the One-Pass signature covers the bare ephemeral public key, the Ephemeral Unified Model
  signature covers key_id || ephemeral public key;
* the Static Unified Model's OtherInfo puts len(transaction-id) || transaction-id after the
  originator's system title.

The 12-octet tags printed in both general-ciphering examples do not verify with the AAD the
Green Book specifies (nor with any arrangement of the fields we tried); Gurux's tests of the
same examples leave the tag check commented out. Those two checks are strict xfails.
"""

from __future__ import annotations

import pytest

from _security_material import AK, ST_000001, ST_BC614E, h
from dlmskit.security import (
    DecipheringError,
    GeneralCiphering,
    IdentifiedKeyId,
    KeyAgreementScheme,
    SecurityControl,
    SecuritySuite,
    SignatureError,
    SymmetricKeys,
    agreement,
    ecc,
    open_general_ciphering,
    seal_general_ciphering,
)
from dlmskit.security.general import AgreedKey

S1 = SecuritySuite.SUITE_1
CLIENT_ST, SERVER_ST = ST_BC614E, ST_000001

# Table C.1: digital signature key pairs
CLIENT_SIGN_D = h("418073C239FA6125011DE4D6CD2E645780289F761BB21BFB0835CB5585E8B373")
CLIENT_SIGN_Q = h(
    "BAAFFDE06A8CB1C9DAE8D94023C601DBBB249254BA22EDD827E820BCA2BCC643"
    "62FBB83D86A82B87BB8B7161D2AAB5521911A946B97A284A90F7785CD9047D25"
)
SERVER_SIGN_D = h("AE55414FFE079F9FC95649536BD1C2B5653D200813727E07D501A8B550C69207")
SERVER_SIGN_Q = h(
    "933ACF15B03A9248E029B2787FB52A0AECAF635F07C42A0019FB3197E38F8F54"
    "9A125EA36781B0CA96BE89A0E1FE2CF9B7361ED48B3C5E24592B9C0F4EDD31D1"
)
# Ephemeral Unified Model: the client's signed ephemeral key, the server's ephemeral pair
EUM_CLIENT_Q = h(
    "2914D60E10AB705F62ED6CC349D7CB99B9AB3F3978E59278C7AF595B3AF98794"
    "1372DAB6D5AF1FA867E134167E6F23DE664A6693E05F43414611058D1B48F894"
)
EUM_CLIENT_SIG = h(
    "06F0607702AA0E2435A183E2F6B1ECD19629712E389A213610C03F77B2590860"
    "EA840AF5C3FA1F2BCDF055D4744E9A01CE9A0E55026BCAA4EEBEB764CED64BB3"
)
EUM_SERVER_D = h("34A8C23A34DBB519D09B245754C85A6CFE05D14A063EFA5AA41545AA8241EFAE")
EUM_SERVER_Q = h(
    "95F41066009B185B074F5FFFF736B71C325FCADB2BC0CF1A4F4B17BBE7AB81D6"
    "2946506BC8169C7B539B39A5D8463787F449C9BD2583FA67A1075B0DBFC638BA"
)
EUM_Z = h("C1CF8FE7891AEF3617D7190795E61FE6C24EFC3CCA2E08469BAD1A225CE6EA08")

# Table C.2: static key agreement key pairs, one-pass ephemeral keys
CLIENT_KA_D = h("A51C16FF5C498FCC89323D4A9267CD71BF81FD6F6A891CD240DA7F3D6F283E65")
CLIENT_KA_Q = h(
    "07C56DE2DCAF0FD793EF29F019C89B4A0CC1E001CE94F4FFBE10BC05E7E66F76"
    "71A13FBCF9E662B9826FFF6A6938546D524ED6D3405F020296BDE16B04F7A7C2"
)
SERVER_KA_D = h("AAD3FD0732E991CF52A74C66C1F2827DDC53522A2E0A169D7C4FFCC0FB5D6A4D")
SERVER_KA_Q = h(
    "A653565B0E06070BAE9FBE140A5D2156812AEE2DD525053E3EFC850BF13BFDFF"
    "CB240BC7B77BFF5883344E7275908D2287BEFA3725017295A096989D2338290B"
)
OP_CLIENT_EPH_D = h("47DAB03842E5B6E74828EF4F449B378D7DD1A5DAE1FFCA5AE0B0BE0AD18EC57E")
OP_CLIENT_EPH_Q = h(
    "C323C2BD45711DE4688637D919F92E9DB8FB2DFC213A88D21C9DC8DCBA917D81"
    "70511DE1BADB360D50058F794B0960AE11FA28D392CFF907A62D13E3357B1DC0"
)
OP_CLIENT_SIG = h(
    "B51BE089D0B682863B2217201E73A1A9031968A9B4121DCBC3281A69739AF874"
    "29F5B3AC5471E7B6A04A2C0F2F8A25FD772A317DF97FC5463FEAC248EB8AB8BE"
)
OP_Z_TO_SERVER = h("0D4385BA0DD756CBCAB9887EB538396EE8F090A14C1079B4359F115B977F4615")
OP_KEY_TO_SERVER = h("59A71FD81C929A86A99438DA17A66C05")
OP_SERVER_EPH_Q = h(
    "6439724714B47CD9CB988897D8424AB946DCD083D37A954637616011B9C23787"
    "73295F0F850D8DAFD1BBE9FE666E53E4F097CD10B38B69622152724A90987444"
)
OP_SERVER_SIG = h(
    "E1FF47974A1F6931A6502F58147463F0E8CC517D47F55B0AC56DD8AC5C9D0E48"
    "1934F2D90F9893016BD82B6E3FFE21FF1588F3278B4E9D98EB4FB62ADD64B380"
)
OP_Z_TO_CLIENT = h("2B4302DC49790E2E78D990CFB52ED6E2F273DECE441A2D95E4301B93812A9FAC")
OP_KEY_TO_CLIENT = h("F0184BDA9466BFA4601A64A7EF46504A")
SU_KEY = h("56C46B57DF675515C31025455822514A")  # static unified model, transaction-id 0102..08
TRANSACTION_ID = h("0102030405060708")

# The ACCESS.request the examples protect (Green Book ACCESS service example)
ACCESS_REQUEST = h(
    "D94000000000040100010000600100FF020100080000010000FF0202001400000D0000FF0702001400"
    "000D0000FF0804000001040203090100090CFFFFFFFFFFFFFF00000000000901FF0203090101090CFF"
    "FFFFFFFFFFFF00000000000901FF0203090102090CFFFFFFFFFFFFFF00000000000901FF0203090103"
    "090CFFFFFFFFFFFFFF00000000000901FF0104020809010011FF11FF11FF11FF11FF11FF11FF020809"
    "01011102110111011101110111011101020809010211FF11FF11FF11FF11FF11FF11FF020809010311"
    "01110211021102110211021102"
)
# Table 41: ACCESS.request with general-ciphering, One-Pass DH key agreement, SC 0x31, IC 0
GB_TABLE_41 = h(
    "DD080102030405060708084D4D4D0000BC614E084D4D4D000000000100000102"
    "01018180" + OP_CLIENT_EPH_Q.hex() + OP_CLIENT_SIG.hex() + "81EB3100000000"
    "F435069679270C5BF4425EE5777402A6C8D51C620EED52DBB188378B836E2857"
    "D5C053E6DDF27FA87409AEF502CD9618AE47017C010224FD109CC0BEB21E742D"
    "44AB40CD11908743EC90EC8C40E221D517F72228E1A26E827F43DC18ED27B5F4"
    "58D66508B05A2A4CC6FED178C881AFC3BC67064689BE8BB41C80ABB3C114A31F"
    "4CB03B8B64C7E0B4CE77B2399C93347858888F92239713B38DF01C4858245827"
    "A92EF334172EA636B31CBBDF2A96AD5D035F66AA38F1A2D97D4BBA99622E6B5F"
    "18789CECB2DFB3937D9F3E17F8B472098E6563238F3752837480"
    "9836002AEA6E7012D2ADFAA7"
)
# Static Unified Model example: ciphertext || tag of the same ACCESS.request, IC 0
GB_STATIC_UNIFIED_CIPHERED = h(
    "607581D83815281B561904E6A72B83BF3FB0B1F2A0A23A82A804B39911F6CB1B4EF9B6F76C6338ED"
    "058014FFBF4A13A162E0EED11EEB8F597757A18215F28E1D3FC2D44586C4B8AFE4500B535B579506"
    "CDB925CBEFF7F1CF6BF96C583B9CF588FE8F6B01A574824D7CEC597F057FFA8700AF12AD63A7FA72"
    "040439F4392C089B265F9EB1AC308239906DC04E1A8712ABE383CF92349842EBA166EF2E9EB2F53D"
    "0DBA025D79875463398BBC3007BC4A6FC12780C21EE1ABF080BF0FA926242834C0AC30D55A1EF885"
    "6E7DED48621F17FDF4D5B54EDDADD874119251049B6AEE111C12FBC2FEAF"
)


def priv(d: bytes) -> ecc.PrivateKey:
    return ecc.private_key_from_bytes(d, S1)


def pub(q: bytes) -> ecc.PublicKey:
    return ecc.public_key_from_bytes(q, S1)


@pytest.mark.parametrize(
    ("d", "q"),
    [
        (CLIENT_SIGN_D, CLIENT_SIGN_Q),
        (SERVER_SIGN_D, SERVER_SIGN_Q),
        (EUM_SERVER_D, EUM_SERVER_Q),
        (CLIENT_KA_D, CLIENT_KA_Q),
        (SERVER_KA_D, SERVER_KA_Q),
        (OP_CLIENT_EPH_D, OP_CLIENT_EPH_Q),
    ],
)
def test_key_pairs(d: bytes, q: bytes) -> None:
    assert ecc.public_key_to_bytes(priv(d)) == q
    assert ecc.private_key_to_bytes(priv(d)).reveal() == d


def test_ephemeral_unified_model_signature_covers_key_id_and_key() -> None:
    ecc.ecdsa_verify(pub(CLIENT_SIGN_Q), b"\x00" + EUM_CLIENT_Q, EUM_CLIENT_SIG, S1)
    with pytest.raises(SignatureError):
        ecc.ecdsa_verify(pub(CLIENT_SIGN_Q), EUM_CLIENT_Q, EUM_CLIENT_SIG, S1)
    with pytest.raises(SignatureError):  # key_id 1 (broadcast) was not what was signed
        ecc.ecdsa_verify(pub(CLIENT_SIGN_Q), b"\x01" + EUM_CLIENT_Q, EUM_CLIENT_SIG, S1)


def test_ephemeral_unified_model_meter_side() -> None:
    assert ecc.ecdh(priv(EUM_SERVER_D), pub(EUM_CLIENT_Q)).reveal() == EUM_Z
    offer = agreement.EphemeralOffer(
        S1, agreement.GlobalKeyId.UNICAST_ENCRYPTION, priv(EUM_SERVER_D), b""
    )
    key = agreement.ephemeral_agree(
        offer,
        EUM_CLIENT_Q + EUM_CLIENT_SIG,
        pub(CLIENT_SIGN_Q),
        client_system_title=CLIENT_ST,
        server_system_title=SERVER_ST,
    )
    # KDF(Z, AlgorithmID 60857405080300, client title, server title): computed here with the
    # AlgorithmID the general-ciphering examples confirm (the Green Book's own value for
    # this table was not available to us).
    assert key.reveal() == ecc.concat_kdf(EUM_Z, h("60857405080300") + CLIENT_ST + SERVER_ST, S1)
    assert key.reveal().hex() == "c5f4512846ede51cfb8ccf59f08a694e"


def test_one_pass_signatures_cover_the_bare_ephemeral_key() -> None:
    ecc.ecdsa_verify(pub(CLIENT_SIGN_Q), OP_CLIENT_EPH_Q, OP_CLIENT_SIG, S1)
    ecc.ecdsa_verify(pub(SERVER_SIGN_Q), OP_SERVER_EPH_Q, OP_SERVER_SIG, S1)


def test_one_pass_to_server() -> None:
    assert ecc.ecdh(priv(SERVER_KA_D), pub(OP_CLIENT_EPH_Q)).reveal() == OP_Z_TO_SERVER
    assert ecc.ecdh(priv(OP_CLIENT_EPH_D), pub(SERVER_KA_Q)).reveal() == OP_Z_TO_SERVER
    key = agreement.one_pass_receive(
        S1,
        AgreedKey(KeyAgreementScheme.ONE_PASS_DIFFIE_HELLMAN, OP_CLIENT_EPH_Q + OP_CLIENT_SIG),
        own_key=priv(SERVER_KA_D),
        originator_signing_key=pub(CLIENT_SIGN_Q),
        originator_system_title=CLIENT_ST,
        recipient_system_title=SERVER_ST,
    )
    assert key.reveal() == OP_KEY_TO_SERVER


def test_one_pass_to_client() -> None:
    assert ecc.ecdh(priv(CLIENT_KA_D), pub(OP_SERVER_EPH_Q)).reveal() == OP_Z_TO_CLIENT
    key = agreement.one_pass_receive(
        S1,
        AgreedKey(KeyAgreementScheme.ONE_PASS_DIFFIE_HELLMAN, OP_SERVER_EPH_Q + OP_SERVER_SIG),
        own_key=priv(CLIENT_KA_D),
        originator_signing_key=pub(SERVER_SIGN_Q),
        originator_system_title=SERVER_ST,
        recipient_system_title=CLIENT_ST,
    )
    assert key.reveal() == OP_KEY_TO_CLIENT


def test_table_41_key_info_and_key() -> None:
    gc = GeneralCiphering.from_bytes(GB_TABLE_41)
    assert len(GB_TABLE_41) == 401
    assert gc.transaction_id == TRANSACTION_ID
    assert (gc.originator_system_title, gc.recipient_system_title) == (CLIENT_ST, SERVER_ST)
    assert gc.date_time == b"" and gc.other_information == b""
    assert gc.key_info == AgreedKey(
        KeyAgreementScheme.ONE_PASS_DIFFIE_HELLMAN, OP_CLIENT_EPH_Q + OP_CLIENT_SIG
    )
    assert gc.security == SecurityControl(0x31) and gc.invocation_counter == 0
    assert gc.to_bytes() == GB_TABLE_41
    key = agreement.general_ciphering_key(
        gc,
        keys=SymmetricKeys(suite=S1),
        key_agreement_key=priv(SERVER_KA_D),
        originator_signing_key=pub(CLIENT_SIGN_Q),
    )
    assert key.reveal() == OP_KEY_TO_SERVER
    # a forged ephemeral key is refused before any key is derived
    assert GB_TABLE_41[36:100] == OP_CLIENT_EPH_Q and GB_TABLE_41[100:164] == OP_CLIENT_SIG
    for at, error in ((120, SignatureError), (40, DecipheringError)):
        forged = bytearray(GB_TABLE_41)
        forged[at] ^= 1
        with pytest.raises(error):
            agreement.general_ciphering_key(
                GeneralCiphering.from_bytes(bytes(forged)),
                keys=SymmetricKeys(suite=S1),
                key_agreement_key=priv(SERVER_KA_D),
                originator_signing_key=pub(CLIENT_SIGN_Q),
            )


def _reseal(key: bytes, key_info: AgreedKey | None) -> bytes:
    return seal_general_ciphering(
        ACCESS_REQUEST,
        security=0x31,
        key=key,
        authentication_key=AK,
        invocation_counter=0,
        transaction_id=TRANSACTION_ID,
        originator_system_title=CLIENT_ST,
        recipient_system_title=SERVER_ST,
        key_info=key_info,
    )


def test_table_41_ciphertext_is_reproduced() -> None:
    ours = _reseal(
        OP_KEY_TO_SERVER,
        AgreedKey(KeyAgreementScheme.ONE_PASS_DIFFIE_HELLMAN, OP_CLIENT_EPH_Q + OP_CLIENT_SIG),
    )
    # everything but the 12-octet tag is the Green Book's APDU, octet for octet
    assert ours[:-12] == GB_TABLE_41[:-12]
    # and the ciphertext deciphers, with our own tag, to the ACCESS.request
    opened = open_general_ciphering(
        ours, key=OP_KEY_TO_SERVER, authentication_key=AK, recipient_system_title=SERVER_ST
    )
    assert opened.plaintext == ACCESS_REQUEST


def test_table_41_with_the_06_algorithm_id_does_not_decipher() -> None:
    wrong = ecc.concat_kdf(OP_Z_TO_SERVER, h("60857406080300") + CLIENT_ST + SERVER_ST, S1)
    assert _reseal(wrong, None)[-235:-12] != GB_TABLE_41[-235:-12]


@pytest.mark.xfail(
    strict=True, reason="the printed tag of Table 41 does not verify (see module doc)"
)
def test_table_41_printed_tag_verifies() -> None:
    open_general_ciphering(GB_TABLE_41, key=OP_KEY_TO_SERVER, authentication_key=AK)


def test_static_unified_model_key_and_ciphertext() -> None:
    key, info = agreement.static_unified_originate(
        S1,
        own_key=priv(CLIENT_KA_D),
        recipient_key=pub(SERVER_KA_Q),
        transaction_id=TRANSACTION_ID,
        originator_system_title=CLIENT_ST,
        recipient_system_title=SERVER_ST,
    )
    assert key.reveal() == SU_KEY
    assert info == AgreedKey(KeyAgreementScheme.STATIC_UNIFIED_MODEL, b"")
    meter = agreement.static_unified_receive(
        S1,
        own_key=priv(SERVER_KA_D),
        originator_key=pub(CLIENT_KA_Q),
        transaction_id=TRANSACTION_ID,
        originator_system_title=CLIENT_ST,
        recipient_system_title=SERVER_ST,
    )
    assert meter == key
    ours = _reseal(SU_KEY, info)
    assert ours[-len(GB_STATIC_UNIFIED_CIPHERED) : -12] == GB_STATIC_UNIFIED_CIPHERED[:-12]
    other_info = agreement.static_unified_other_info(
        S1,
        transaction_id=TRANSACTION_ID,
        originator_system_title=CLIENT_ST,
        recipient_system_title=SERVER_ST,
    )
    assert other_info == h("60857405080300") + CLIENT_ST + b"\x08" + TRANSACTION_ID + SERVER_ST


@pytest.mark.xfail(
    strict=True, reason="the printed tag of the static unified example does not verify"
)
def test_static_unified_printed_tag_verifies() -> None:
    apdu = _reseal(SU_KEY, AgreedKey(KeyAgreementScheme.STATIC_UNIFIED_MODEL))
    printed = apdu[: -len(GB_STATIC_UNIFIED_CIPHERED)] + GB_STATIC_UNIFIED_CIPHERED
    open_general_ciphering(printed, key=SU_KEY, authentication_key=AK)


def test_identified_key_id_is_used() -> None:
    assert IdentifiedKeyId.GLOBAL_BROADCAST_ENCRYPTION == 1
