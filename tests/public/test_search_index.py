"""The name search index (migration 0002_search_indexes): used by the queries, kept in sync
with agencies and former names, and giving the same answers as a plain substring scan."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from credit_service.public import search_index
from credit_service.public.services import search_agencies


def _ids(result) -> list[int]:
    return [hit.agency.id for hit in result.items]


def _hit(result, agency):
    return next((h for h in result.items if h.agency.id == agency.id), None)


def _compiled(db, statement) -> str:
    return str(statement.compile(dialect=db.session.get_bind().dialect,
                                 compile_kwargs={"literal_binds": True}))


def _plan(db, sql: str, is_postgres: bool) -> str:
    if is_postgres:
        # Tiny test tables make a sequential scan cheapest; forbid it to see that the
        # index can answer the condition at all.
        db.session.execute(sa.text("SET LOCAL enable_seqscan = off"))
        db.session.execute(sa.text("SET LOCAL enable_indexscan = off"))
        db.session.execute(sa.text("SET LOCAL enable_indexonlyscan = off"))
        rows = db.session.execute(sa.text("EXPLAIN " + sql)).scalars().all()
    else:
        rows = [row[-1] for row in db.session.execute(sa.text("EXPLAIN QUERY PLAN " + sql))]
    return "\n".join(rows)


@pytest.mark.parametrize("query, index", [("华夏人力", "trgm_agencies_name"),
                                          ("华夏", "trgm_agencies_bigrams")])
def test_name_search_uses_the_index(db, world, is_postgres, query, index):
    from credit_service.agencies.models import Agency

    if is_postgres:
        statement = sa.select(sa.func.count()).select_from(Agency).where(
            search_index.indexed(Agency.name, query))
        assert index in _plan(db, _compiled(db, statement), is_postgres)
    else:
        statement = search_index.name_hits_statement(query, [], 1001)
        plan = _plan(db, _compiled(db, statement), is_postgres)
        assert "SCAN search_agency_names VIRTUAL TABLE INDEX" in plan
        assert "SEARCH agencies USING INTEGER PRIMARY KEY" in plan
    hit = _hit(search_agencies(query), world["good"])
    assert hit and hit.matched_on == ["name"]


def test_former_name_search_uses_the_index(db, world, is_postgres):
    from credit_service.agencies.models import FormerName

    statement = sa.select(FormerName.agency_id).where(
        search_index.former_name_condition("旧日职业"))
    plan = _plan(db, _compiled(db, statement), is_postgres)
    assert ("trgm_agency_former_names_name" if is_postgres else "search_agency_names") in plan


def test_pg_trgm_takes_trigrams_from_chinese(db, is_postgres):
    """pg_trgm ignores non-word characters of the server's LC_CTYPE; CJK must be words."""
    if is_postgres:
        trigrams = db.session.execute(sa.text("SELECT show_trgm('济源人力资源')")).scalar()
        assert len(trigrams) == 7  # "  济", " 济源", 济源人, 源人力, 人力资, 力资源, "资源 "
    else:
        triggers = set(db.session.execute(sa.text(
            "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'search_%'"
        )).scalars())
        assert triggers == {f"search_{table}_{op}" for table in ("agencies", "former_names")
                            for op in ("ai", "au", "ad")}


def _fts_rows(db, rowid: int) -> list:
    return db.session.execute(sa.text(
        "SELECT name, pairs FROM search_agency_names WHERE rowid = :r"), {"r": rowid}).all()


