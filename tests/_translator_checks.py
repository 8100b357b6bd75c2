"""What the translator's JSON must state for each shared vector (used by the library tests in
tests/translator and the command-line tests in tests/cli, which see the same JSON).

Expected values are read from the vector entries themselves (``expected``): their
``verified_decode`` (data-notification bodies, HDLC frame fields), ``source_asserts`` and
the fields specific vectors state. Nothing of the vector data is copied here.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from dlmskit.cosem import DateTime, Obis

#: vectors whose decoding needs options beyond the layer and the keys
EXTRA_OPTIONS: dict[str, dict[str, Any]] = {
    # a bare ciphertext: the vector states SC 0x30 and IC 0x01234567 beside it
    "dlmscosem-glo-get-request-gb": {"security_control": 0x30, "invocation_counter": 0x01234567},
    # the client's f(StoC) of HLS pass 3: verified against the StoC challenge it states
    "gb-hls-gmac-pass3": {"challenge_from": "stoc_challenge"},
    # a real meter's AARE whose lengths are one byte short: the named quirk decodes it
    "jdlms-aare-sn-referencing": {"lenient": True},
}

#: vectors that must be refused: a non-zero exit and a message naming the problem
INVALID: dict[str, str] = {
    "hdlc-snrm-bad-hcs-negative": "HCS",
    "hdlc-unknown-command-negative": "APDU tag",
    "ctt-get-unknown-request-type": "GET-Request choice",
    "ctt-get-missing-elements": "instance-id",
    "ctt-set-unknown-type": "SET-Request choice",
    "ctt-set-missing-data": "instance-id",
}


def options_for(entry: dict[str, Any]) -> dict[str, Any]:
    """translate() keyword arguments for a vector (besides layer and keys)."""
    extra = dict(EXTRA_OPTIONS.get(entry["id"], {}))
    source = extra.pop("challenge_from", None)
    if source is not None:
        extra["challenge"] = bytes.fromhex(entry["expected"][source])
    return extra


# -- helpers over our JSON --------------------------------------------------------------------


def long_iip_int(fields: dict[str, Any]) -> int:
    return (
        fields["invoke_id"]
        | fields["self_descriptive"] << 28
        | fields["break_on_error"] << 29
        | (fields["service_class"] == "confirmed") << 30
        | (fields["priority"] == "high") << 31
    )


def only_message(doc: dict[str, Any]) -> dict[str, Any]:
    assert len(doc["messages"]) == 1, doc["messages"]
    return doc["messages"][0]


def plain(apdu: dict[str, Any]) -> dict[str, Any]:
    while "plain" in apdu:
        apdu = apdu["plain"]
    return apdu


def _value(typed: dict[str, Any]) -> tuple[str, Any]:
    assert isinstance(typed, dict) and len(typed) == 1, typed
    ((kind, value),) = typed.items()
    return kind, value


def _iso_of(raw: bytes) -> str:
    dt = DateTime.from_bytes(raw).to_datetime()
    return dt.isoformat()


def same_body(ours: dict[str, Any], expected: Any, path: str = "body") -> None:
    """Our typed JSON against a vector's ``body_simplified`` (OBIS:, DT:, numbers, text)."""
    kind, value = _value(ours)
    if isinstance(expected, list):
        assert kind in ("structure", "array"), f"{path}: {kind}"
        assert len(value) == len(expected), f"{path}: {len(value)} != {len(expected)}"
        for i, (a, b) in enumerate(zip(value, expected, strict=True)):
            same_body(a, b, f"{path}[{i}]")
        return
    if expected is None:
        assert kind == "null-data", f"{path}: {kind}"
        return
    if isinstance(expected, bool | int | float):
        assert kind not in ("octet-string", "visible-string"), f"{path}: {kind}"
        assert value == expected, f"{path}: {value} != {expected}"
        return
    assert isinstance(expected, str)
    if expected.startswith("OBIS:"):
        assert kind == "octet-string", f"{path}: {kind}"
        assert Obis.from_bytes(bytes.fromhex(value)).dotted == expected[5:], path
        return
    if expected.startswith("DT:"):
        assert kind == "octet-string", f"{path}: {kind}"
        ours_dt = DateTime.from_bytes(bytes.fromhex(value)).to_datetime()
        assert ours_dt == datetime.fromisoformat(expected[3:]), f"{path}: {ours_dt}"
        return
    if kind == "octet-string":
        assert bytes.fromhex(value).decode("ascii") == expected, path
    else:
        assert kind in ("visible-string", "utf8-string"), f"{path}: {kind}"
        assert value == expected, f"{path}: {value!r} != {expected!r}"


