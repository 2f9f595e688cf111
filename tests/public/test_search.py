"""Search by partial name, former name, USCC and licence number, with reasons."""

from __future__ import annotations

from credit_service.public.services import search_agencies


def _hit(result, agency):
    return next((h for h in result.items if h.agency.id == agency.id), None)


def test_partial_name(world):
    hit = _hit(search_agencies("华夏人力"), world["good"])
    assert hit and hit.matched_on == ["name"] and "华夏人力" in hit.reasons[0]


def test_former_name(world):
    hit = _hit(search_agencies("旧日职业"), world["good"])
    assert hit and hit.matched_on == ["former_name"]
    assert "济源市旧日职业介绍所" in hit.reasons[0]


def test_uscc_full_and_prefix(world):
    good = world["good"]
    result = search_agencies(good.uscc.lower())
    assert result.items[0].agency.id == good.id and "uscc" in result.items[0].matched_on
    assert _hit(search_agencies(good.uscc[:12]), good) is not None


def test_licence_number(world):
    hit = _hit(search_agencies("4190010012"), world["good"])
    assert hit and hit.matched_on == ["licence_number"]


def test_wildcards_are_literal_and_paging(world, create_agency):
    assert search_agencies("%").total == 0
    for n in range(5):
        create_agency(name=f"分页测试人力资源公司{n}")
    first = search_agencies("分页测试", page=1, per_page=2)
    assert first.total == 5 and first.pages == 3 and len(first.items) == 2
    third = search_agencies("分页测试", page=3, per_page=2)
    assert len(third.items) == 1
    assert {h.agency.id for h in first.items}.isdisjoint({h.agency.id for h in third.items})


def test_filters(world):
    black = search_agencies(None, list_kind="black")
    assert [h.agency.id for h in black.items] == [world["bad"].id]
    grade = world["good"].current_grade
    assert world["good"].id in {h.agency.id for h in search_agencies("", grade=grade).items}


def test_search_page_shows_reasons_and_pages(client, world):
    page = client.get("/agencies?q=旧日职业").get_data(as_text=True)
    assert "济源市华夏人力资源服务有限公司" in page and "曾用名" in page


def test_paging_past_the_scan_limit_merges_former_names(world, create_agency, db, monkeypatch):
    from credit_service.agencies.models import FormerName
    from credit_service.public import services

    monkeypatch.setattr(services, "SCAN_LIMIT", 3)
    created = [create_agency(name=f"合并测试人力资源公司{n}") for n in range(6)]
    renamed = create_agency(name="济源市改名后的公司")
    db.session.add(FormerName(agency_id=renamed.id, name="合并测试人力资源公司旧名",
                              used_until=__import__("datetime").date(2020, 1, 1)))
    db.session.flush()
    expected = sorted([*created, renamed], key=lambda a: (a.name, a.id))
    seen = []
    for page in (1, 2, 3, 4):
        result = search_agencies("合并测试", page=page, per_page=2)
        assert result.total == 7
        seen += [h.agency.id for h in result.items]
    assert seen == [a.id for a in expected]
