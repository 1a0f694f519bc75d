"""The pages in a real headless Chromium (Debian's, through chromedriver) against a uvicorn server on loopback.

Screenshots are kept in build/test-artifacts/ (or $CAREGRAPH_TEST_ARTIFACTS) for people to look at.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest

REPO = Path(__file__).resolve().parents[1]
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def artifacts() -> Path:
    folder = Path(os.environ.get("CAREGRAPH_TEST_ARTIFACTS") or REPO / "build" / "test-artifacts")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture(scope="module")
def server(graph):
    """The pages served by uvicorn on 127.0.0.1, on a port the system chose; yields the base URL."""
    import uvicorn
    from starlette.applications import Starlette

    from caregraph.web.pages import routes

    app = Starlette(routes=routes())
    app.state.graph = graph
    listening = socket.socket()
    listening.bind(("127.0.0.1", 0))
    port = listening.getsockname()[1]
    config = uvicorn.Config(app, log_level="warning", lifespan="off")
    uvicorn_server = uvicorn.Server(config)
    thread = threading.Thread(target=uvicorn_server.run, kwargs={"sockets": [listening]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not uvicorn_server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            pytest.fail("the uvicorn server did not start within 30 s")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    uvicorn_server.should_exit = True
    thread.join(timeout=10)
    listening.close()


@pytest.fixture(scope="module")
def browser():
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    if not (Path(CHROMIUM).exists() and Path(CHROMEDRIVER).exists()):
        pytest.fail("Chromium and chromedriver are not installed: run .ci/system-packages")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     "--window-size=1280,1600", "--no-proxy-server"):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(60)
    yield driver
    driver.quit()


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
    link = next(a for a in browser.find_elements(By.CSS_SELECTOR, "ul.who-says-so a.source")
                if urlsplit(a.get_attribute("href")).path == "/sources/source-002")
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
