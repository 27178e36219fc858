"""The report in a real browser: headless Chromium (the system's package) loads the file, runs its
script and renders its charts; hostile text from the articles runs nothing."""
from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from extractor.report import build_report
from tests.report.conftest import write_run
from tests.report.test_report import PAIRS

CHROMIUM = next((shutil.which(name) for name in ("chromium", "chromium-browser", "google-chrome") if shutil.which(name)), None)

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(CHROMIUM is None, reason="no Chromium on this machine (apt-get install chromium)"),
]


def headless(*args: str, timeout: int = 120) -> subprocess.CompletedProcess:
    # --no-sandbox: tests may run as root, where Chromium refuses its sandbox.
    command = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--hide-scrollbars",
               "--enable-logging=stderr", "--v=0", *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=timeout)


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    root = tmp_path_factory.mktemp("browser")
    return build_report(write_run(root / "out"), root / "report.html")


def console_errors(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if "CONSOLE" in line and re.search(r"Uncaught|Error", line)]


def test_report_loads_without_errors_and_draws(report):
    result = headless("--dump-dom", report.as_uri())
    dom = result.stdout
    assert result.returncode == 0, result.stderr[-2000:]
    assert 'id="report-status" data-ready="1">ready<' in dom  # the page script ran to its end
    assert re.search(r'<span id="js-errors"></span>', dom), "a script error was reported in the page"
    assert console_errors(result.stderr) == []
    assert dom.count('<svg class="step-chart"') == len(PAIRS)
    assert len(re.findall(r'<line class="step"', dom)) > len(PAIRS) and '<g class="marker status-paused"' in dom
    assert len(re.findall(r'<tr data-type=', dom)) == 4
    assert 'f-shown' in dom and "4 of 4 events shown" in dom
    # Nothing from the articles or errors ran: their scripts and handlers would have set this.
    assert "data-pwned=" not in re.search(r"<html[^>]*>", dom).group(0)
    assert dom.count("<script") == 1


def test_report_filter_from_the_address(report):
    dom = headless("--dump-dom", report.as_uri() + "#type=tariff&min=0.7").stdout
    assert "2 of 4 events shown" in dom  # tariff events with confidence >= 0.7: 0.88 and 0.70
    hidden = re.findall(r'<tr data-type="(\w+)" data-status="(\w+)" data-confidence="([\d.]+)"[^>]*hidden', dom)
    assert sorted(hidden) == [("negotiation", "held", "0.800"), ("tariff", "in_effect", "0.640")]


def test_report_screenshot(report, tmp_path):
    shot = tmp_path / "report.png"
    result = headless(f"--screenshot={shot}", "--window-size=1280,2000", report.as_uri())
    assert result.returncode == 0 and shot.stat().st_size > 20_000  # a blank page compresses to a few KB
