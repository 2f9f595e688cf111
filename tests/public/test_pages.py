"""Every public page renders from factory data, in Chinese, without personal data."""

from __future__ import annotations

import datetime as dt
import json
import re

from tests.public.conftest import HOSTILE, PRIVATE


def _get(client, path, status=200):
    response = client.get(path)
    assert response.status_code == status, (path, response.status_code,
                                            response.get_data(as_text=True)[:500])
    return response


def test_home_search_profile_lists_rules_feed(client, world):
    bad, good = world["bad"], world["good"]
    home = _get(client, "/").get_data(as_text=True)
    assert "人力资源服务机构信用信息查询" in home and "列入严重违法失信名单" in home
    for path in ("/agencies", "/agencies?q=华夏", f"/agencies/{bad.uscc}", f"/agencies/{good.uscc}",
                 "/lists/black", "/lists/red", "/rules", "/verify", "/disclosures"):
        _get(client, path)
    atom = _get(client, "/feed.atom")
    assert atom.content_type.startswith("application/atom+xml")
    assert "tag:localhost,2026:change/" in atom.get_data(as_text=True)


def _row_cells(page: str, marker: str) -> list[str]:
    """Text of the cells of the table row containing ``marker``."""
    row = next(r for r in re.findall(r"<tr>(.*?)</tr>", page, re.S) if marker in r)
    return [" ".join(re.sub(r"<[^>]+>", " ", cell).split())
            for cell in re.findall(r"<td>(.*?)</td>", row, re.S)]


def test_profile_shows_explanation_of_stored_assessment(client, world):
    from credit_service.core.web import cn_date
    from credit_service.grading.services import current_assessment, preview
    from credit_service.lists.rules import add_months

    bad = world["bad"]
    assessment = current_assessment(bad)
    page = _get(client, f"/agencies/{bad.uscc}").get_data(as_text=True)
    assert assessment.explanation["summary"] in page
    for line in assessment.explanation["lines"]:
        assert line["text"].replace('"', "&#34;") in page or line["text"] in page
    assert "已列入严重违法失信名单" in page and "济人社失信决〔2026〕7号" in page
    assert world["record"].decision_number in page
    assert "可申请信用修复" in page and "公示有效至" in page

    # The stored explanation is what the engine computes now (same data, same day).
    fresh = preview(bad).to_dict()
    stored = assessment.explanation
    assert (stored["grade"], stored["score"], stored["summary"]) == (
        fresh["grade"], fresh["score"], fresh["summary"])
    key = ("kind", "points", "until", "record_id", "text")
    assert [tuple(line.get(k) for k in key) for line in stored["lines"]] == [
        tuple(line.get(k) for k in key) for line in fresh["lines"]]
    assert fresh["summary"] in page

    # The record's row: in force until the engine's date for it, repair-eligible one year
    # after the decision (serious: 国家发展改革委令第36号).
    record = world["record"]
    untils = [line["until"] for line in fresh["lines"] if line.get("record_id") == record.id]
    assert untils and all(untils)
    in_force = max(dt.date.fromisoformat(u) for u in untils)
    cells = _row_cells(page, record.decision_number)
    assert cells[4] == cn_date(record.decided_on)
    assert cells[5] == cn_date(in_force)
    assert cells[6] == f"{cn_date(add_months(record.decided_on, 12))} 起"


def test_black_list_fields_and_files(client, world):
    bad = world["bad"]
    page = _get(client, "/lists/black").get_data(as_text=True)
    for value in (bad.name, bad.uscc, bad.address, bad.legal_rep_name, "济人社失信决〔2026〕7号"):
        assert value in page
    data = json.loads(_get(client, "/lists/black.json").data)
    assert set(data["items"][0]) == {
        "name", "uscc", "address", "legal_rep_name", "reason", "legal_basis", "authority",
        "decision_number", "listed_on", "expires_on", "early_removal_from"}
    assert bad.uscc in _get(client, "/lists/black.csv").data.decode("utf-8-sig")
    assert _get(client, "/lists/black.xlsx").data[:2] == b"PK"
    assert world["good"].name in _get(client, "/lists/red").get_data(as_text=True)


def test_hostile_names_are_escaped(client, world):
    hostile = world["hostile"]
    for path in (f"/agencies/{hostile.uscc}", "/agencies?q=恶意"):
        page = _get(client, path).get_data(as_text=True)
        assert HOSTILE not in page
        assert "&lt;script&gt;" in page


def test_unknown_agency_is_404(client, world):
    _get(client, "/agencies/914190010000000000", 404)


def test_no_personal_data_on_any_public_page_or_file(client, world, staff_names):
    paths = ["/", "/agencies?q=济源", f"/agencies/{world['bad'].uscc}",
             f"/agencies/{world['good'].uscc}", "/lists/black", "/lists/red", "/rules",
             "/feed.atom", "/disclosures"]
    paths += [f"/lists/{k}.{f}" for k in ("black", "red") for f in ("csv", "json")]
    for path in paths:
        text = _get(client, path).get_data(as_text=True)
        for secret in PRIVATE + staff_names:
            assert secret not in text, (path, secret)