def test_index_follows_create_rename_and_delete(db, create_agency, clerk, is_postgres):
    from credit_service.agencies.models import Agency, FormerName
    from credit_service.agencies.services import update_agency

    agency = create_agency(name="济源市鼎旺同步测试人力资源有限公司")
    assert _ids(search_agencies("鼎旺同步")) == [agency.id]
    assert _ids(search_agencies("鼎旺")) == [agency.id]
    if not is_postgres:
        assert _fts_rows(db, agency.id)[0][0] == agency.name

    update_agency(agency, {"name": "济源市茂川改名测试劳务派遣有限公司"}, clerk, agency.version)
    new = search_agencies("茂川改名")
    assert _ids(new) == [agency.id] and new.items[0].matched_on == ["name"]
    old = search_agencies("鼎旺同步")
    assert _ids(old) == [agency.id] and old.items[0].matched_on == ["former_name"]
    assert "济源市鼎旺同步测试人力资源有限公司" in old.items[0].reasons[0]
    assert _ids(search_agencies("鼎旺")) == [agency.id]  # 2 characters: the bigram index
    former_id = db.session.scalar(sa.select(FormerName.id).where(FormerName.agency_id == agency.id))
    if not is_postgres:
        assert _fts_rows(db, agency.id)[0][0] == "济源市茂川改名测试劳务派遣有限公司"
        assert _fts_rows(db, -former_id)[0][0] == "济源市鼎旺同步测试人力资源有限公司"

    db.session.delete(db.session.get(Agency, agency.id))
    db.session.flush()
    for query in ("茂川改名", "鼎旺同步", "鼎旺", "茂川"):
        assert search_agencies(query).total == 0
    if not is_postgres:
        assert _fts_rows(db, agency.id) == [] and _fts_rows(db, -former_id) == []


def test_same_answers_as_a_substring_scan(db, create_agency):
    """Every fragment length (1 with no index, 2 bigrams, 3+ trigrams), quotes and
    wildcards taken literally, ASCII case ignored."""
    from credit_service.agencies.models import FormerName

    names = ["济源市宏瑞人力资源有限公司", "河南宏瑞劳务派遣有限公司", "济源瑞宏职业介绍服务部",
             "济源\"引号\"人力资源有限公司", "济源100%_人力资源有限公司", "ABC人力资源（济源）有限公司"]
    agencies = [create_agency(name=name) for name in names]
    db.session.add(FormerName(agency_id=agencies[2].id, name="济源宏瑞旧名服务部",
                              used_until=dt.date(2020, 1, 1)))
    db.session.flush()
    ours = {a.id for a in agencies}
    for query, expected in [
        ("宏瑞", [0, 1, 2]), ("宏瑞人", [0]), ("瑞宏", [2]), ("宏", [0, 1, 2]),
        ("\"引号\"", [3]), ("引号", [3]), ("%_", [4]), ("0%", [4]), ("%", [4]), ("_", [4]),
        ("abc人力", [5]), ("bc", [5]), ("（济源）", [5]), ("瑞旧名", [2]),
    ]:
        result = search_agencies(query, per_page=100)
        found = [i for i in _ids(result) if i in ours]
        assert sorted(found) == sorted(agencies[i].id for i in expected), query
        assert found == [a.id for a in sorted((agencies[i] for i in expected),
                                              key=lambda a: (a.name, a.id))], query
        for hit in result.items:
            assert hit.reasons, (query, hit.agency.name)
    abc = search_agencies("abc人力").items[0]
    assert abc.matched_on == ["name"] and "abc人力" in abc.reasons[0]


def test_common_fragment_pages_in_name_order_with_filters(db, world, create_agency, monkeypatch):
    """More hits than SCAN_LIMIT: the page comes from the name-ordered scan, the total from
    the index's count; the grade filter applies to both."""
    from credit_service.core.enums import Grade
    from credit_service.public import services

    monkeypatch.setattr(services, "SCAN_LIMIT", 2)
    created = [create_agency(name=f"济源恒达常见片段公司{n}") for n in (3, 1, 4, 0, 2)]
    created[1].current_grade = Grade.C
    created[3].current_grade = Grade.C
    db.session.flush()
    expected = sorted(created, key=lambda a: (a.name, a.id))
    for query in ("常见片段", "恒达"):
        seen = []
        for page in (1, 2, 3):
            result = search_agencies(query, page=page, per_page=2)
            assert result.total == 5
            seen += _ids(result)
        assert seen == [a.id for a in expected]
        graded = search_agencies(query, grade="C")
        assert graded.total == 2 and _ids(graded) == [created[3].id, created[1].id]


def test_rebuild_restores_the_sqlite_index(db, world, is_postgres):
    connection = db.session.connection()
    if not is_postgres:
        connection.exec_driver_sql("DELETE FROM search_agency_names")
        assert search_agencies("华夏人力").total == 0
    search_index.rebuild_search_index(connection)
    assert _hit(search_agencies("华夏人力"), world["good"]).matched_on == ["name"]
    assert _hit(search_agencies("旧日职业"), world["good"]).matched_on == ["former_name"]
