"""`flask credit demo`: deterministic for a seed, valid USCCs, every state and type the
spec asks the demo to show, and the bulk (scale) path on both databases."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest
import sqlalchemy as sa

from credit_service.core.uscc import is_valid_uscc
from tests.foundation.conftest import backends

AS_OF = dt.date(2026, 11, 26)


def data_digest(db) -> str:
    """SHA-256 over every row of every table, in id order. Timestamps (load time) and
    password hashes (salted) are left out; everything else must be identical."""
    digest = hashlib.sha256()
    with db.engine.connect() as conn:
        for table in db.metadata.sorted_tables:
            columns = [c for c in table.columns
                       if not isinstance(c.type, sa.DateTime) and c.name != "password_hash"]
            order = [table.c.id] if "id" in table.c else columns
            for row in conn.execute(sa.select(*columns).order_by(*order)):
                digest.update(repr((table.name, tuple(row))).encode())
    return digest.hexdigest()


def load(app, **kwargs):
    from credit_service.demo.services import load_demo

    with app.app_context():
        return load_demo(as_of=AS_OF, **kwargs)


@pytest.mark.parametrize("backend", backends())
def test_demo_is_deterministic_for_a_seed(make_scratch_app, backend):
    from credit_service.extensions import db

    first, second, other = (make_scratch_app(backend) for _ in range(3))
    load(first, seed=11)
    load(second, seed=11)
    load(other, seed=12)
    digests = []
    for app in (first, second, other):
        with app.app_context():
            digests.append(data_digest(db))
    assert digests[0] == digests[1]
    assert digests[0] != digests[2]


@pytest.fixture(params=backends())
def demo_app(request, make_scratch_app):
    app = make_scratch_app(request.param)
    result = load(app)
    with app.app_context():
        yield app, result


def scalar(db, sql: str):
    with db.engine.connect() as conn:
        return conn.execute(sa.text(sql)).scalar()


def column(db, sql: str) -> list:
    with db.engine.connect() as conn:
        return list(conn.execute(sa.text(sql)).scalars())


def test_demo_content(demo_app):
    from credit_service.core.catalog import get_catalog
    from credit_service.extensions import db

    _app, result = demo_app
    assert 140 <= result.counts["agencies"] <= 160
    assert 380 <= result.counts["records"] <= 430
    usccs = column(db, "SELECT uscc FROM agencies")
    assert all(is_valid_uscc(code) for code in usccs)
    assert all(code[2:8] == "419001" for code in usccs)
    assert {code[0] for code in usccs} >= {"9", "Y"}  # letter-first codes too
    # both kinds, and agencies with several kinds
    assert scalar(db, "SELECT COUNT(*) FROM agencies WHERE is_dispatch AND is_job_agency") > 0
    assert scalar(db, "SELECT COUNT(*) FROM agencies WHERE is_other_hr") > 0
    # 19号令: dispatch units have registered capital of at least 2,000,000 yuan
    assert scalar(db, "SELECT MIN(registered_capital) FROM agencies WHERE is_dispatch") >= 2_000_000
    assert scalar(db, "SELECT COUNT(*) FROM agency_former_names") > 0
    assert scalar(db, f"SELECT COUNT(*) FROM agencies WHERE established_on > '{AS_OF.replace(year=2025)}'") > 0
    assert set(column(db, "SELECT DISTINCT status FROM licences")) >= {"valid", "expired", "revoked"}
    assert set(column(db, "SELECT DISTINCT year FROM annual_reports")) >= set(range(2020, 2026))
    assert scalar(db, "SELECT COUNT(*) FROM annual_reports WHERE NOT on_time") > 0
    # records: every catalog type, severity and status; years 2021-2026; major cases
    assert set(column(db, "SELECT DISTINCT violation_code FROM records")) == set(get_catalog())
    assert set(column(db, "SELECT DISTINCT severity FROM records")) == {"minor", "general", "serious"}
    assert set(column(db, "SELECT DISTINCT status FROM records")) == {
        "draft", "confirmed", "revoked", "overturned"}
    years = {d.year if isinstance(d, dt.date) else int(str(d)[:4])
             for d in column(db, "SELECT decided_on FROM records")}
    assert years == set(range(2021, 2027))
    assert scalar(db, "SELECT COUNT(*) FROM records WHERE repaired_on IS NOT NULL") > 0
    assert scalar(db, "SELECT COUNT(*) FROM records WHERE major_case_kind IS NOT NULL") > 0
    # honours at three levels
    assert set(column(db, "SELECT DISTINCT level FROM honours")) == {
        "national", "provincial", "municipal"}
    # every state of both lists, with events ending in that state
    black = set(column(db, "SELECT DISTINCT state FROM listings WHERE list_kind = 'black'"))
    red = set(column(db, "SELECT DISTINCT state FROM listings WHERE list_kind = 'red'"))
    expected = list_states()
    assert black == expected["black"]
    assert red == expected["red"]
    # ... and every step of both state machines, reverse_removal included
    done = set(tuple(row) for row in db.session.execute(sa.text(
        "SELECT DISTINCT l.list_kind, e.action FROM listing_events e "
        "JOIN listings l ON l.id = e.listing_id")).all())
    assert done >= list_actions(), list_actions() - done
    mismatched = scalar(db, """
        SELECT COUNT(*) FROM listings l WHERE l.state <> (
            SELECT e.to_state FROM listing_events e WHERE e.listing_id = l.id
            ORDER BY e.id DESC LIMIT 1)""")
    assert mismatched == 0
    # an agency is never on both lists at once (SPEC §5.2)
    both = scalar(db, """
        SELECT COUNT(*) FROM listings r JOIN listings b ON r.agency_id = b.agency_id
        WHERE r.list_kind = 'red' AND b.list_kind = 'black'
          AND r.state IN ('nominated', 'publicity', 'designated', 'published')
          AND b.state IN ('proposed', 'notified', 'objection', 'decided', 'published')""")
    assert both == 0
    # open cases, the 2021 campaign with its four phases and 返费 findings, staff of each role
    assert scalar(db, "SELECT COUNT(*) FROM cases WHERE state IN ('submitted', 'reviewing')") >= 3
    assert column(db, "SELECT name FROM campaign_phases ORDER BY id")[0] == "开展自查"
    assert column(db, "SELECT ends_on FROM campaign_phases ORDER BY id")[1] in (
        dt.date(2021, 5, 25), "2021-05-25")
    assert scalar(db, "SELECT COUNT(*) FROM self_inspections WHERE rebate_found") > 0
    assert set(column(db, "SELECT DISTINCT role FROM users")) == {"clerk", "reviewer", "admin"}
    assert len(set(column(db, "SELECT DISTINCT department FROM users"))) == 4


def list_states() -> dict[str, set[str]]:
    """Each list's states, from the ListingState enum and the lists' state machines: the
    first state plus every transition's target; together they are the whole enum."""
    from credit_service.core.enums import ListingState, ListKind
    from credit_service.lists.services import TRANSITIONS

    first = {ListKind.BLACK: ListingState.PROPOSED, ListKind.RED: ListingState.NOMINATED}
    states = {kind.value: {first[kind].value} | {t.target.value for t in table.values()}
              for kind, table in TRANSITIONS.items()}
    assert set().union(*states.values()) == set(ListingState.values())
    return states