def check_notification(apdu: dict[str, Any], expected: dict[str, Any]) -> None:
    """A data-notification against a vector's ``verified_decode.data_notification``."""
    assert apdu["apdu"] == "data-notification"
    assert long_iip_int(apdu["long_invoke_id_and_priority"]) == int(
        expected["long_invoke_id_and_priority_hex"], 16
    )
    dt = expected["datetime"]
    encoding = expected["datetime_field_encoding"]
    assert apdu["tagged_date_time"] == encoding.startswith("tagged")
    if dt is None:
        assert apdu["date_time"] == ""
    else:
        stamp = apdu["timestamp"]
        for key in ("year", "month", "day", "hour", "minute", "second"):
            assert stamp[key] == dt[key], key
        assert stamp["day_of_week"] == dt["weekday"]
        assert stamp["clock_status"] == dt["clock_status"]
        if str(dt["deviation"]).startswith("unspecified"):
            assert stamp["deviation"] is None
        assert stamp["iso"] == dt["iso_local"]
    if "body_simplified" in expected:
        same_body(apdu["body"], expected["body_simplified"])


def check_frames(doc: dict[str, Any], frames: list[dict[str, Any]]) -> None:
    """Our HDLC units against a vector's ``verified_decode.hdlc_frames``."""
    units = doc["units"]
    assert len(units) == len(frames)
    for unit, frame in zip(units, frames, strict=True):
        assert unit["kind"] == "hdlc"
        assert unit["length_field"] == frame["length_field"]
        assert unit["segmented"] == frame["segmented_bit"]
        assert unit["destination"]["hex"] == frame["dst_addr_hex"]
        assert unit["source"]["hex"] == frame["src_addr_hex"]
        assert unit["control"] == frame["control"]
        assert unit["info_length"] == frame["info_len"]
        assert ("hcs" in unit) == (frame["hcs_ok"] is not None)  # HCS only with an info field


def _conformance_bits(value: dict[str, Any]) -> set[int]:
    return {b["bit"] for b in value["bits"]}


# -- per-vector checks ----------------------------------------------------------------------------


def check_vector(entry: dict[str, Any], doc: dict[str, Any], data: bytes) -> None:
    """Assert that ``doc`` (our JSON for the vector, decoded with --show-secrets) holds what
    the vector states."""
    vid = entry["id"]
    exp = entry["expected"]
    verified = exp.get("verified_decode") or {}
    asserts = exp.get("source_asserts") or {}
    assert doc["length"] == len(data)
    if "hdlc_frames" in verified:
        check_frames(doc, verified["hdlc_frames"])
    if "data_notification" in verified:
        message = only_message(doc)
        check_notification(plain(message["apdu"]), verified["data_notification"])
    if "information_field_hex" in verified and doc.get("messages"):
        message = only_message(doc)
        info = bytes.fromhex(verified["information_field_hex"])
        start = message["offset"]
        # (the AARE with the acse-lengths-short quirk has one byte more than its lengths say)
        assert data[start : start + len(info)] == info
        assert message["length"] - len(info) in (0, 1)
    checker = _CHECKS.get(vid)
    if checker is not None:
        checker(entry, doc, data)
    elif not verified and vid not in _NO_EXTRA:
        raise AssertionError(f"no check written for vector {vid}")
    del asserts


def _apdu(doc: dict[str, Any]) -> dict[str, Any]:
    return only_message(doc)["apdu"]


def _obis_dotted(text: str) -> str:
    return Obis.parse(text).dotted


def _gb_gcm(entry: dict[str, Any], doc: dict[str, Any], data: bytes) -> None:
    exp = entry["expected"]
    apdu = _apdu(doc)
    assert apdu["apdu"] == "glo-get-request" and apdu["tag"] == 0xC8
    sec = apdu["security"]
    assert sec["security_control"] == "30" and sec["deciphered"]
    assert sec["invocation_counter"] == int(exp["invocation_counter"], 16)
    assert apdu["plain"]["hex"] == exp["plaintext"]
    inner = apdu["plain"]
    assert inner["apdu"] == "get-request-normal"
    assert inner["attribute"] == {"class_id": 8, "instance_id": "0-0:1.0.0*255", "attribute_id": 2}
    assert bytes.fromhex(exp["ciphertext"] + exp["tag"]) in data


def _hls(entry: dict[str, Any], doc: dict[str, Any], data: bytes) -> None:
    exp = entry["expected"]
    h = doc["hls_gmac"]
    assert h["security_control"] == exp["security_control"][2:]
    assert h["invocation_counter"] == int(exp["invocation_counter"], 16)
    assert h["tag"] == exp["gmac_tag"]
    assert h["verified"] is True


