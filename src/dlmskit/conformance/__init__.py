"""Conformance tests for DLMS/COSEM meters and head-ends (``dlms conform``).

What the DLMS UA's Conformance Test Tool does for certification, as an open tool: test plans
organised by layer (data link, COSEM application layer, COSEM interface objects, security;
and head-end conformance), test cases with CTT-style ids and purposes, verdicts PASSED,
FAILED, INCONCLUSIVE or INAPPLICABLE with the reason and the line traffic of each case, and
JSON and HTML reports.

* :mod:`~.iut` -- the description of the implementation under test (the CTI file's role);
* :mod:`~.cases` -- verdicts, plans, test cases, results;
* :mod:`~.channels` -- connections and the strict raw HDLC and wrapper channels;
* :mod:`~.session` -- associations as the suite opens them;
* :mod:`~.trace` -- the line traffic, hex and decoded;
* :mod:`~.runner` -- selection and running; :mod:`~.report` -- JSON and HTML;
* :mod:`~.plans` -- the test cases themselves.
"""

from dlmskit.conformance.cases import (
    CASES,
    CaseResult,
    Check,
    ConformanceCase,
    Plan,
    Verdict,
)
from dlmskit.conformance.channels import Connection
from dlmskit.conformance.iut import (
    AssociationSpec,
    HdlcProfile,
    Iut,
    IutError,
    ProfileKind,
    SecurityMaterial,
    Timeouts,
    load_iut,
    parse_iut,
    reference_iut,
)
from dlmskit.conformance.runner import (
    RunReport,
    RunSettings,
    run_cases,
    run_head_end,
    run_suite,
)

__all__ = [
    "CASES",
    "AssociationSpec",
    "CaseResult",
    "Check",
    "ConformanceCase",
    "Connection",
    "HdlcProfile",
    "Iut",
    "IutError",
    "Plan",
    "ProfileKind",
    "RunReport",
    "RunSettings",
    "SecurityMaterial",
    "Timeouts",
    "Verdict",
    "load_iut",
    "parse_iut",
    "reference_iut",
    "run_cases",
    "run_head_end",
    "run_suite",
]
