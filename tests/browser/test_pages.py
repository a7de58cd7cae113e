"""Pages outside the remix flow as a reader sees them: the API docs at desktop and phone widths
(nothing wider than the screen, the stems fields listed)."""
from __future__ import annotations

import pytest

from tests.browser.conftest import shoot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize(("width", "height", "name"), [(1280, 900, "30-api-docs"), (390, 844, "31-api-docs-phone")])
def test_the_api_docs_fit_the_screen(browser, live_server, width, height, name):
    context = browser.new_context(viewport={"width": width, "height": height}, base_url=live_server.url)
    page = context.new_page()
    page.goto("/api/public/v1/docs")
    assert page.locator("#field-conversion_path_vocals").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.locator("#result-fields").scroll_into_view_if_needed()
    shoot(page, name, full_page=False)
    context.close()