def _initiate_gb(entry: dict[str, Any], doc: dict[str, Any], data: bytes) -> None:
    exp = entry["expected"]
    a = _apdu(doc)
    assert a["apdu"] == "initiate-request"
    assert "dedicated_key" not in a
    assert a["response_allowed"] is exp["response_allowed"]
    assert a["proposed_dlms_version_number"] == exp["proposed_dlms_version"]
    assert a["proposed_conformance"]["hex"] == exp["proposed_conformance"]
    assert a["client_max_receive_pdu_size"] == exp["client_max_receive_pdu_size"]


def _conformance(entry: dict[str, Any], doc: dict[str, Any], data: bytes) -> None:
    bits = {int(re.search(r"\((\d+)\)", b).group(1)) for b in entry["expected"]["bits_set"]}  # type: ignore[union-attr]
    assert _conformance_bits(doc["conformance"]) == bits
    names = {b["name"] for b in doc["conformance"]["bits"]}
    assert names == {re.sub(r" \(\d+\)", "", b) for b in entry["expected"]["bits_set"]}


def _release(kind: str) -> Any:
    def check(entry: dict[str, Any], doc: dict[str, Any], data: bytes) -> None:
        a = _apdu(doc)
        assert a["apdu"] == kind
        assert a["reason"] == "normal"

    return check


def _hdlc_single(frame: str, parameters: dict[str, int] | None = None) -> Any:
    def check(entry: dict[str, Any], doc: dict[str, Any], data: bytes) -> None:
        (unit,) = doc["units"]
        assert unit["frame"] == frame
        assert unit["poll_final"] is True
        assert doc["messages"] == []
        if parameters is not None:
            assert unit["parameters"] == parameters
        fcs = entry["expected"].get("fcs")
        if fcs:
            assert unit["fcs"] == fcs.split()[0]
        hcs = entry["expected"].get("hcs")
        if hcs:
            assert unit["hcs"] == hcs.split()[0]

    return check


def _snrm_params(entry: dict[str, Any], doc: dict[str, Any], data: bytes) -> None:
    p = entry["expected"]["parameters"]
    _hdlc_single(
        "SNRM",
        {
            "max_info_field_length_transmit": p["max_info_field_length_transmit"],
            "max_info_field_length_receive": p["max_info_field_length_receive"],
            "window_size_transmit": p["window_size_transmit"],
            "window_size_receive": p["window_size_receive"],
        },
    )(entry, doc, data)


def _disc(entry: dict[str, Any], doc: dict[str, Any], data: bytes) -> None:
    _hdlc_single("DISC")(entry, doc, data)
    (unit,) = doc["units"]
    assert unit["destination"] == {"upper": 1, "size": 1, "hex": "03"}
    assert unit["source"] == {"upper": 16, "size": 1, "hex": "21"}


def _dm(entry: dict[str, Any], doc: dict[str, Any], data: bytes) -> None:
    _hdlc_single("DM")(entry, doc, data)
    (unit,) = doc["units"]
    assert unit["destination"]["hex"] == "21" and unit["source"]["hex"] == "03"


def _crc(entry: dict[str, Any], doc: dict[str, Any], data: bytes) -> None:
    assert doc["crc"]["as_transmitted"] == entry["expected"]["hcs_as_transmitted"]


def _dt(entry: dict[str, Any], doc: dict[str, Any], data: bytes) -> None:
    exp = entry["expected"]
    dt = doc["date_time"]
    text = exp.get("date_time", "")
    if "deviation_minutes" in exp:
        assert dt["deviation"] == exp["deviation_minutes"]
        assert doc["iso"] == text
    if "clock_status" in exp:
        assert dt["clock_status"] == exp["clock_status"]
    if "day_of_week" in exp:
        assert dt["day_of_week"] is None
    if "not specified" in text:
        assert dt["deviation"] is None
        assert doc["iso"] == text.split(" ")[0]
    if exp.get("all_fields") == "not specified":
        # every field is 'not specified'; the clock status byte 00 is a value (no flag set)
        assert all(v is None for k, v in dt.items() if k != "clock_status")
        assert "iso" not in doc


def _axdr_date(entry: dict[str, Any], doc: dict[str, Any], data: bytes) -> None:
    exp = entry["expected"]["date"]
    kind, value = _value(doc["data"])
    assert kind == "date"
    if isinstance(exp, dict):
        assert value == {
            "year": exp["year"],
            "month": exp["month"],
            "day": exp["day"],
            "day_of_week": None,
        }
    else:
        assert all(v is None for v in value.values())


