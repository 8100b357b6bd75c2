"""The reference meter simulator against the whole suite: it passes every applicable test
case over the wrapper and over HDLC (no special case for it anywhere in the suite: it is
described by an ordinary IUT file, dlmskit/conformance/reference-iut.yaml); and with
each of its defects switched on, the test cases that target that defect report FAILED while
every other case keeps the verdict the correct meter gets."""

from __future__ import annotations

import asyncio
import dataclasses

import pytest

from conformance._reference import reference_iut, reference_meter, suites_iut
from dlmskit.conformance import RunReport, RunSettings, Verdict, run_suite
from dlmskit.security import Key
from dlmskit.server import MeterQuirks

pytestmark = [pytest.mark.timeout(180)]

#: Each defect of the simulator and the test cases that target it (the suite reports them
#: FAILED). Left out: the defects that break every exchange (a wrong invoke-id, a corrupted
#: f(CtoS), responses left unprotected, wPorts not swapped): they fail every case that talks
#: to the meter at all, which proves nothing about any one case.
TARGETS: dict[str, set[str]] = {
    "wrong_aare_diagnostic": {"T_APPL_OPEN_5", "T_SEC_LLS_N1"},
    "dlms_version_not_checked": {"T_APPL_OPEN_12"},
    "pdu_size_not_checked": {"T_APPL_OPEN_14"},
    "lls_any_password": {"T_SEC_LLS_N1"},
    "hls_reply_not_verified": {"T_SEC_HLS_N1"},
    "fixed_challenge": {"T_SEC_HLS_P2"},
    "conformance_not_negotiated": {"T_APPL_OPEN_1", "T_APPL_DATA_LN_N4"},
    "access_rights_ignored": {"T_COSEM_ACCESS_N1", "T_SEC_ACCESS_N1", "T_COSEM_METHOD_P1"},
    "conformance_not_enforced": {"T_APPL_DATA_LN_N4"},
    "policy_not_enforced": {"T_SEC_POLICY_N1"},
    "replayed_counter_accepted": {"T_SEC_CIPH_N1"},
    "wrong_attribute_type": {"T_COSEM_ATTR_READ_P1"},
    "selective_access_ignored": {"T_COSEM_SELECTIVE_P1"},
    "pdu_size_exceeded": {"T_APPL_DATA_LN_P1"},
    "block_numbers_from_zero": {"T_APPL_DATA_LN_P1"},
    "exception_for_missing_object": {"T_APPL_DATA_LN_N2", "T_SEC_ACCESS_N1"},
    "release_ignored": {"T_APPL_REL_P1", "T_APPL_OPEN_1"},
    "hdlc_bad_hcs_accepted": {"T_HDLC_FRAME_N7", "T_HDLC_FRAME_N1", "T_HDLC_FRAME_N2"},
    "hdlc_sequence_not_checked": {"T_HDLC_INFO_N3", "T_HDLC_INFO_P2"},
}
#: the defects of the data link run over HDLC, the others over the wrapper
HDLC_DEFECTS = frozenset({"hdlc_bad_hcs_accepted", "hdlc_sequence_not_checked"})


def _verdicts(report: RunReport) -> dict[str, Verdict]:
    """The verdict of each test case id (the worst of its association instances)."""
    out: dict[str, Verdict] = {}
    for result in report.results:
        known = out.get(result.case_id)
        if known is None or result.verdict.severity > known.severity:
            out[result.case_id] = result.verdict
    return out


async def _run(scheme: str, quirks: tuple[str, ...] = (), *, small: bool = False) -> RunReport:
    async with reference_meter(quirks, small=small) as ports:
        return await run_suite(
            f"{scheme}://127.0.0.1:{ports[scheme]}", reference_iut(), RunSettings()
        )


@pytest.mark.asyncio
@pytest.mark.parametrize("scheme", ["tcp", "hdlc+tcp"])
async def test_the_reference_meter_passes_every_applicable_case(scheme: str) -> None:
    report = await _run(scheme)
    wrong = [
        (r.label, r.verdict.value, r.reason)
        for r in report.results
        if r.verdict not in (Verdict.PASSED, Verdict.INAPPLICABLE)
    ]
    assert not wrong
    assert report.exit_code == 0
    passed = {r.case_id for r in report.results if r.verdict is Verdict.PASSED}
    plan_prefix = "T_HDLC_" if scheme == "hdlc+tcp" else "T_WRAPPER_"
    assert any(c.startswith(plan_prefix) for c in passed)
    for prefix in ("T_APPL_", "T_COSEM_", "T_SEC_"):
        assert sum(c.startswith(prefix) for c in passed) >= 5, prefix
    # what stays inapplicable says why, and is so because of the description
    for result in report.results:
        if result.verdict is Verdict.INAPPLICABLE:
            assert result.reason


