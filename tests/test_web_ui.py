"""The query editor in a real headless browser: Debian's chromium, driven by selenium through chromedriver.

The page is served by `caregraph serve` on loopback; the browser is kept off every other address (no background
networking, no component updates) and the editor's files come from the package, so the test runs offline. A
screenshot of each run is kept under pytest's temporary folder (the path is printed with -s).
"""

from __future__ import annotations

from functools import partial

import pytest

from caregraph.namespaces import term_text
from caregraph.query import library, run_embedded, stored

pytestmark = pytest.mark.server


def test_the_editor_runs_a_stored_query_and_shows_its_rows(browser, caregraph_server, graph, tmp_path_factory):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as shown
    from selenium.webdriver.support.ui import WebDriverWait

    query = stored("partnership-forms")
    expected = run_embedded(graph, query.bind())
    wait = WebDriverWait(browser, 60, poll_frequency=0.05)

    browser.get(caregraph_server)
    wait.until(shown.presence_of_element_located((By.CSS_SELECTOR, ".yasqe .CodeMirror")))
    browser.find_element(By.CSS_SELECTOR, 'a.example[data-name="partnership-forms"]').click()
    tab = wait.until(
        shown.visibility_of_element_located(
            (By.XPATH, f'//*[contains(@class, "tab") and contains(@class, "active")]//*[text()="{query.summary}"]')
        )
    )
    assert tab.text == query.summary
    panel = browser.find_element(By.CSS_SELECTOR, ".tabPanel.active")
    assert "SELECT" in browser.execute_script(
        "return arguments[0].querySelector('.CodeMirror').CodeMirror.getValue()", panel
    )
    panel.find_element(By.CSS_SELECTOR, ".yasqe_queryButton").click()
    wait.until(lambda _: len(panel.find_elements(By.CSS_SELECTOR, ".yasr table.dataTable tbody tr")) > 0)

    rows = panel.find_elements(By.CSS_SELECTOR, ".yasr table.dataTable tbody tr")
    shot = tmp_path_factory.mktemp("screenshots") / "query-editor.png"
    browser.save_screenshot(str(shot))
    print(f"screenshot: {shot}")
    assert len(rows) == len(expected)
    table_text = panel.find_element(By.CSS_SELECTOR, ".yasr table.dataTable").text
    labels = [term_text(row[expected.variables.index("label")]) for row in expected.rows]
    assert labels and all(label in table_text for label in labels)

    errors = [entry for entry in browser.get_log("browser") if entry["level"] == "SEVERE"]
    assert errors == []


def test_the_editor_runs_every_stored_query(browser, caregraph_server, graph):
    """Each stored query opens in its tab and runs; the editor reports as many results as the embedded engine
    gives (triples, for CONSTRUCT and DESCRIBE) and shows no error."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    wait = WebDriverWait(browser, 120, poll_frequency=0.05)
    browser.get(caregraph_server)
    wait.until(lambda _: browser.find_elements(By.CSS_SELECTOR, ".yasqe .CodeMirror"))
    reported = {}
    for name in library():
        query = stored(name)
        browser.find_element(By.CSS_SELECTOR, f'a.example[data-name="{name}"]').click()
        panel = wait.until(partial(_active_panel, query.summary))
        panel.find_element(By.CSS_SELECTOR, ".yasqe_queryButton").click()
        chip = wait.until(partial(_response_chip, panel))
        reported[name] = (chip.split(" in ")[0], panel.find_elements(By.CSS_SELECTOR, ".yasr .errorResult"))
    expected = {}
    for name in library():
        result = run_embedded(graph, stored(name).bind())
        expected[name] = (
            "Response" if result.kind == "ask" else f"{len(result)} result{'' if len(result) == 1 else 's'}",
            [],
        )
    assert reported == expected
    assert [entry for entry in browser.get_log("browser") if entry["level"] == "SEVERE"] == []


def _active_panel(summary: str, driver):
    """The active tab's panel once the active tab is the query's, else None: a condition to wait for."""
    from selenium.webdriver.common.by import By

    return next(
        (
            p
            for p in driver.find_elements(By.CSS_SELECTOR, ".tabPanel.active")
            if summary in driver.find_element(By.CSS_SELECTOR, ".tabsList .tab.active").text
        ),
        None,
    )


def _response_chip(panel, driver):
    """The text of the panel's response chip once it gives the count and the time ("… in …"), else None."""
    from selenium.webdriver.common.by import By

    return next((c.text for c in panel.find_elements(By.CSS_SELECTOR, ".yasr_response_chip") if " in " in c.text), None)