def _axdr_time(entry: dict[str, Any], doc: dict[str, Any], data: bytes) -> None:
    exp = entry["expected"]["time"]
    kind, value = _value(doc["data"])
    assert kind == "time"
    if exp[0].isdigit():
        h, m, rest = exp.split(":")
        s, hs = rest.split(".")
        assert value == {"hour": int(h), "minute": int(m), "second": int(s), "hundredths": int(hs)}
    else:
        assert all(v is None for v in value.values())


def _obis(entry: dict[str, Any], doc: dict[str, Any], data: bytes) -> None:
    assert doc["obis"] == entry["expected"]["obis"]
    assert doc["description"].lower().startswith(entry["expected"]["meaning"].lower())


def _aarq_ctt(version: int, pdu: int, context: str | None) -> Any:
    def check(entry: dict[str, Any], doc: dict[str, Any], data: bytes) -> None:
        a = _apdu(doc)
        assert a["apdu"] == "aarq"
        ui = a["user_information"]
        assert ui["proposed_dlms_version_number"] == version
        assert ui["client_max_receive_pdu_size"] == pdu
        ctx = a["application_context_name"]
        if context is None:
            assert "name" not in ctx  # no DLMS context: a server rejects it
        else:
            assert ctx["name"] == context

    return check


def _aarq(mechanism: str | None, text_value: str | None) -> Any:
    def check(entry: dict[str, Any], doc: dict[str, Any], data: bytes) -> None:
        a = _apdu(doc)
        asserts = entry["expected"]["source_asserts"]
        assert a["apdu"] == "aarq"
        assert a["application_context_name"]["name"] == "logical-name"
        if mechanism is None:
            assert "mechanism_name" not in a and "calling_authentication_value" not in a
        else:
            assert a["mechanism_name"]["name"] == mechanism
            assert a["calling_authentication_value"]["text"] == text_value
            assert text_value in asserts["authentication_value"]
        ui = a["user_information"]
        conformance = asserts.get("encode_equivalent", {}).get("conformance_bits_hex", "007E1F")
        assert ui["proposed_conformance"]["hex"] == conformance.lower()
        assert ui["client_max_receive_pdu_size"] == 1200
        assert ui["proposed_dlms_version_number"] == 6

    return check


def _aarq_ciphered(entry: dict[str, Any], doc: dict[str, Any], data: bytes) -> None:
    exp = entry["expected"]
    a = _apdu(doc)
    assert a["apdu"] == "aarq"
    assert a["application_context_name"]["name"] == "logical-name-with-ciphering"
    assert a["calling_ap_title"] == exp["source_asserts"]["system_title"].lower()
    assert (
        a["calling_authentication_value"]["text"] == exp["source_asserts"]["authentication_value"]
    )
    ui = a["user_information"]
    assert ui["apdu"] == "glo-initiate-request"
    assert ui["security"]["deciphered"] and ui["security"]["invocation_counter"] == 0x01234567
    assert ui["plain"]["hex"] == exp["user_information"]["decrypts_to_hex"]
    inner = ui["plain"]
    assert inner["dedicated_key"]["hex"] == "00112233445566778899aabbccddeeff"
    assert inner["proposed_conformance"]["hex"] == "007e1f"
    assert inner["client_max_receive_pdu_size"] == 1200


def _aare(result: str, diagnostic: str, conformance: str | None) -> Any:
    def check(entry: dict[str, Any], doc: dict[str, Any], data: bytes) -> None:
        a = _apdu(doc)
        asserts = entry["expected"]["source_asserts"]
        assert a["apdu"] == "aare"
        assert a["result"] == result
        assert a["result_source_diagnostic"] == diagnostic
        assert result.replace("-", "_").upper() in asserts["result"]
        ui = a["user_information"]
        if conformance is not None:
            assert ui["apdu"] == "initiate-response"
            assert ui["negotiated_conformance"]["hex"] == conformance
            if "server_max_receive_pdu_size" in asserts:
                assert ui["server_max_receive_pdu_size"] == asserts["server_max_receive_pdu_size"]
                assert ui["negotiated_dlms_version_number"] == 6
        else:
            assert ui["apdu"] == "confirmed-service-error"
            assert ui["service"] == "initiate-error" and ui["error"] == "initiate"
            assert ui["value"] == "dlms-version-too-low"

    return check


def _aare_hls(entry: dict[str, Any], doc: dict[str, Any], data: bytes) -> None:
    _aare("accepted", "authentication-required", "00501f")(entry, doc, data)
    a = _apdu(doc)
    assert a["mechanism_name"]["name"] == "high-gmac"
    stoc = entry["expected"]["source_asserts"]["authentication_value"]
    assert a["responding_authentication_value"]["text"] == stoc.split()[0]


