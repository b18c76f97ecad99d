"""Browser tests: Playwright driving Debian's Chromium (no browser download).

Without Chromium they skip with the reason shown in the summary; under CI (CI=true) they fail instead,
because `.ci/run` installs Chromium and they must run there.
"""

import os
import shutil

import pytest

# Playwright's sync API keeps an event loop in the test thread; Django's ORM would refuse to run there.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM_ARGS = [
    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-dev-shm-usage",
]


def chromium_path() -> str | None:
    for candidate in (os.environ.get("SUZHI_CHROMIUM"), "chromium", "chromium-browser", "google-chrome"):
        if candidate and (found := shutil.which(candidate)):
            return found
    return None


@pytest.fixture(scope="session")
def browser():
    executable = chromium_path()
    if executable is None:
        reason = "Chromium not installed (apt-get install chromium); browser tests skipped"
        if os.environ.get("CI"):
            pytest.fail(f"{reason} — but CI must run them")
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS, headless=True)
        yield instance
        instance.close()


@pytest.fixture
def page(browser):
    """A fresh context per test; 1366x768 like the office PCs admins use."""
    context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()


@pytest.fixture
def phone_page(browser):
    """A phone-sized page, like WeChat's in-app browser."""
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True,
                                  locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()


PHONE = 390


@pytest.fixture
def open_page(browser, live_server, password):
    """`open_page(user, phone=False)`: a page of its own browser context, logged in as `user`."""
    contexts = []

    def _open(user, *, phone=False):
        options = ({"viewport": {"width": PHONE, "height": 844}, "is_mobile": True, "has_touch": True} if phone
                   else {"viewport": {"width": 1366, "height": 768}})
        context = browser.new_context(locale="zh-CN", **options)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15000)
        page.goto(f"{live_server.url}/login/")
        page.fill("input[name=login]", user.username)
        page.fill("input[name=password]", password)
        page.click("button[type=submit]")
        page.wait_for_url(f"{live_server.url}/")
        return page

    yield _open
    for context in contexts:
        context.close()
