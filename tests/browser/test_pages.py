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


def test_every_page_fits_a_phone(browser, live_server, make_user):
    from tests.browser.conftest import log_in
    from tests.test_views_helpers import complete_task, submit_task

    user = make_user("pocket")
    complete_task(submit_task(user, prompt="Turn it into an 80s synthwave anthem with a very long prompt " * 3))
    submit_task(user, prompt="Jazzy piano trio, late night mood")
    context = browser.new_context(viewport={"width": 390, "height": 844}, base_url=live_server.url,
                                  device_scale_factor=2, is_mobile=True, has_touch=True)
    page = context.new_page()
    wide = {}
    for path, name in (("/", "32-landing-phone"), ("/accounts/login/", "33-login-phone"),
                       ("/accounts/signup/", "34-signup-phone")):
        page.goto(path)
        wide[path] = page.evaluate("document.documentElement.scrollWidth")
        shoot(page, name)
    log_in(page, "pocket")
    for path, name in (("/remixes/", "35-history-phone"), ("/account/", "36-account-phone")):
        page.goto(path)
        wide[path] = page.evaluate("document.documentElement.scrollWidth")
        shoot(page, name)
    context.close()
    assert all(width <= 390 for width in wide.values()), wide