def _rlre_ciphered(entry: dict[str, Any], doc: dict[str, Any], data: bytes) -> None:
    exp = entry["expected"]
    a = _apdu(doc)
    assert a["apdu"] == "rlre" and a["reason"] == "normal"
    ui = a["user_information"]
    assert ui["apdu"] == "glo-initiate-response" and ui["tag"] == 0x28
    assert ui["plain"]["hex"] == exp["decrypted_user_information_hex"]
    inner = ui["plain"]
    assert inner["negotiated_conformance"]["hex"] == "007c1f"
    assert inner["server_max_receive_pdu_size"] == 1024
    assert inner["vaa_name"] == 7


def _initiate_dedicated(entry: dict[str, Any], doc: dict[str, Any], data: bytes) -> None:
    asserts = entry["expected"]["source_asserts"]
    a = _apdu(doc)
    assert a["apdu"] == "initiate-request"
    assert a["dedicated_key"]["hex"] == asserts["dedicated_key"].lower()
    assert a["response_allowed"] is True
    assert a["proposed_dlms_version_number"] == asserts["proposed_dlms_version_number"]
    assert a["proposed_conformance"]["hex"] == asserts["conformance_hex"].lower()
    assert a["client_max_receive_pdu_size"] == asserts["client_max_receive_pdu_size"]


def _glo_get_gb(entry: dict[str, Any], doc: dict[str, Any], data: bytes) -> None:
    asserts = entry["expected"]["source_asserts"]
    a = _apdu(doc)
    assert a["security"]["deciphered"] and a["security"]["security_control"] == "30"
    assert a["plain"]["hex"] == asserts["plaintext"].lower()
    assert a["plain"]["apdu"] == "get-request-normal"


def _get_normal(entry: dict[str, Any], doc: dict[str, Any], data: bytes) -> None:
    s = entry["expected"]["source_asserts"]
    a = _apdu(doc)
    assert a["apdu"] == "get-request-normal"
    iip = a["invoke_id_and_priority"]
    assert iip["invoke_id"] == s["invoke_id_and_priority"]["invoke_id"]
    assert (iip["service_class"] == "confirmed") is s["invoke_id_and_priority"]["confirmed"]
    assert (iip["priority"] == "high") is s["invoke_id_and_priority"]["high_priority"]
    assert a["attribute"]["class_id"] == s["class_id"]
    assert _obis_dotted(a["attribute"]["instance_id"]) == s["instance"]
    assert a["attribute"]["attribute_id"] == s["attribute"]
    assert a.get("access_selection") is None


def _get_list(entry: dict[str, Any], doc: dict[str, Any], data: bytes) -> None:
    s = entry["expected"]["source_asserts"]
    a = _apdu(doc)
    assert a["apdu"] == "get-request-with-list"
    assert a["invoke_id_and_priority"]["invoke_id"] == s["invoke_id"]
    ours = [x["attribute"] for x in a["attributes"]]
    assert [(x["class_id"], _obis_dotted(x["instance_id"]), x["attribute_id"]) for x in ours] == [
        (i["class_id"], i["instance"], i["attribute"]) for i in s["items"]
    ]


def _plainvalue(typed: dict[str, Any]) -> Any:
    kind, value = _value(typed)
    if kind in ("structure", "array"):
        return [_plainvalue(v) for v in value]
    return value


def _get_response_list(entry: dict[str, Any], doc: dict[str, Any], data: bytes) -> None:
    s = entry["expected"]["source_asserts"]
    a = _apdu(doc)
    assert a["apdu"] == "get-response-with-list"
    assert [_plainvalue(r) for r in a["results"]] == s["result"]


def _range(entry: dict[str, Any], doc: dict[str, Any], data: bytes) -> None:
    s = entry["expected"]["source_asserts"]
    a = _apdu(doc)
    assert a["attribute"]["class_id"] == s["class_id"]
    assert _obis_dotted(a["attribute"]["instance_id"]) == s["instance"]
    sel = a["access_selection"]
    assert sel["access_selector"] == s["access_selector"]
    params = _value(sel["access_parameters"])[1]
    restricting = _plainvalue(params[0])
    ro = s["restricting_object"]
    assert restricting[0] == ro["class_id"]
    assert Obis.from_bytes(bytes.fromhex(restricting[1])) == Obis.parse(
        ro["instance"].replace("-", ".").replace(":", ".")
    )
    assert restricting[2] == ro["attribute"] and restricting[3] == ro["data_index"]
    start = DateTime.from_bytes(bytes.fromhex(_value(params[1])[1]))
    end = DateTime.from_bytes(bytes.fromhex(_value(params[2])[1]))
    assert start.to_datetime().replace(tzinfo=None).isoformat() == s["from"].split(" ")[0]
    assert start.deviation == -60 and int(start.clock_status or 0) == 0x80
    assert end.to_datetime().replace(tzinfo=None).isoformat() == s["to"]
    assert _value(params[3]) == ("array", [])