def list_actions() -> set[tuple[str, str]]:
    from credit_service.lists.services import TRANSITIONS

    return {(kind.value, action) for kind, table in TRANSITIONS.items() for action in table}


def test_expected_list_states_come_from_the_enum():
    states = list_states()
    assert {"revoked", "withdrawn"} <= states["black"] & states["red"]
    assert "not_listed" in states["black"] and "expired" in states["red"]


def test_open_red_nominations_are_eligible(demo_app):
    """The demo's nominated / publicity red listings pass the eligibility check, so a
    reviewer can publicise and designate them (SPEC §5.2)."""
    from credit_service.core.enums import ListingState, ListKind
    from credit_service.extensions import db
    from credit_service.lists.models import Listing
    from credit_service.lists.services import red_list_eligibility

    open_red = db.session.scalars(sa.select(Listing).where(
        Listing.list_kind == ListKind.RED,
        Listing.state.in_([ListingState.NOMINATED, ListingState.PUBLICITY]))).all()
    assert {listing.state for listing in open_red} == {ListingState.NOMINATED,
                                                       ListingState.PUBLICITY}
    for listing in open_red:
        assert red_list_eligibility(listing.agency, AS_OF) == [], listing.agency.name
    db.session.remove()


def test_red_list_agencies_file_every_annual_report(app):
    """Generator only (no database), over many seeds: each red-list agency has filed the
    report of every year since it was established (the eligibility condition)."""
    from credit_service.core.catalog import get_catalog
    from credit_service.demo.generator import DemoGenerator

    for seed in range(40):
        generator = DemoGenerator(get_catalog(), seed=seed, as_of=AS_OF)
        filed: dict[int, set[int]] = {}
        for block in generator.tables():
            if block.table == "annual_reports":
                for row in block.rows:
                    filed.setdefault(row[1], set()).add(row[2])
                break
        red = [a for a in generator.agencies if a.profile == "red"]
        assert len(red) == 9, seed  # one per red state in the plan
        for agency in red:
            years = set(range(max(2020, agency.established_on.year), AS_OF.year))
            assert years <= filed.get(agency.id, set()), (seed, agency.name)