@pytest.mark.asyncio
async def test_ciphered_associations_of_every_suite() -> None:
    """Suites 0, 1 and 2 (HLS-GMAC, authenticated encryption; suite 2 with 256-bit keys):
    the association, authentication and ciphering cases pass for each."""
    async with reference_meter(small=True, suites=True) as ports:
        iut = dataclasses.replace(suites_iut(), timeouts=reference_iut().timeouts)
        report = await run_suite(
            f"tcp://127.0.0.1:{ports['tcp']}",
            iut,
            RunSettings(
                include=("T_APPL_OPEN_1", "T_SEC_HLS_*", "T_SEC_CIPH_*", "T_SEC_POLICY_N1")
            ),
        )
    wrong = [
        (r.label, r.verdict.value, r.reason)
        for r in report.results
        if r.verdict is not Verdict.PASSED
    ]
    assert not wrong
    for name in ("management", "suite-1", "suite-2"):
        assert {r.case_id for r in report.results if r.instance == name} >= {
            "T_APPL_OPEN_1",
            "T_SEC_CIPH_P1",
            "T_SEC_CIPH_N1",
            "T_SEC_HLS_N1",
        }, name


@pytest.mark.asyncio
async def test_key_transfer() -> None:
    """T_SEC_KEY_P1 against the object model's key transfer (the simulator's model does not
    offer it; the test gives its security setup the unwrapping, and the IUT the KEK)."""
    kek = bytes.fromhex("202122232425262728292A2B2C2D2E2F")
    iut = reference_iut()
    management = iut.association("management")
    assert management.security is not None
    keyed = dataclasses.replace(
        management, security=dataclasses.replace(management.security, kek=Key(kek))
    )
    iut = dataclasses.replace(
        iut, associations=tuple(keyed if a is management else a for a in iut.associations)
    )
    async with reference_meter(small=True, kek=kek) as ports:
        report = await run_suite(
            f"tcp://127.0.0.1:{ports['tcp']}", iut, RunSettings(include=("T_SEC_KEY_P1",))
        )
    (result,) = report.results
    assert result.verdict is Verdict.PASSED, result.reason
    assert [c.text for c in result.checks] == [
        "security_setup_reference names an existing security setup object (0-0:43.0.3*255)",
        "a key wrapped with another KEK is refused",
        "the key wrapped with the KEK is taken",
        "a new association with the (same) transferred key works",
    ]
    async with reference_meter(small=True) as ports:  # no key transfer: refused
        report = await run_suite(
            f"tcp://127.0.0.1:{ports['tcp']}", iut, RunSettings(include=("T_SEC_KEY_P1",))
        )
    assert report.results[0].verdict is Verdict.FAILED


def test_every_defect_in_the_table_is_one_of_the_simulators() -> None:
    assert set(TARGETS) <= set(MeterQuirks.names())
    assert len(TARGETS) >= 15


@pytest.mark.asyncio
async def test_each_defect_fails_exactly_its_target_cases() -> None:
    """All defects at once, one cut-down meter each, run concurrently (wall time of one run)."""

    def scheme_of(name: str) -> str:
        return "hdlc+tcp" if name in HDLC_DEFECTS else "tcp"

    wrapper_baseline, hdlc_baseline, *faulty = await asyncio.gather(
        _run("tcp", small=True),
        _run("hdlc+tcp", small=True),
        *(_run(scheme_of(name), (name,), small=True) for name in TARGETS),
    )
    baselines = {"tcp": _verdicts(wrapper_baseline), "hdlc+tcp": _verdicts(hdlc_baseline)}
    for verdicts in baselines.values():
        assert Verdict.FAILED not in verdicts.values()
        assert Verdict.INCONCLUSIVE not in verdicts.values()
    problems = []
    for (name, targets), report in zip(TARGETS.items(), faulty, strict=True):
        reference = baselines[scheme_of(name)]
        for case_id, verdict in _verdicts(report).items():
            expected = Verdict.FAILED if case_id in targets else reference[case_id]
            if verdict is not expected:
                problems.append(f"{name}: {case_id} is {verdict.value}, expected {expected.value}")
    assert not problems, "\n".join(problems)