def _set_clock(entry: dict[str, Any], doc: dict[str, Any], data: bytes) -> None:
    s = entry["expected"]["source_asserts"]
    a = _apdu(doc)
    assert a["apdu"] == "set-request-normal"
    assert a["attribute"]["class_id"] == s["class_id"]
    assert _obis_dotted(a["attribute"]["instance_id"]) == s["instance"]
    assert a["invoke_id_and_priority"]["invoke_id"] == s["invoke_id"]
    kind, value = _value(a["value"])
    assert kind == "octet-string"
    dt = DateTime.from_bytes(bytes.fromhex(value))
    assert (dt.year, dt.month, dt.day, dt.hour, dt.minute, dt.second, dt.hundredths) == (
        2021,
        1,
        24,
        14,
        48,
        57,
        80,
    )
    assert dt.day_of_week is None and dt.deviation == -60


def _action_request(entry: dict[str, Any], doc: dict[str, Any], data: bytes) -> None:
    s = entry["expected"]["source_asserts"]
    a = _apdu(doc)
    assert a["apdu"] == "action-request-normal"
    assert a["method"]["class_id"] == s["class_id"]
    assert _obis_dotted(a["method"]["instance_id"]) == s["instance"]
    assert a["method"]["method_id"] == s["method"]
    iip = a["invoke_id_and_priority"]
    assert iip["invoke_id"] == s["invoke_id"]
    assert (iip["service_class"] == "confirmed") is s["confirmed"]
    assert (iip["priority"] == "high") is s["high_priority"]
    kind, value = _value(a["parameters"])
    # octet-string(17): SC 0x10 (GMAC), IC and the 12-byte tag
    assert kind == "octet-string" and len(value) == 34 and value.startswith("10")


def _action_response(entry: dict[str, Any], doc: dict[str, Any], data: bytes) -> None:
    s = entry["expected"]["source_asserts"]
    a = _apdu(doc)
    assert a["apdu"] == "action-response-normal"
    assert a["result"] == s["result"].lower()
    assert a["invoke_id_and_priority"]["invoke_id"] == s["invoke_id"]
    kind, value = _value(a["return_parameters"])
    assert kind == "octet-string" and value.startswith("10") and len(value) == 34


def _udp_ggc(entry: dict[str, Any], doc: dict[str, Any], data: bytes) -> None:
    exp = entry["expected"]
    w = exp["source_asserts"]["wrapper"]
    (unit,) = doc["units"]
    assert (unit["version"], unit["source_wport"], unit["destination_wport"]) == (
        w["version"],
        w["source_wport"],
        w["destination_wport"],
    )
    assert unit["apdu_length"] == w["length"]
    a = _apdu(doc)
    assert a["apdu"] == "general-glo-ciphering"
    assert a["system_title"] == exp["source_asserts"]["system_title_hex"]
    assert a["security"]["invocation_counter"] == 485 and a["security"]["deciphered"]
    assert a["plain"]["hex"] == exp["decrypted_apdu_hex"]
    inner = a["plain"]
    assert inner["apdu"] == "data-notification"
    assert inner["long_invoke_id_and_priority"]["invoke_id"] == 475
    kind, value = _value(inner["body"])
    assert kind == "octet-string" and len(value) == 68


def _kamstrup_body(entry: dict[str, Any], doc: dict[str, Any], data: bytes) -> None:
    exp = entry["expected"]
    same_body(doc["data"], exp["verified_decode"]["body_simplified"], "data")
    kind, value = _value(doc["data"])
    assert kind == "structure" and len(value) == exp["source_asserts"]["parsed_len"]


def _load_profile(entry: dict[str, Any], doc: dict[str, Any], data: bytes) -> None:
    exp = entry["expected"]
    kind, rows = _value(doc["data"])
    assert kind == "array" and len(rows) == exp["source_asserts"]["array_len"]
    for row in rows:
        assert len(_value(row)[1]) == exp["source_asserts"]["entry_len"]

    def entry_text(row: dict[str, Any]) -> tuple[str, int, int]:
        cells = _value(row)[1]
        dt = DateTime.from_bytes(bytes.fromhex(_value(cells[0])[1]))
        return dt.to_datetime().isoformat(), _value(cells[1])[1], _value(cells[2])[1]

    first, last = entry_text(rows[0]), entry_text(rows[-1])
    assert exp["first_entry"].startswith(first[0])
    assert f"status {first[1]}, value {first[2]}" in exp["first_entry"]
    assert exp["last_entry"].startswith(last[0])
    assert f"status {last[1]}, value {last[2]}" in exp["last_entry"]