def test_listing_dates_follow_the_procedure(demo_app):
    """Objection deadlines are 5 working days after notice (45号令 art.6), terms are three
    years (art.11), red-list publicity is 5 working days."""
    from credit_service.core.workdays import working_days_after
    from credit_service.extensions import db
    from credit_service.lists.models import Listing

    listings = db.session.scalars(sa.select(Listing)).all()
    assert listings
    for listing in listings:
        if listing.notified_on:
            assert listing.objection_deadline == working_days_after(listing.notified_on, 5)
        if listing.decided_on and listing.expires_on:
            # 3 years from the decision, or from the reversal of an early removal (art.15)
            restored = [e.on for e in listing.events if e.action == "reverse_removal"]
            start = restored[-1] if restored else listing.decided_on
            assert listing.expires_on == start.replace(year=start.year + 3)
            if restored:
                assert listing.published_on == start and listing.ended_on is None
        days = [e.on for e in listing.events]
        assert days == sorted(days)
        assert all(day <= AS_OF for day in days)
    db.session.remove()


def test_demo_grades_and_history_come_from_the_engine(demo_app):
    from sqlalchemy import select

    from credit_service.agencies.models import Agency
    from credit_service.demo.services import history_dates
    from credit_service.extensions import db
    from credit_service.feed.models import ChangeEvent
    from credit_service.grading.services import assessment_on, preview

    _app, result = demo_app
    assert result.regraded
    assert scalar(db, "SELECT COUNT(*) FROM agencies WHERE current_grade IS NULL") == 0
    dates = history_dates(AS_OF)
    assert dates == sorted(dates) and len(dates) == 8 and dates[-1] < AS_OF
    assert all(d.month in (3, 6, 9, 12) for d in dates)
    agencies = db.session.scalars(select(Agency).order_by(Agency.id)).all()
    # the live grade is the engine's, and so is the grade on each past quarter end
    for agency in agencies[::10]:
        now = preview(agency, AS_OF)
        assert (agency.current_grade.value, agency.current_score) == (now.grade, now.score)
        for day in (dates[0], dates[4]):
            stored = assessment_on(agency, day)
            if agency.established_on <= day:
                then = preview(agency, day)
                assert stored is not None and (stored.grade.value, stored.score) == \
                    (then.grade, then.score), (agency.uscc, day)
    # a history: many agencies have more than one assessment
    assert scalar(db, "SELECT COUNT(*) FROM (SELECT agency_id FROM assessments "
                      "GROUP BY agency_id HAVING COUNT(*) > 1) t") > 20
    # the change feed has no entry for the replayed quarters: only the grades that differ
    # between the last quarter end and today
    moved = {a.uscc for a in agencies
             if (last := assessment_on(a, dates[-1])) is not None
             and last.grade != a.current_grade}
    feed = set(db.session.scalars(select(ChangeEvent.uscc).where(
        ChangeEvent.kind == "grade_changed")))
    assert feed == moved
    db.session.remove()


