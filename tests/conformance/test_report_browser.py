"""The HTML report in a real headless Chromium (Debian's chromium and chromium-driver, driven
by Selenium): the page opens from the file alone, and its summary, verdict filter and traffic
read as the run gave them."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

from conformance._link_meter import wrapper_meter
from dlmskit.conformance import CASES, AssociationSpec, Connection, Iut, Timeouts, Verdict
from dlmskit.conformance.context import RunShared
from dlmskit.conformance.report import write_reports
from dlmskit.conformance.runner import RunReport, run_cases

CHROMIUM = shutil.which("chromium")
CHROMEDRIVER = shutil.which("chromedriver")

pytestmark = [
    pytest.mark.timeout(120),
    pytest.mark.skipif(
        CHROMIUM is None or CHROMEDRIVER is None,
        reason="Debian's chromium and chromium-driver are not installed (make test installs them)",
    ),
]


async def _run() -> RunReport:
    import dlmskit.conformance.plans  # noqa: F401

    cases = CASES.select(
        include=("T_WRAPPER_PDU_P1", "T_APPL_OPEN_5", "T_APPL_OPEN_7", "T_HDLC_FRAME_P1")
    )
    async with wrapper_meter() as port:
        connection = Connection.parse(f"tcp://127.0.0.1:{port}")
        iut = Iut(
            associations=(AssociationSpec("public", 16, 1),),
            timeouts=Timeouts(response=1.0, silence=0.2),
        ).with_profile(connection.profile)
        return await run_cases(
            RunShared.for_connection(iut, connection), cases, target=str(connection)
        )


@pytest.fixture(scope="module")
def report_page() -> tuple[RunReport, Path]:
    import asyncio

    report = asyncio.run(_run())
    folder = Path(tempfile.mkdtemp(prefix="dlmskit-report-"))
    _, html = write_reports(report, folder)
    return report, html


@pytest.fixture(scope="module")
def browser():  # type: ignore[no-untyped-def]
    os.environ.setdefault("SE_AVOID_STATS", "true")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    profile = tempfile.mkdtemp(prefix="dlmskit-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM  # type: ignore[assignment]
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        f"--user-data-dir={profile}",
    ):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def test_the_summary_reads_as_the_run_gave_it(report_page, browser) -> None:  # type: ignore[no-untyped-def]
    from selenium.webdriver.common.by import By

    report, html = report_page
    assert report.count(Verdict.FAILED) >= 1 and report.count(Verdict.PASSED) >= 1
    browser.get(html.as_uri())
    summary = browser.find_element(By.ID, "summary")
    assert summary.get_attribute("data-verdict") == "FAILED"
    assert browser.find_element(By.ID, "overall").text == "FAILED"
    for verdict in Verdict:
        cell = summary.find_element(By.CSS_SELECTOR, f'td.count[data-verdict="{verdict.value}"]')
        assert int(cell.text) == report.count(verdict), verdict
    assert "Conformance report" in browser.title


def test_the_verdict_filter_hides_rows(report_page, browser) -> None:  # type: ignore[no-untyped-def]
    from selenium.webdriver.common.by import By

    report, html = report_page
    browser.get(html.as_uri())
    rows = browser.find_elements(By.CSS_SELECTOR, "tr.result")
    assert len(rows) == len(report.results)
    browser.find_element(By.CSS_SELECTOR, '.filters input[value="PASSED"]').click()
    shown = [r for r in rows if r.is_displayed()]
    assert len(shown) == len(report.results) - report.count(Verdict.PASSED)
    assert all(r.get_attribute("data-verdict") != "PASSED" for r in shown)


def test_a_cases_traffic_opens_with_hex_and_decoded_view(report_page, browser) -> None:  # type: ignore[no-untyped-def]
    from selenium.webdriver.common.by import By

    report, html = report_page
    browser.get(html.as_uri())
    index = next(i for i, r in enumerate(report.results) if r.case_id == "T_WRAPPER_PDU_P1")
    case = browser.find_element(By.ID, f"case-{index}")
    details = case.find_elements(By.TAG_NAME, "details")[-1]
    details.find_element(By.TAG_NAME, "summary").click()
    hex_cells = details.find_elements(By.CSS_SELECTOR, "td.hex")
    decoded = details.find_elements(By.CSS_SELECTOR, "td.dec")
    assert hex_cells and hex_cells[0].text.startswith("00 01 00 10 00 01")  # a WPDU, client 16
    assert any("aarq {" in d.text for d in decoded) and any("aare {" in d.text for d in decoded)