_TX = (
    r"max_info_field_length_transmit=(\d+)|max tx (\d+)|max info tx (?:0x[0-9A-Fa-f]+=)?(\d+)"
    r"|max info tx/rx (\d+)"
)
_RX = r"max_info_field_length_receive=(\d+)|max info rx (\d+)|, rx (\d+)|max info tx/rx (\d+)"


def _ua_params(entry: dict[str, Any], doc: dict[str, Any], data: bytes) -> None:
    (unit,) = doc["units"]
    assert unit["frame"] == "UA"
    params = unit["parameters"]
    text = str(entry["expected"].get("meaning", ""))
    found = {
        "max_info_field_length_transmit": re.search(_TX, text),
        "max_info_field_length_receive": re.search(_RX, text),
    }
    for key, match in found.items():
        if match is not None:
            number = next(g for g in match.groups() if g)
            assert params[key] == int(number), (key, params)
    assert params["window_size_transmit"] == 1 and params["window_size_receive"] == 1


def _ua_4byte(entry: dict[str, Any], doc: dict[str, Any], data: bytes) -> None:
    _ua_params(entry, doc, data)
    s = entry["expected"]["source_asserts"]
    (unit,) = doc["units"]
    upper, lower, size = s["source_address"]
    assert unit["source"] == {"upper": upper, "lower": lower, "size": size, "hex": "00020023"}
    d_upper, _, d_size = s["destination_address"]
    assert unit["destination"]["upper"] == d_upper and unit["destination"]["size"] == d_size


def _snrm_2byte(entry: dict[str, Any], doc: dict[str, Any], data: bytes) -> None:
    (unit,) = doc["units"]
    dest = entry["expected"]["source_asserts"]["encodes_from"]["destination"]
    assert unit["frame"] == "SNRM" and "parameters" not in unit
    assert unit["destination"]["upper"] == dest["logical"]
    assert unit["destination"]["lower"] == dest["physical"]
    assert unit["source"]["upper"] == 16


def _i_aarq(entry: dict[str, Any], doc: dict[str, Any], data: bytes) -> None:
    s = entry["expected"]["source_asserts"]
    (unit,) = doc["units"]
    assert unit["frame"] == "I"
    assert unit["ns"] == s["send_sequence_number"] and unit["nr"] == s["receive_sequence_number"]
    assert unit["poll_final"] is s["final"]
    message = only_message(doc)
    if "information" in s:
        start = message["offset"] - 3
        assert data[start : message["offset"] + message["length"]].hex().upper() == s["information"]
        assert message["llc"] == "command"
        assert message["apdu"]["apdu"] == "aarq"
        assert message["apdu"]["user_information"]["client_max_receive_pdu_size"] == 0xFFFF
    else:
        assert message["llc"] == "response"
        aare = message["apdu"]
        assert aare["apdu"] == "aare" and aare["result"] == "accepted"
        assert aare["user_information"]["server_max_receive_pdu_size"] == 0x04C8
        assert aare["user_information"]["vaa_name"] == 7


def _jdlms_aare(entry: dict[str, Any], doc: dict[str, Any], data: bytes) -> None:
    aare = only_message(doc)["apdu"]
    assert aare["apdu"] == "aare"
    assert aare["application_context_name"]["name"] == "short-name"
    assert aare["result"] == "accepted"
    ui = aare["user_information"]
    assert _conformance_bits(ui["negotiated_conformance"]) == {3, 4, 14, 18}
    assert ui["server_max_receive_pdu_size"] == 0x0960
    assert ui["vaa_name"] == 0xFA00
    assert any("acse-lengths-short" in n for n in aare["notes"])


def _jdlms_ua(entry: dict[str, Any], doc: dict[str, Any], data: bytes) -> None:
    _ua_params(entry, doc, data)
    s = entry["expected"]["source_asserts"]
    if "source_address" in s:
        (unit,) = doc["units"]
        assert unit["source"]["upper"] == 1 and unit["source"]["lower"] == 17
        assert unit["destination"]["upper"] == 100


def _kamstrup_hdlc(entry: dict[str, Any], doc: dict[str, Any], data: bytes) -> None:
    exp = entry["expected"]
    (unit,) = doc["units"]
    assert unit["hcs"] == exp["hdlc"]["hcs"].lower() and unit["fcs"] == exp["hdlc"]["fcs"].lower()
    assert unit["frame"] == "UI"
    body = _value(plain(only_message(doc)["apdu"])["body"])[1]
    values = {}
    for i in range(1, len(body) - 1, 2):
        if _value(body[i])[0] == "octet-string" and len(_value(body[i])[1]) == 12:
            values[Obis.from_bytes(bytes.fromhex(_value(body[i])[1])).dotted] = _value(body[i + 1])[
                1
            ]
    for key, value in exp["data_notification"].items():
        if key[0].isdigit():
            assert values[key] == value, key


