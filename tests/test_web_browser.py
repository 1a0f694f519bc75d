"""The pages in a real headless Chromium (Debian's, through chromedriver) against `caregraph serve` on loopback.

Screenshots are kept in build/test-artifacts/ (or $CAREGRAPH_TEST_ARTIFACTS) for people to look at.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest

REPO = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def artifacts() -> Path:
    folder = Path(os.environ.get("CAREGRAPH_TEST_ARTIFACTS") or REPO / "build" / "test-artifacts")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture(scope="module")
def server(caregraph_server):
    """`caregraph serve` on 127.0.0.1 (see conftest), as a base URL without the trailing slash."""
    return caregraph_server.rstrip("/")


def console_errors(driver) -> list[str]:
    return [entry["message"] for entry in driver.get_log("browser") if entry["level"] == "SEVERE"]


def test_follow_who_says_so_from_an_entity_to_its_source(server, browser, artifacts, sources_dir):
    from selenium.webdriver.common.by import By

    browser.get(f"{server}/id/system-berkshire-west")
    assert browser.find_element(By.TAG_NAME, "h1").text == "Berkshire West"
    browser.save_screenshot(str(artifacts / "browser-entity-berkshire-west.png"))
    assert console_errors(browser) == []

    (text,) = sources_dir.glob("002_*.txt")
    words = re.search(r"Berkshire West \([^)]*\)", text.read_text(encoding="utf-8")).group(0)
    link = next(
        a
        for a in browser.find_elements(By.CSS_SELECTOR, "ul.who-says-so a.source")
        if urlsplit(a.get_attribute("href")).path == "/sources/source-002"
    )
    target = urlsplit(link.get_attribute("href")).fragment
    link.click()

    address = urlsplit(browser.current_url)
    assert address.path == "/sources/source-002" and address.fragment == target
    quotation = browser.find_element(By.ID, target)
    assert quotation.is_displayed()
    assert words in quotation.text
    browser.save_screenshot(str(artifacts / "browser-source-002.png"))
    assert console_errors(browser) == []


def test_the_vocabulary_page_and_its_diagram(server, browser, artifacts):
    from selenium.webdriver.common.by import By

    browser.get(f"{server}/def")
    diagram = browser.find_element(By.CSS_SELECTOR, "svg.diagram")
    assert diagram.size["width"] > 300 and diagram.size["height"] > 200
    browser.save_screenshot(str(artifacts / "browser-vocabulary.png"))
    browser.get(f"{server}/def/IntegratedCareBoard")
    assert browser.find_element(By.TAG_NAME, "h1").text == "integrated care board"
    browser.save_screenshot(str(artifacts / "browser-term-integrated-care-board.png"))
    assert console_errors(browser) == []
