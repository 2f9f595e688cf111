"""A job seeker's path in a real browser (Debian chromium via Playwright, never
``playwright install``): search by a fragment, open the profile, download the PDF,
verify it. Runs against a live server on committed data."""

from __future__ import annotations

import datetime as dt
import threading
from decimal import Decimal

import pytest
from werkzeug.serving import make_server

from tests.fixtures.agencies import make_uscc

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


@pytest.fixture
def live_server(committed_app):
    from credit_service.agencies.models import Agency
    from credit_service.extensions import db
    from credit_service.grading.services import regrade_agency

    agency = Agency(uscc=make_uscc(990001), name="济源市浏览器测试人力资源服务有限公司",
                    legal_rep_name="周八", address="河南省济源市天坛路9号",
                    registered_capital=Decimal("2000000"), established_on=dt.date(2014, 4, 1),
                    is_job_agency=True, contact_phone="13655556666")
    db.session.add(agency)
    db.session.flush()
    regrade_agency(agency)
    db.session.commit()
    server = make_server("127.0.0.1", 0, committed_app, threaded=True)
    base = f"http://127.0.0.1:{server.server_port}"
    committed_app.config["PUBLIC_BASE_URL"] = base
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield base, agency.uscc
    finally:
        server.shutdown()
        thread.join(timeout=10)
        committed_app.config["PUBLIC_BASE_URL"] = "http://localhost"


@pytest.mark.browser
def test_search_profile_download_and_verify(live_server, tmp_path):
    from playwright.sync_api import sync_playwright

    from tests.publication.helpers import pdf_compact, qr_codes

    base, uscc = live_server
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(accept_downloads=True)
            page.goto(base + "/")
            page.get_by_label("机构名称（可输入部分）、曾用名、统一社会信用代码或许可证编号").fill("浏览器测试")
            page.keyboard.press("Enter")
            page.wait_for_url("**/agencies?q=*")
            assert "匹配原因" in page.content()
            page.get_by_role("link", name="济源市浏览器测试人力资源服务有限公司").click()
            page.wait_for_url(f"**/agencies/{uscc}")
            assert page.get_by_role("heading", name="济源市浏览器测试人力资源服务有限公司").is_visible()
            assert "信用等级" in page.content() and "13655556666" not in page.content()
            with page.expect_download() as info:
                page.get_by_role("link", name="下载信用报告（PDF，含核验码）").click()
            target = tmp_path / "report.pdf"
            info.value.save_as(target)
            data = target.read_bytes()
            assert "济源市浏览器测试人力资源服务有限公司" in pdf_compact(data)
            [url] = qr_codes(data)
            assert url.startswith(base + "/verify/")
            page.goto(url)
            assert "真实有效" in page.content()
        finally:
            browser.close()
