"""The docs page in a real browser (Debian chromium via Playwright) with every request to
another host blocked: Swagger UI must render the whole API from local files alone."""

from __future__ import annotations

import threading
from urllib.parse import urlsplit

import pytest
from werkzeug.serving import make_server

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


@pytest.fixture
def docs_server(app):
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)


@pytest.mark.browser
def test_docs_page_renders_offline(docs_server):
    from playwright.sync_api import sync_playwright

    outside: list[str] = []

    def only_local(route):
        if urlsplit(route.request.url).hostname == "127.0.0.1":
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            page.route("**/*", only_local)
            page.goto(docs_server + "/api/v1/docs")
            page.wait_for_selector(".swagger-ui .info .title", timeout=20_000)
            assert "人力资源市场信用监管服务 API" in page.inner_text(".swagger-ui .info .title")
            page.wait_for_selector("#operations-tag-机构", timeout=20_000)
            for tag in ("机构", "名单", "名单程序", "异议与信用修复", "批量导入"):
                assert page.locator(f"#operations-tag-{tag}").count() == 1, tag
            assert page.locator(".opblock-summary-path", has_text="/api/v1/lists/black").count()
            assert page.get_by_role("button", name="Authorize").count() == 1  # bearer scheme
        finally:
            browser.close()
    assert outside == []