def _aidon_hdlc_payload(entry: dict[str, Any], doc: dict[str, Any], data: bytes) -> None:
    s = entry["expected"]["source_asserts"]
    message = only_message(doc)
    assert s["frames"] == 1 and len(doc["units"]) == 1
    start = message["offset"] - 3
    payload = data[start : message["offset"] + message["length"]].hex()
    assert (
        payload == s["payload"].split()[-1]
        or s["payload"].startswith(payload)
        or (payload in s["payload"])
    )


_NO_EXTRA: set[str] = set()

_CHECKS: dict[str, Any] = {
    "gb-gcm-glo-get-request": _gb_gcm,
    "gb-hls-gmac-pass3": _hls,
    "gb-xdlms-initiate-request": _initiate_gb,
    "gb-conformance-007e1f": _conformance,
    "gb-rlrq": _release("rlrq"),
    "gb-rlre": _release("rlre"),
    "hdlc-disc": _disc,
    "hdlc-dm": _dm,
    "hdlc-snrm-with-parameters": _snrm_params,
    "crc-x25-check": _crc,
    "dt-plus2": _dt,
    "dt-plus1": _dt,
    "dt-deviation-unspecified": _dt,
    "dt-wildcard-all": _dt,
    "axdr-date": _axdr_date,
    "axdr-date-wildcard": _axdr_date,
    "axdr-time": _axdr_time,
    "axdr-time-wildcard": _axdr_time,
    "obis-invocation-counter": _obis,
    "ctt-aarq-wrong-app-context": _aarq_ctt(6, 0xFFFF, None),
    "ctt-aarq-dlms-version-7": _aarq_ctt(7, 0xFFFF, "logical-name"),
    "ctt-aarq-pdu-size-11": _aarq_ctt(6, 11, "logical-name"),
    "amshan-kamstrup-hdlc-full": _kamstrup_hdlc,
    "amshan-hdlc-aidon-0x7d-in-info": _aidon_hdlc_payload,
    "amshan-hdlc-kaifa-0x7e-in-info": _aidon_hdlc_payload,
    "dlmscosem-hdlc-snrm": _snrm_2byte,
    "dlmscosem-hdlc-ua-negotiation": _ua_params,
    "dlmscosem-hdlc-ua-4byte-src": _ua_4byte,
    "dlmscosem-hdlc-ua-no-info-fiorentini": _hdlc_single("UA"),
    "dlmscosem-hdlc-i-aarq": _i_aarq,
    "dlmscosem-hdlc-i-aare": _i_aarq,
    "dlmscosem-aarq-ln-nosec": _aarq(None, None),
    "dlmscosem-aarq-ln-lls": _aarq("low", "12345678"),
    "dlmscosem-aarq-ln-hls-gmac": _aarq("high-gmac", "K56iVagY"),
    "dlmscosem-aarq-ciphered-lls": _aarq_ciphered,
    "dlmscosem-aare-accepted": _aare("accepted", "null", "00501f"),
    "dlmscosem-aare-rejected-app-context": _aare(
        "rejected-permanent", "application-context-name-not-supported", "00501f"
    ),
    "dlmscosem-aare-dlms-version-too-low": _aare("rejected-permanent", "no-reason-given", None),
    "dlmscosem-aare-hls-gmac": _aare_hls,
    "dlmscosem-rlre-ciphered": _rlre_ciphered,
    "dlmscosem-initiate-request-dedicated-key": _initiate_dedicated,
    "dlmscosem-glo-get-request-gb": _glo_get_gb,
    "dlmscosem-get-request-normal": _get_normal,
    "dlmscosem-get-request-with-list": _get_list,
    "dlmscosem-get-response-with-list-compound": _get_response_list,
    "dlmscosem-get-request-range-descriptor": _range,
    "dlmscosem-set-request-clock": _set_clock,
    "dlmscosem-action-request-hls-reply": _action_request,
    "dlmscosem-action-response-with-data": _action_response,
    "dlmscosem-udp-ggc-datanotification": _udp_ggc,
    "dlmscosem-kamstrup-han-body": _kamstrup_body,
    "dlmscosem-load-profile-array": _load_profile,
    "jdlms-ua-landisgyr-e650": _jdlms_ua,
    "jdlms-ua-kamstrup": _jdlms_ua,
    "jdlms-ua-iskra": _jdlms_ua,
    "jdlms-aare-sn-referencing": _jdlms_aare,
}
