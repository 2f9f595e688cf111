"""Grading: runs the pure engine (``scoring``) over agencies' files and keeps the history.

- ``regrade_agency`` runs inside the caller's transaction after every write that touches
  an agency's file (records, honours, licences, annual reports, listings) and writes an
  ``Assessment`` row only when the result changed (SPEC.md §3 "a new row whenever the
  grade or score changes"; the explanation is stored as it was).
- ``regrade_all`` is the set-based version for ``flask credit regrade``: a handful of
  queries per chunk of agencies, the engine in a loop, bulk writes.
- ``run_round`` is the annual evaluation with the A+/A quotas (Henan 2026 art.5), stored
  as a published round; between rounds the live grade may not rise above it (§4.5).

The agency's ``current_grade``/``current_score`` are derived data: they are written with a
plain UPDATE so a regrade never bumps the agency's optimistic-lock ``version`` (a clerk's
open edit form must not go stale because a record was confirmed elsewhere).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from operator import attrgetter

from flask import current_app
from sqlalchemy import (
    JSON,
    String,
    Text,
    bindparam,
    cast,
    func,
    insert,
    or_,
    select,
    true,
    type_coerce,
    update,
)
from sqlalchemy.orm.attributes import set_committed_value

from credit_service.agencies.models import Agency, AnnualReport, Licence
from credit_service.core.db import transactional, utcnow
from credit_service.core.enums import ChangeKind, Grade
from credit_service.core.errors import Conflict
from credit_service.extensions import db
from credit_service.grading.models import Assessment, EvaluationRound
from credit_service.lists.models import Listing
from credit_service.records.models import Honour, Record
from scoring import (
    GRADE_LABELS,
    AgencyInput,
    AnnualReportInput,
    AssessmentResult,
    Ceiling,
    HonourInput,
    ListingInput,
    RecordInput,
    RuleSet,
    RuleSets,
    add_months,
    apply_quotas,
    evaluate,
    load_rulesets,
)

CHUNK = 10_000
ONE_PASS = 250_000
_by_decision = attrgetter("decided_on", "id")
_by_grant = attrgetter("granted_on", "id")
# Black-list states that mean "was or is listed" (the decision was taken).
_LISTED_STATES = ("decided", "published", "removed", "revoked", "expired")


# --------------------------------------------------------------------------- rule sets


def load_rules(app) -> RuleSets:
    """Load and validate every rule-set version in ``RULES_DIR`` now, for ``create_app``
    (next to ``load_catalog``): a broken or missing rule file then stops start-up with a
    ``RuleSetError`` naming the file and the key, instead of failing the first request or
    write that grades. Stores the result where ``get_rulesets`` finds it."""
    rulesets = load_rulesets(app.config["RULES_DIR"])
    app.extensions["credit_rulesets"] = rulesets
    return rulesets


def get_rulesets() -> RuleSets:
    """All rule-set versions from ``RULES_DIR``, loaded (and validated) once per app
    (at start-up when ``create_app`` calls ``load_rules``, else on first use)."""
    app = current_app._get_current_object()
    rulesets = app.extensions.get("credit_rulesets")
    if rulesets is None:
        rulesets = load_rules(app)
    return rulesets


def ruleset_for(as_of: dt.date) -> RuleSet:
    """The version in effect on ``as_of`` (a later version never changes earlier grades)."""
    return get_rulesets().for_date(as_of)


def active_ruleset(as_of: dt.date | None = None) -> RuleSet:
    return ruleset_for(as_of or _today())


def supervision_ratios(as_of: dt.date | None = None) -> dict[str, float]:
    """Inspection sample ratio per grade code (SPEC.md §4.8); "NEW" is supervised as B."""
    return dict(active_ruleset(as_of).supervision)


def _today() -> dt.date:
    from credit_service.core.web import today_local

    return today_local()


# --------------------------------------------------------------------------- loading inputs


def _s(column):
    """Read a column as its stored text: no enum/date object per row in a bulk load."""
    return type_coerce(column, String())


_date_cache: dict[str, dt.date] = {}


def _d(value) -> dt.date | None:
    hit = _date_cache.get(value)  # first: nearly every call is a repeated ISO string
    if hit is not None:
        return hit
    if value is None or isinstance(value, dt.date):
        return value
    hit = dt.date.fromisoformat(value[:10])
    if len(_date_cache) < 200_000:
        _date_cache[value] = hit
    return hit


def _where_agencies(column, ids: list[int] | None, lo: int | None, hi: int | None):
    if ids is not None:
        return column.in_(ids) if len(ids) > 1 else column == ids[0]
    if lo is None:
        return true()  # every agency: one sequential pass over the table
    return column.between(lo, hi)


def _load_inputs(agency_rows, *, ids=None, lo=None, hi=None,
                 ceilings: dict[int, Ceiling] | None = None,
                 records_since: dt.date | None = None) -> list[AgencyInput]:
    """Engine inputs for ``agency_rows`` ((id, uscc, established_on) tuples), loaded with
    one query per table, restricted either to ``ids`` or to the id range ``lo..hi``.

    ``records_since`` leaves out records decided before that date that were neither
    repaired nor revoked since and are no listing's basis: past every window they cannot
    change a live assessment (the engine's "past its window" property), and a full
    regrade then reads a fraction of the records table."""
    from credit_service.core.catalog import get_catalog

    catalog = get_catalog()
    flags = {code: (vt.veto, vt.c_cap, vt.name) for code, vt in catalog.items()}
    session = db.session

    R = Record.__table__.c
    records: dict[int, list[RecordInput]] = defaultdict(list)
    for row in session.execute(
        select(R.agency_id, R.id, R.violation_code, _s(R.severity), _s(R.decided_on),
               _s(R.status), _s(R.penalty_kind), R.decision_number, _s(R.rectify_by),
               _s(R.corrected_on), R.refused_to_comply, _s(R.repaired_on),
               _s(R.status_changed_on))
        .where(_where_agencies(R.agency_id, ids, lo, hi), _s(R.status) != "draft",
               *_recent_records(R, records_since))
    ).all():
        veto, c_cap, name = flags.get(row[2], (False, False, row[2]))
        # Positional (field order of RecordInput): this loop runs a million times.
        records[row[0]].append(RecordInput(
            row[1], row[2], row[3], _d(row[4]), row[5], row[6], name, row[7], veto, c_cap,
            row[8] and _d(row[8]), row[9] and _d(row[9]), bool(row[10]),
            row[11] and _d(row[11]), row[12] and _d(row[12]),
        ))

    H = Honour.__table__.c
    honours: dict[int, list[HonourInput]] = defaultdict(list)
    for row in session.execute(
        select(H.agency_id, H.id, _s(H.kind), _s(H.level), _s(H.granted_on), H.title,
               _s(H.valid_until), _s(H.revoked_on))
        .where(_where_agencies(H.agency_id, ids, lo, hi))
    ).all():
        honours[row[0]].append(HonourInput(
            id=row[1], kind=row[2], level=row[3], granted_on=_d(row[4]), title=row[5],
            valid_until=_d(row[6]), revoked_on=_d(row[7])))

    L = Licence.__table__.c
    first_licence = {
        row[0]: _d(row[1]) for row in session.execute(
            select(L.agency_id, _s(func.min(L.issued_on)))
            .where(_where_agencies(L.agency_id, ids, lo, hi)).group_by(L.agency_id))
    }

    AR = AnnualReport.__table__.c
    reports: dict[int, list[AnnualReportInput]] = defaultdict(list)
    for row in session.execute(
        select(AR.agency_id, AR.year, _s(AR.submitted_on), AR.on_time)
        .where(_where_agencies(AR.agency_id, ids, lo, hi))
    ).all():
        reports[row[0]].append(AnnualReportInput(row[1], _d(row[2]), bool(row[3])))

    LS = Listing.__table__.c
    listings: dict[int, list[ListingInput]] = defaultdict(list)
    for row in session.execute(
        select(LS.agency_id, _s(LS.state), _s(LS.decided_on), _s(LS.ended_on),
               _s(LS.expires_on), LS.basis_record_id)
        .where(_where_agencies(LS.agency_id, ids, lo, hi), _s(LS.list_kind) == "black",
               _s(LS.state).in_(_LISTED_STATES), LS.decided_on.is_not(None))
    ):
        # In effect from the decision; until removal/revocation, else until expiry.
        end = _d(row[3]) or _d(row[4])
        listings[row[0]].append(ListingInput("black", _d(row[2]), end, row[5]))

    ceilings = ceilings or {}
    out = []
    for agency_id, uscc, established_on in agency_rows:
        recs = records.get(agency_id, ())
        if recs:
            recs.sort(key=_by_decision)
        hons = honours.get(agency_id, ())
        if hons:
            hons.sort(key=_by_grant)
        out.append(AgencyInput(
            id=agency_id, uscc=uscc, established_on=_d(established_on),
            records=tuple(recs), honours=tuple(hons),
            annual_reports=tuple(sorted(reports.get(agency_id, ()), key=lambda r: r.year)),
            listings=tuple(listings.get(agency_id, ())),
            ceiling=ceilings.get(agency_id),
            first_licence_on=first_licence.get(agency_id),
        ))
    return out


def _recent_records(R, since: dt.date | None) -> tuple:
    if since is None:
        return ()
    LS = Listing.__table__.c
    return (or_(R.decided_on >= since, R.repaired_on >= since, R.status_changed_on >= since,
                R.id.in_(select(LS.basis_record_id).where(LS.basis_record_id.is_not(None)))),)


def records_cutoff(ruleset: RuleSet, as_of: dt.date) -> dt.date:
    """The earliest decision date that can still matter on ``as_of`` for a record that is
    no listing's basis (the longest window any rule gives such a record, plus a month of
    margin). Listing basis records count for up to ``window.listed`` months, but
    ``_recent_records`` loads them whatever their date."""
    months = max(*ruleset.severity_months.values(),
                 ruleset["grade.a_plus"]["clean_months"], ruleset["grade.a"]["clean_months"],
                 ruleset["cap.penalty_count"]["months"], ruleset["bonus.clean_record"]["months"])
    return add_months(as_of, -(months + 1))


def _ceilings(as_of: dt.date, *, ids=None, lo=None, hi=None) -> dict[int, Ceiling]:
    """Grades of the latest published round before ``as_of`` (the between-rounds ceiling)."""
    rnd = db.session.scalar(
        select(EvaluationRound).where(EvaluationRound.published.is_(True),
                                      EvaluationRound.as_of < as_of)
        .order_by(EvaluationRound.as_of.desc()).limit(1))
    if rnd is None:
        return {}
    A = Assessment.__table__.c
    rows = db.session.execute(
        select(A.agency_id, _s(A.grade))
        .where(A.round_id == rnd.id, _where_agencies(A.agency_id, ids, lo, hi)))
    return {aid: Ceiling(g, rnd.year, rnd.as_of) for aid, g in rows if g != "NEW"}


# --------------------------------------------------------------------------- writing


def fingerprint(result: AssessmentResult) -> str:
    """Identity of a result for "did anything change": the rule lines and the scheduled
    next change (a filed annual report can cancel a predicted drop without moving the
    score), not the as-of date or the wording."""
    nc = result.next_change
    key = (result.signature(), None if nc is None else (nc.on, nc.grade, nc.score))
    return hashlib.blake2b(repr(key).encode(), digest_size=8).hexdigest()


def _explanation(result: AssessmentResult) -> dict:
    data = result.to_dict()
    data["fingerprint"] = fingerprint(result)
    return data


def _grade_title(name: str, old: str, new: str) -> str:
    return f"{name} 信用等级由 {GRADE_LABELS.get(old, old)} 变为 {GRADE_LABELS.get(new, new)}"


def _in_effect(agency_id: int, as_of: dt.date) -> Assessment | None:
    return db.session.scalar(
        select(Assessment).where(Assessment.agency_id == agency_id,
                                 Assessment.round_id.is_(None), Assessment.as_of <= as_of)
        .order_by(Assessment.as_of.desc(), Assessment.id.desc()).limit(1))


@transactional
def regrade_agency(agency: Agency, *, as_of: dt.date | None = None, actor=None) -> Assessment | None:
    """Recompute one agency's grade as of ``as_of`` (default today) in the caller's
    transaction. Returns the new ``Assessment`` as of ``as_of`` if score, grade or
    explanation changed, else None, and writes a change-feed entry when the live grade
    moves.

    A regrade dated in the past (a listing step or a case effect dated when it was
    decided) writes the history row for that date and then also regrades as of the live
    date — today, or the latest live row's date if that is later — so the agency's
    ``current_grade`` and latest assessment never stay behind a backdated event."""
    today = _today()
    as_of = as_of or today
    db.session.flush()  # the caller's pending writes must be visible to the loader
    assessment = _regrade_on(agency, as_of, actor)
    latest = current_assessment(agency)
    live_on = max(today, latest.as_of) if latest is not None else today
    if as_of < live_on:
        _regrade_on(agency, live_on, actor)
    return assessment


def _regrade_on(agency: Agency, as_of: dt.date, actor) -> Assessment | None:
    """``regrade_agency`` for one date: compare with the row in effect on ``as_of`` and
    write a new one if the result differs; the agency's current grade only moves when
    no later live row exists."""
    from credit_service.audit.services import record_audit
    from credit_service.feed.services import record_change

    rulesets = get_rulesets()
    ceilings = _ceilings(as_of, ids=[agency.id])
    [agency_input] = _load_inputs([(agency.id, agency.uscc, agency.established_on)],
                                  ids=[agency.id], ceilings=ceilings)
    result = evaluate(agency_input, as_of, rulesets.for_date(as_of))

    # The latest live row; when it is dated after as_of (a backdated regrade), compare
    # with the row in effect on as_of instead and leave the agency's current grade alone.
    previous = current_assessment(agency)
    later_exists = previous is not None and previous.as_of > as_of
    if later_exists:
        previous = _in_effect(agency.id, as_of)
    fp = fingerprint(result)
    if previous is not None and previous.score == result.score \
            and previous.grade.value == result.grade \
            and (previous.explanation or {}).get("fingerprint") == fp:
        if not later_exists:
            _set_current(agency, previous.grade.value, previous.score)
        return None

    assessment = Assessment(
        agency_id=agency.id, as_of=as_of, ruleset_version=result.ruleset_version,
        score=result.score, grade=Grade(result.grade), explanation=_explanation(result),
    )
    db.session.add(assessment)
    old_grade = previous.grade.value if previous is not None else (
        agency.current_grade.value if agency.current_grade is not None else None)
    is_current = not later_exists
    if is_current:
        _set_current(agency, result.grade, result.score)
    record_audit("assessment.create", assessment, actor=actor, after={
        "as_of": as_of, "score": result.score, "grade": result.grade,
        "ruleset_version": result.ruleset_version, "decided_by": result.decided_by,
    })
    if is_current and old_grade is not None and old_grade != result.grade:
        record_change(ChangeKind.GRADE_CHANGED, subject=f"agency:{agency.uscc}",
                      title=_grade_title(agency.name, old_grade, result.grade),
                      detail=result.summary, agency=agency)
    return assessment


def _set_current(agency: Agency, grade: str, score: int) -> None:
    """Denormalise onto the agency without touching its optimistic-lock version."""
    if agency.current_grade is not None and agency.current_grade.value == grade \
            and agency.current_score == score:
        return
    db.session.execute(
        update(Agency.__table__).where(Agency.__table__.c.id == agency.id)
        .values(current_grade=Grade(grade), current_score=score))
    set_committed_value(agency, "current_grade", Grade(grade))
    set_committed_value(agency, "current_score", score)


# --------------------------------------------------------------------------- bulk


def _agency_chunks(chunk: int, only_operating: bool = False, established_by=None):
    T = Agency.__table__.c
    query = select(T.id, T.uscc, _s(T.established_on), T.name).order_by(T.id)
    if only_operating:
        query = query.where(_s(T.status) == "operating")
    if established_by is not None:
        query = query.where(T.established_on <= established_by)
    rows = db.session.execute(query).all()
    for i in range(0, len(rows), chunk):
        yield rows[i:i + chunk]


def _bulk_assessment_insert():
    """INSERT for many assessments with the explanation serialised once by us (compact
    UTF-8 rather than the JSON type's ASCII escapes: about half the bytes)."""
    value = type_coerce(bindparam("explanation_json"), Text())
    if db.engine.dialect.name == "postgresql":
        value = cast(value, JSON)  # SQLite keeps JSON as TEXT (a CAST would be NUMERIC)
    return insert(Assessment.__table__).values(explanation=value)


_JSON = json.JSONEncoder(ensure_ascii=False).encode  # = json.dumps(..., ensure_ascii=False)
_ASSESSMENT_COLUMNS = ("agency_id", "as_of", "ruleset_version", "score", "grade", "explanation",
                       "round_id", "created_at")


class _BulkWriter:
    """The full regrade's writes through the driver, without SQLAlchemy's per-row parameter
    handling (it cost more than the database work): on PostgreSQL ``COPY`` for the new
    assessments and for the agencies' new grades (into a temporary table, then one
    ``UPDATE … FROM``); on SQLite one ``executemany`` each. The few distinct values of the
    typed columns (as-of date, grades, timestamp) go through the columns' own bind
    processors once, so what is stored is what the ORM would store. Runs in the session's
    transaction."""

    def __init__(self, as_of: dt.date, now: dt.datetime) -> None:
        conn = db.session.connection()
        dialect = conn.dialect
        self.pg = dialect.name == "postgresql"
        self.dbapi = conn.connection.dbapi_connection
        A = Assessment.__table__.c
        T = Agency.__table__.c

        def bind(column, value):
            proc = column.type._cached_bind_processor(dialect)
            return value if proc is None else proc(value)

        self.as_of = bind(A.as_of, as_of)
        self.created_at = bind(A.created_at, now)
        self.updated_at = bind(T.updated_at, now)  # the column's onupdate
        self.grade = {g.value: bind(A.grade, g) for g in Grade}
        self.current_grade = {g.value: bind(T.current_grade, g) for g in Grade}
        self.temp_ready = False

    def assessment(self, agency_id: int, result: AssessmentResult, explanation: str) -> tuple:
        return (agency_id, self.as_of, result.ruleset_version, result.score,
                self.grade[result.grade], explanation, None, self.created_at)

    def agency(self, agency_id: int, result: AssessmentResult) -> tuple:
        return (agency_id, self.current_grade[result.grade], result.score, self.updated_at)

    def insert_assessments(self, rows: list[tuple]) -> None:
        """``rows`` from ``assessment()``, in ``_ASSESSMENT_COLUMNS`` order."""
        if not rows:
            return
        cur = self.dbapi.cursor()
        cols = ", ".join(_ASSESSMENT_COLUMNS)
        if self.pg:
            with cur.copy(f"COPY assessments ({cols}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join("?" * len(_ASSESSMENT_COLUMNS))
            cur.executemany(f"INSERT INTO assessments ({cols}) VALUES ({marks})", rows)
        cur.close()

    def update_agencies(self, rows: list[tuple]) -> None:
        """``rows`` from ``agency()``: (id, grade, score, updated_at)."""
        if not rows:
            return
        cur = self.dbapi.cursor()
        if self.pg:
            if not self.temp_ready:
                cur.execute("CREATE TEMPORARY TABLE IF NOT EXISTS _regrade_agencies "
                            "(id integer, grade varchar(32), score integer, "
                            "updated_at timestamptz) ON COMMIT DROP")
                self.temp_ready = True
            cur.execute("TRUNCATE _regrade_agencies")
            with cur.copy("COPY _regrade_agencies (id, grade, score, updated_at) "
                          "FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            cur.execute("UPDATE agencies AS a SET current_grade = t.grade, "
                        "current_score = t.score, updated_at = t.updated_at "
                        "FROM _regrade_agencies AS t WHERE a.id = t.id")
        else:
            cur.executemany("UPDATE agencies SET current_grade = ?, current_score = ?, "
                            "updated_at = ? WHERE id = ?",
                            [(g, sc, u, i) for i, g, sc, u in rows])
        cur.close()


def _report(progress, n: int) -> None:
    if progress is None:
        return
    if hasattr(progress, "update"):
        progress.update(n)
    else:
        progress(n)


def _latest_live(lo: int | None, hi: int | None) -> dict[int, tuple]:
    """Per agency in ``lo..hi`` (None: all): (as_of, score, grade, fingerprint) of the
    latest live row."""
    A = Assessment.__table__.c
    rn = func.row_number().over(partition_by=A.agency_id, order_by=(A.as_of.desc(), A.id.desc()))
    sub = (
        select(A.agency_id, _s(A.as_of).label("as_of"), A.score, _s(A.grade).label("grade"),
               A.explanation["fingerprint"].as_string().label("fp"), rn.label("rn"))
        .where(A.round_id.is_(None), _where_agencies(A.agency_id, None, lo, hi))
        .subquery()
    )
    rows = db.session.execute(
        select(sub.c.agency_id, sub.c.as_of, sub.c.score, sub.c.grade, sub.c.fp)
        .where(sub.c.rn == 1))
    return {row[0]: (_d(row[1]), row[2], row[3], row[4]) for row in rows}


@transactional
def regrade_all(*, as_of: dt.date | None = None, progress=None, actor=None,
                chunk: int = CHUNK, feed: bool = True) -> dict:
    """Regrade every agency as of ``as_of`` (default today), set-based: per chunk of
    agencies a few queries load the files, the engine runs in a loop, and changed
    assessments and agencies are written in bulk. Returns counts. ``feed=False`` writes no
    change-feed entries (a history backfill: the feed says what changed *now*)."""
    from credit_service.audit.services import record_audit

    as_of = as_of or _today()
    ruleset = get_rulesets().for_date(as_of)
    since = records_cutoff(ruleset, as_of)
    round_as_of = db.session.scalar(
        select(EvaluationRound.as_of).where(EvaluationRound.published.is_(True),
                                            EvaluationRound.as_of < as_of)
        .order_by(EvaluationRound.as_of.desc()).limit(1))
    if round_as_of is not None and _d(round_as_of) < since:
        # A repair or revocation after the last round lifts its ceiling (§4.5): keep the
        # records that may carry one, however old the round.
        since = _d(round_as_of)
    now = utcnow()
    writer = _BulkWriter(as_of, now)
    stats = Counter()
    grades = Counter()
    feed_rows = []
    all_rows = [row for rows in _agency_chunks(10**9) for row in rows]
    # Up to ONE_PASS agencies the files are read in one sequential pass per table (random
    # access by agency range costs more than it saves, on SQLite above all); beyond that,
    # chunk by agency id range to bound memory.
    one_pass = len(all_rows) <= ONE_PASS
    if one_pass:
        all_inputs = _load_inputs([(r[0], r[1], r[2]) for r in all_rows],
                                  ceilings=_ceilings(as_of), records_since=since)
        latest = _latest_live(None, None)
    for start in range(0, len(all_rows), chunk):
        rows = all_rows[start:start + chunk]
        lo, hi = rows[0][0], rows[-1][0]
        names = {r[0]: r[3] for r in rows}
        usccs = {r[0]: r[1] for r in rows}
        if one_pass:
            inputs = all_inputs[start:start + chunk]
        else:
            inputs = _load_inputs([(r[0], r[1], r[2]) for r in rows], lo=lo, hi=hi,
                                  ceilings=_ceilings(as_of, lo=lo, hi=hi), records_since=since)
            latest = _latest_live(lo, hi)
        new_rows, agency_updates = [], []
        for agency_input in inputs:
            result = evaluate(agency_input, as_of, ruleset)
            grades[result.grade] += 1
            aid = agency_input.id
            prev = latest.get(aid)
            is_current = True
            if prev is not None and prev[0] > as_of:  # backdated run: compare with that date
                is_current = False
                row = _in_effect(aid, as_of)
                prev = None if row is None else (row.as_of, row.score, row.grade.value,
                                                 (row.explanation or {}).get("fingerprint"))
            fp = fingerprint(result)
            if prev is not None and prev[1] == result.score and prev[2] == result.grade \
                    and prev[3] == fp:
                stats["unchanged"] += 1
                continue
            stats["changed"] += 1
            explanation = result.to_dict()
            explanation["fingerprint"] = fp
            new_rows.append(writer.assessment(aid, result, _JSON(explanation)))
            if is_current:
                agency_updates.append(writer.agency(aid, result))
                if prev is not None and prev[2] != result.grade:
                    stats["grade_changed"] += 1
                    feed_rows.append({
                        "kind": ChangeKind.GRADE_CHANGED, "occurred_at": now,
                        "agency_id": aid, "uscc": usccs[aid], "agency_name": names[aid],
                        "subject": f"agency:{usccs[aid]}",
                        "title": _grade_title(names[aid], prev[2], result.grade),
                        "detail": result.summary,
                    })
        writer.insert_assessments(new_rows)
        writer.update_agencies(agency_updates)
        _report(progress, len(rows))
    if feed_rows and feed:
        from credit_service.feed.models import ChangeEvent

        db.session.execute(insert(ChangeEvent.__table__), feed_rows)
    summary = {
        "as_of": as_of.isoformat(), "ruleset_version": ruleset.version,
        "agencies": stats["changed"] + stats["unchanged"], "changed": stats["changed"],
        "unchanged": stats["unchanged"], "grade_changed": stats["grade_changed"],
        "grades": dict(grades),
    }
    record_audit("grading.regrade_all", None, actor=actor, after=summary,
                 object_type="assessments")
    db.session.expire_all()
    return summary


@transactional
def run_round(year: int, *, actor=None, regrade_live: bool = True) -> EvaluationRound:
    """The annual evaluation (评价周期 = calendar year) as of 31 December of ``year``,
    with the A+/A quotas (河南省劳务派遣单位信用等级评价办法 art.5), stored as a published
    round. Operating agencies established by that date take part. Afterwards live grades
    are recomputed so they respect the round's grades as a ceiling (SPEC.md §4.5)."""
    from credit_service.audit.services import record_audit

    if db.session.scalar(select(EvaluationRound).where(EvaluationRound.year == year)):
        raise Conflict(f"{year} 年度信用评价已经发布，不能重复评价",
                       errors={"year": [f"{year} 年度信用评价已经发布"]})
    as_of = dt.date(year, 12, 31)
    ruleset = get_rulesets().for_date(as_of)
    results: list[AssessmentResult] = []
    for rows in _agency_chunks(CHUNK, only_operating=True, established_by=as_of):
        lo, hi = rows[0][0], rows[-1][0]
        inputs = _load_inputs([(r[0], r[1], r[2]) for r in rows], lo=lo, hi=hi)
        results.extend(evaluate(a, as_of, ruleset, predict=False) for a in inputs)
    final = apply_quotas(results, ruleset)
    counts = Counter(r.grade for r in final)
    graded = sum(v for k, v in counts.items() if k != "NEW")
    rnd = EvaluationRound(
        year=year, as_of=as_of, ruleset_version=ruleset.version,
        run_by_id=getattr(actor, "id", None), published=True,
        summary={
            "agencies": len(final), "graded": graded, "grades": dict(counts),
            "demoted_by_quota": sum(1 for r in final if r.decided_by == "quota"),
            "a_plus_max": ruleset["quota"]["a_plus_max"],
            "a_and_above_max": ruleset["quota"]["a_and_above_max"],
        },
    )
    db.session.add(rnd)
    db.session.flush()
    now = utcnow()
    rows = []
    for r in final:
        explanation = r.to_dict()
        explanation["fingerprint"] = fingerprint(r)
        explanation["round"] = year
        rows.append({
            "agency_id": r.agency_id, "as_of": as_of, "ruleset_version": r.ruleset_version,
            "score": r.score, "grade": Grade(r.grade),
            "explanation_json": json.dumps(explanation, ensure_ascii=False),
            "round_id": rnd.id, "created_at": now,
        })
    for i in range(0, len(rows), CHUNK):
        db.session.execute(_bulk_assessment_insert(), rows[i:i + CHUNK])
    record_audit("evaluation_round.publish", rnd, actor=actor, after=rnd.summary)
    if regrade_live and _today() > as_of:
        regrade_all(actor=actor)
    return rnd


# --------------------------------------------------------------------------- queries


def current_assessment(agency: Agency) -> Assessment | None:
    """The live assessment in force now (the latest; round rows are not live)."""
    return db.session.scalar(
        select(Assessment).where(Assessment.agency_id == agency.id,
                                 Assessment.round_id.is_(None))
        .order_by(Assessment.as_of.desc(), Assessment.id.desc()).limit(1))


def assessment_on(agency: Agency, on: dt.date) -> Assessment | None:
    """The live grade on date ``on``: the latest assessment with ``as_of <= on``."""
    return _in_effect(agency.id, on)


def assessment_history(agency: Agency) -> list[Assessment]:
    """Every assessment of the agency, newest first (round rows carry ``round_id``)."""
    return list(db.session.scalars(
        select(Assessment).where(Assessment.agency_id == agency.id)
        .order_by(Assessment.as_of.desc(), Assessment.id.desc())))


def round_assessment(agency: Agency, year: int) -> Assessment | None:
    return db.session.scalar(
        select(Assessment).join(EvaluationRound, Assessment.round_id == EvaluationRound.id)
        .where(Assessment.agency_id == agency.id, EvaluationRound.year == year))


def explanation_for(agency: Agency) -> dict | None:
    """The stored explanation of the current assessment (shown as it was computed)."""
    assessment = current_assessment(agency)
    return None if assessment is None else assessment.explanation


def preview(agency: Agency, as_of: dt.date | None = None) -> AssessmentResult:
    """Run the engine without writing anything (staff "what if" views, tests)."""
    as_of = as_of or _today()
    db.session.flush()
    [agency_input] = _load_inputs([(agency.id, agency.uscc, agency.established_on)],
                                  ids=[agency.id], ceilings=_ceilings(as_of, ids=[agency.id]))
    return evaluate(agency_input, as_of, get_rulesets().for_date(as_of))


def grade_counts(agency_ids: Iterable[int] | None = None) -> dict[str, int]:
    query = select(_s(Agency.current_grade), func.count()).group_by(Agency.current_grade)
    if agency_ids is not None:
        query = query.where(Agency.id.in_(list(agency_ids)))
    return {g or "": n for g, n in db.session.execute(query)}


ProgressCallback = Callable[[int], None]