@pytest.mark.parametrize("backend", backends())
def test_scale_mode_bulk_path(make_scratch_app, backend, monkeypatch):
    from flask_migrate import check

    from credit_service.demo import loader
    from credit_service.extensions import db

    # Exercise the PostgreSQL drop-and-rebuild of constraints and indexes on small tables
    # (agencies too, where the search indexes of 0002_search_indexes live).
    monkeypatch.setattr(loader, "REBUILD_THRESHOLD", 200)
    app = make_scratch_app(backend)
    result = load(app, seed=5, agencies=300, records=3_000, scale=True, regrade=False)
    assert result.counts["agencies"] == 300 and result.counts["records"] == 3_000
    with app.app_context():
        usccs = column(db, "SELECT uscc FROM agencies")
        assert len(set(usccs)) == 300 and all(is_valid_uscc(c) for c in usccs)
        assert scalar(db, "SELECT COUNT(*) FROM records r LEFT JOIN agencies a "
                          "ON a.id = r.agency_id WHERE a.id IS NULL") == 0
        assert scalar(db, "SELECT COUNT(*) FROM records WHERE decided_on < occurred_on") == 0
        # Constraints and indexes are back exactly as migrated, and ids continue.
        check()
        # ... including the name search indexes, which `check` leaves out by design.
        if backend == "postgresql":
            names = set(column(db, "SELECT indexname FROM pg_indexes WHERE indexname LIKE 'trgm_%'"))
            assert names == {"trgm_agencies_name", "trgm_agencies_bigrams",
                             "trgm_agency_former_names_name", "trgm_agency_former_names_bigrams"}
        else:
            assert scalar(db, "SELECT COUNT(*) FROM search_agency_names") == 300 + scalar(
                db, "SELECT COUNT(*) FROM agency_former_names")
        from credit_service.public.services import search_agencies

        name = column(db, "SELECT name FROM agencies ORDER BY id")[123]
        fragment = name.replace("济源市", "").replace("济源示范区", "")[:4]
        hits = search_agencies(fragment, 1, 200)
        assert name in [hit.agency.name for hit in hits.items]
        from credit_service.agencies.models import Agency
        from tests.fixtures.agencies import make_uscc

        agency = Agency(uscc=make_uscc(1), name="新机构", legal_rep_name="张三", address="济源",
                        established_on=AS_OF, is_job_agency=True)
        db.session.add(agency)
        db.session.commit()
        assert agency.id == 301
        db.session.remove()


def test_cli_refuses_non_empty_database_and_if_empty_skips(make_scratch_app):
    app = make_scratch_app("sqlite")
    runner = app.test_cli_runner()
    first = runner.invoke(args=["credit", "demo", "--as-of", "2026-11-26", "--no-regrade"])
    assert first.exit_code == 0, first.output
    assert "已加载 150 家机构" in first.output and "demo-admin-2026" in first.output
    again = runner.invoke(args=["credit", "demo", "--as-of", "2026-11-26"])
    assert again.exit_code != 0 and "--force" in again.output
    skipped = runner.invoke(args=["credit", "demo", "--if-empty"])
    assert skipped.exit_code == 0 and "跳过" in skipped.output
    forced = runner.invoke(args=["credit", "demo", "--as-of", "2026-11-26", "--force",
                                 "--seed", "3", "--no-regrade"])
    assert forced.exit_code == 0, forced.output
    logins = runner.invoke(args=["credit", "demo", "--show-logins"])
    assert "reviewer" in logins.output and "demo-reviewer-2026" in logins.output


@pytest.mark.parametrize(
    "corruption",
    ["UPDATE records SET fine_amount = -1 WHERE id = 1",
     "UPDATE records SET severity = 'catastrophic' WHERE id = 3",
     "UPDATE records SET decided_on = '2000-01-01' WHERE id = 4",
     "UPDATE records SET agency_id = 999999 WHERE id = 2"],
)
def test_sqlite_bulk_load_verifies_the_constraints_it_defers(make_scratch_app, monkeypatch,
                                                             corruption):
    """The SQLite bulk path inserts with CHECK and foreign keys off; a bad row must still
    fail the load and leave the database empty."""
    from credit_service.demo import loader
    from credit_service.extensions import db

    original = loader.BulkWriter.finish

    def corrupting_finish(self):
        self.conn.exec_driver_sql(corruption)
        original(self)

    monkeypatch.setattr(loader.BulkWriter, "finish", corrupting_finish)
    app = make_scratch_app("sqlite")
    with pytest.raises(RuntimeError, match="records"):
        load(app, agencies=50, records=200, scale=True, regrade=False)
    with app.app_context():
        assert scalar(db, "SELECT COUNT(*) FROM agencies") == 0
        assert scalar(db, "PRAGMA foreign_keys") == 1
