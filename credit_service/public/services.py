"""Read side of the public site: search, the agency profile with its explanation, the
lists' public rows and the home page counts. Everything here is public by construction:
explicit field whitelists, never ``contact_phone``, ID numbers, internal notes or staff
(SPEC.md §5.1, 29号令 art.7 on privacy).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field
from types import SimpleNamespace

from sqlalchemy import and_, bindparam, func, or_, select

from credit_service.agencies.models import Agency, AnnualReport, FormerName, Licence
from credit_service.core.catalog import get_catalog
from credit_service.core.enums import (
    Grade,
    HonourKind,
    HonourLevel,
    ListingState,
    ListKind,
    RecordStatus,
    Severity,
)
from credit_service.core.web import today_local
from credit_service.extensions import db
from credit_service.grading.models import Assessment
from credit_service.lists.models import Listing
from credit_service.public import search_index
from credit_service.records.models import Honour, Record

MAX_PER_PAGE = 100

# --- search ------------------------------------------------------------------------------

MATCH_LABELS = {
    "name": "名称",
    "former_name": "曾用名",
    "uscc": "统一社会信用代码",
    "licence_number": "许可证/备案编号",
}


@dataclass
class SearchHit:
    agency: Agency
    matched_on: list[str] = field(default_factory=list)  # codes, see MATCH_LABELS
    reasons: list[str] = field(default_factory=list)  # Chinese, shown under each hit


@dataclass
class SearchResult:
    items: list[SearchHit]
    total: int
    page: int
    per_page: int
    query: str = ""

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


def _normalise_query(q: str | None) -> str:
    return " ".join((q or "").split())[:100]


def _looks_like_code(upper: str) -> bool:
    """USCC (GB 32100) prefixes are ASCII letters and digits only."""
    return upper.isascii() and upper.isalnum() and len(upper) >= 2


def search_agencies(q: str | None, page: int = 1, per_page: int = 20, grade=None,
                    list_kind=None) -> SearchResult:
    """Agencies matching a fragment of the name or a former name, the USCC (or its start)
    or a licence/filing number, each hit with the reason it matched; paginated by name.

    ``grade`` (a :class:`Grade` or its code) and ``list_kind`` (on the published list)
    filter further. Names and former names are matched through the search index
    (:mod:`credit_service.public.search_index`: pg_trgm on PostgreSQL, FTS5 trigram on
    SQLite); licence numbers and USCC prefixes are small lookups. A fragment with at most
    ``SCAN_LIMIT`` name hits is answered from the index alone; a more common one is paged
    by a scan of the name index in name order, which finds the page quickly.
    """
    query = _normalise_query(q)
    page = max(1, int(page or 1))
    per_page = min(MAX_PER_PAGE, max(1, int(per_page or 20)))
    upper = query.upper()

    filters = []
    if grade:
        filters.append(Agency.current_grade == Grade(getattr(grade, "value", grade)))
    if list_kind:
        filters.append(Agency.id.in_(
            select(Listing.agency_id).where(
                Listing.list_kind == ListKind(getattr(list_kind, "value", list_kind)),
                Listing.state == ListingState.PUBLISHED)))
    if query:
        agencies, total = _matching_page(query, upper, filters, page, per_page)
    else:
        agencies, total = _filtered_page(filters, page, per_page)
    items = [SearchHit(agency=a) for a in agencies]
    if query and items:
        _explain_hits(items, query, upper)
    return SearchResult(items=items, total=total, page=page, per_page=per_page, query=query)


# Up to this many name hits the index gives the exact set (sorted here); beyond it the
# page comes from one scan in name order and the total from the index's COUNT.
SCAN_LIMIT = 1000


def _other_matches(query: str, upper: str, filters: list) -> list:
    """(id, name) rows of agencies matched by a former name, a licence number or a USCC
    prefix but not by their current name (those the name search finds and counts)."""
    not_by_name = ~search_index.contains(Agency.name, query)
    statements = [
        select(Agency.id, Agency.name).join(FormerName, FormerName.agency_id == Agency.id)
        .where(search_index.former_name_condition(query), not_by_name, *filters)
    ]
    if any(ch.isdigit() for ch in query):  # licence and filing numbers always have digits
        statements.append(
            select(Agency.id, Agency.name).join(Licence, Licence.agency_id == Agency.id)
            .where(Licence.number.contains(query, autoescape=True), not_by_name, *filters))
    if _looks_like_code(upper):
        # A range, not LIKE: SQLite's case-insensitive LIKE cannot use the unique index.
        statements.append(
            select(Agency.id, Agency.name)
            .where(Agency.uscc >= upper, Agency.uscc < upper + "~", not_by_name, *filters))
    rows = {}
    for statement in statements:
        for row in db.session.execute(statement):
            rows[row.id] = row
    return list(rows.values())


def _load(ids: list[int]) -> list[Agency]:
    if not ids:
        return []
    by_id = {a.id: a for a in db.session.scalars(select(Agency).where(Agency.id.in_(ids)))}
    return [by_id[i] for i in ids if i in by_id]


def _matching_page(query: str, upper: str, filters: list, page: int,
                   per_page: int) -> tuple[list[Agency], int]:
    def in_name_order(condition):
        return db.session.execute(
            select(Agency.id, Agency.name).where(condition, *filters)
            .order_by(Agency.name, Agency.id).limit(SCAN_LIMIT + 1)).all()

    # Unordered index hits (FTS on SQLite, trigram/bigram on PostgreSQL), at most
    # SCAN_LIMIT + 1 of them: all of them for a rare fragment, sorted here.
    name_rows = search_index.name_hits(query, filters, SCAN_LIMIT + 1)
    if name_rows is None:
        name_rows = in_name_order(search_index.indexed(Agency.name, query))
    others = _other_matches(query, upper, filters)
    offset = (page - 1) * per_page
    if len(name_rows) <= SCAN_LIMIT:
        merged = sorted([*name_rows, *others], key=lambda row: (row.name, row.id))
        return _load([row.id for row in merged[offset:offset + per_page]]), len(merged)
    total = search_index.count_name_hits(query, filters) + len(others)
    by_name = search_index.contains(Agency.name, query)
    if search_index.pages_by_name_scan(query):
        # A common fragment: its first hits in name order come after a short scan.
        name_rows = in_name_order(by_name)
    merged = sorted([*name_rows, *others], key=lambda row: (row.name, row.id))
    # The merge is exact up to the last name row read; pages past it (rare) use OFFSET.
    last = (name_rows[-1].name, name_rows[-1].id)
    exact = [row for row in merged if (row.name, row.id) <= last]
    if offset + per_page <= len(exact):
        return _load([row.id for row in exact[offset:offset + per_page]]), total
    condition = or_(by_name, Agency.id.in_([row.id for row in others])) if others else by_name
    ids = list(db.session.scalars(
        select(Agency.id).where(condition, *filters).order_by(Agency.name, Agency.id)
        .limit(per_page).offset(offset)))
    return _load(ids), total


def _filtered_page(filters: list, page: int, per_page: int) -> tuple[list[Agency], int]:
    total = db.session.scalar(select(func.count()).select_from(Agency).where(*filters)) or 0
    ids = list(db.session.scalars(
        select(Agency.id).where(*filters).order_by(Agency.name, Agency.id)
        .limit(per_page).offset((page - 1) * per_page)))
    return _load(ids), total


def _explain_hits(items: list[SearchHit], query: str, upper: str) -> None:
    ids = [hit.agency.id for hit in items]
    formers: dict[int, list[str]] = {}
    for agency_id, name in db.session.execute(
        select(FormerName.agency_id, FormerName.name)
        .where(FormerName.agency_id.in_(ids), search_index.contains(FormerName.name, query))
    ):
        formers.setdefault(agency_id, []).append(name)
    licences: dict[int, list[tuple]] = {}
    for agency_id, kind, number in db.session.execute(
        select(Licence.agency_id, Licence.kind, Licence.number)
        .where(Licence.agency_id.in_(ids), Licence.number.contains(query, autoescape=True))
    ):
        licences.setdefault(agency_id, []).append((kind, number))
    for hit in items:
        agency = hit.agency
        if search_index.name_contains(agency.name, query):
            hit.matched_on.append("name")
            hit.reasons.append(f"名称包含“{query}”")
        for name in formers.get(agency.id, []):
            if "former_name" not in hit.matched_on:
                hit.matched_on.append("former_name")
            hit.reasons.append(f"曾用名“{name}”包含“{query}”")
        if agency.uscc.startswith(upper):
            hit.matched_on.append("uscc")
            hit.reasons.append("统一社会信用代码一致" if agency.uscc == upper
                               else f"统一社会信用代码以“{upper}”开头")
        for kind, number in licences.get(agency.id, []):
            if "licence_number" not in hit.matched_on:
                hit.matched_on.append("licence_number")
            hit.reasons.append(f"{kind.label}编号“{number}”")


# --- profile -----------------------------------------------------------------------------

# 信用修复管理办法（国家发展改革委令第36号）: a general record may be repaired after at
# least 3 months of publication, a serious one after at least 1 year; minor ones at once.
REPAIR_MIN_MONTHS = {Severity.MINOR: 0, Severity.GENERAL: 3, Severity.SERIOUS: 12}
# Publication windows when no assessment line gives one (SPEC.md §4.3).
DEFAULT_WINDOW_MONTHS = {Severity.MINOR: 3, Severity.GENERAL: 12, Severity.SERIOUS: 36}


def _add_months(day: dt.date, months: int) -> dt.date:
    from credit_service.lists.rules import add_months

    return add_months(day, months)


def _window_months(severity: Severity) -> int:
    try:
        from credit_service.grading.services import active_ruleset

        return int(active_ruleset().rules[f"deduction.{severity.value}"]["window_months"])
    except (ImportError, KeyError, LookupError):
        return DEFAULT_WINDOW_MONTHS[severity]


@dataclass
class PublicRecord:
    """A violation record as the public sees it (no internal notes, no staff).

    The fields after ``points`` are the record's codes and raw values, for the API (which
    shows codes next to the labels) — so it needs no second load of the record."""

    id: int
    violation: str
    legal_basis: str
    severity: str
    facts: str
    decided_on: dt.date
    decision_number: str
    authority: str
    penalty: str
    fine_amount: str
    corrected_on: dt.date | None
    in_force_until: dt.date | None
    repair_eligible_from: dt.date | None
    major_case_kind: str
    points: int | None = None
    violation_code: str = ""
    severity_code: Severity | None = None
    occurred_on: dt.date | None = None
    penalty_kind: object | None = None
    fine_value: object | None = None
    major_case: object | None = None
    status: RecordStatus | None = None


def current_assessment(agency: Agency):
    from credit_service.grading.services import current_assessment as _current

    return _current(agency)


# The profile's reads, built once (statement construction costs more than the indexed
# lookups themselves): plain column rows through the session's connection, no ORM
# entities. Each is one index range: records (agency_id, status), listings (agency_id,
# list_kind), assessments (agency_id, as_of, id), honours/licences/annual_reports
# (agency_id).
_AGENCY_ID = bindparam("agency_id")
_RECORDS_SQL = (
    select(Record.id, Record.violation_code, Record.severity, Record.facts, Record.occurred_on,
           Record.decided_on, Record.decision_number, Record.authority, Record.penalty_kind,
           Record.fine_amount, Record.corrected_on, Record.major_case_kind, Record.status)
    .where(Record.agency_id == _AGENCY_ID, Record.status == RecordStatus.CONFIRMED,
           Record.repaired_on.is_(None),
           or_(Record.decided_on >= bindparam("cutoff"),
               Record.id.in_(bindparam("line_ids", expanding=True))))
    .order_by(Record.decided_on.desc(), Record.id.desc())
)
_ASSESSMENT_SQL = (
    select(Assessment.id, Assessment.as_of, Assessment.grade, Assessment.score,
           Assessment.ruleset_version, Assessment.explanation)
    .where(Assessment.agency_id == _AGENCY_ID, Assessment.round_id.is_(None))
    .order_by(Assessment.as_of.desc(), Assessment.id.desc()).limit(1)
)
_LISTINGS_SQL = (
    select(Listing.id, Listing.list_kind, Listing.state, Listing.reason, Listing.legal_basis,
           Listing.authority, Listing.decided_on, Listing.decision_number, Listing.expires_on,
           Listing.corrected_on, Listing.ended_on, Listing.end_reason)
    # Only what is on a list now: a removed black listing is no longer published
    # (45号令 art.17 "停止公布"; SPEC §5.1), so the public profile never mentions it.
    .where(Listing.agency_id == _AGENCY_ID, Listing.state == ListingState.PUBLISHED)
    .order_by(Listing.id.desc())
)
_HONOURS_SQL = (
    select(Honour.id, Honour.kind, Honour.level, Honour.title, Honour.issuer,
           Honour.document_number, Honour.granted_on, Honour.valid_until, Honour.revoked_on)
    .where(Honour.agency_id == _AGENCY_ID, Honour.revoked_on.is_(None),
           or_(Honour.valid_until.is_(None), Honour.valid_until >= bindparam("today")))
    .order_by(Honour.granted_on.desc())
)
_LICENCES_SQL = (
    select(Licence.id, Licence.kind, Licence.number, Licence.issuer, Licence.issued_on,
           Licence.valid_until, Licence.status)
    .where(Licence.agency_id == _AGENCY_ID).order_by(Licence.issued_on, Licence.id)
)
_FORMER_NAMES_SQL = (
    select(FormerName.name, FormerName.used_until)
    .where(FormerName.agency_id == _AGENCY_ID).order_by(FormerName.used_until, FormerName.id)
)
_ANNUAL_REPORTS_SQL = (
    select(AnnualReport.id, AnnualReport.year, AnnualReport.submitted_on,
           AnnualReport.publicised, AnnualReport.on_time)
    .where(AnnualReport.agency_id == _AGENCY_ID)
    .order_by(AnnualReport.year.desc()).limit(5)
)


def _connection():
    """The session's connection, with pending ORM changes flushed first (what a session
    query's autoflush would do), so a profile read inside a unit of work sees them."""
    session = db.session
    if session.new or session.dirty or session.deleted:
        session.flush()
    return session.connection()


def _rows(statement, **params) -> list:
    """Rows as plain attribute objects (templates, schemas and presenters read them as
    they read model objects)."""
    return [SimpleNamespace(**row._mapping) for row in _connection().execute(statement, params)]


def _windows() -> dict[Severity, int]:
    return {severity: _window_months(severity) for severity in Severity}


def public_records(agency: Agency, explanation: dict | None = None,
                   today: dt.date | None = None) -> list[PublicRecord]:
    """Confirmed, unrepaired records still in their publication window, newest first.

    "In force until" comes from the stored assessment when the record counts in it (so the
    profile shows exactly what the engine decided), otherwise from the default window.
    """
    today = today or today_local()
    catalog = get_catalog()
    until_by_record: dict[int, dt.date] = {}
    points_by_record: dict[int, int] = {}
    for line in (explanation or {}).get("lines", []):
        record_id = line.get("record_id")
        if record_id is None:
            continue
        if line.get("until"):
            until = dt.date.fromisoformat(line["until"])
            until_by_record[record_id] = max(until, until_by_record.get(record_id, until))
        points_by_record[record_id] = points_by_record.get(record_id, 0) + (line.get("points") or 0)
    windows = _windows()
    # A record outside the assessment is shown while decided_on + window - 1 day >= today;
    # add_months is monotonic and add_months(add_months(today, -w), w) <= today, so every
    # such record was decided on or after add_months(today, -longest window). Older ones
    # are left in the database instead of being read and dropped here.
    cutoff = _add_months(today, -max(windows.values()))
    rows = _connection().execute(_RECORDS_SQL, {
        "agency_id": agency.id, "cutoff": cutoff, "line_ids": list(points_by_record)})
    result = []
    for (record_id, code, severity, facts, occurred_on, decided_on, decision_number,
         authority, penalty_kind, fine_amount, corrected_on, major_case_kind, status) in rows:
        until = until_by_record.get(record_id)
        if until is None:
            until = _add_months(decided_on, windows[severity]) - dt.timedelta(days=1)
            if until < today:
                continue  # publication period over (国家发展改革委令第36号)
        violation = catalog.get(code)
        result.append(PublicRecord(
            id=record_id,
            violation=violation.name if violation else code,
            legal_basis=violation.legal_basis if violation else "",
            severity=severity.label,
            facts=facts,
            decided_on=decided_on,
            decision_number=decision_number,
            authority=authority,
            penalty=penalty_kind.label,
            fine_amount=f"{fine_amount:,.2f}" if fine_amount else "",
            corrected_on=corrected_on,
            in_force_until=until,
            repair_eligible_from=_add_months(decided_on, REPAIR_MIN_MONTHS[severity]),
            major_case_kind=major_case_kind.label if major_case_kind else "",
            points=points_by_record.get(record_id),
            violation_code=code,
            severity_code=severity,
            occurred_on=occurred_on,
            penalty_kind=penalty_kind,
            fine_value=fine_amount,
            major_case=major_case_kind,
            status=status,
        ))
    return result


def _agency_listings(agency: Agency) -> dict[str, object | None]:
    """The agency's published black and red listings (the newest of each), one read."""
    found: dict[str, object | None] = {"black": None, "red": None}
    for listing in _rows(_LISTINGS_SQL, agency_id=agency.id):
        if found[listing.list_kind.value] is None:  # rows are newest first
            found[listing.list_kind.value] = listing
    return found


def public_listings(agency: Agency) -> dict[str, object | None]:
    """The agency's published (current) black and red listings."""
    return _agency_listings(agency)


def valid_honours(agency: Agency, today: dt.date | None = None) -> list:
    return _rows(_HONOURS_SQL, agency_id=agency.id, today=today or today_local())


def earliest_early_removal(listing) -> dt.date | None:
    if listing is None:
        return None
    from credit_service.lists.services import earliest_early_removal_on

    return earliest_early_removal_on(listing)


@dataclass
class Profile:
    agency: Agency
    assessment: object | None
    explanation: dict | None
    records: list[PublicRecord]
    black: object | None
    black_early_removal_on: dt.date | None
    red: object | None
    honours: list
    licences: list
    annual_reports: list
    former_names: list = field(default_factory=list)

    @property
    def grade(self) -> str | None:
        if self.assessment is not None:
            return str(self.assessment.grade.value if hasattr(self.assessment.grade, "value")
                       else self.assessment.grade)
        return self.agency.current_grade.value if self.agency.current_grade else None


_AGENCY_BY_USCC = select(Agency).where(Agency.uscc == bindparam("uscc"))


def get_agency(uscc: str) -> Agency | None:
    return db.session.execute(_AGENCY_BY_USCC, {"uscc": (uscc or "").upper()}).scalar()


def agency_profile(agency: Agency) -> Profile:
    """Everything the public profile shows: a handful of indexed reads of plain rows."""
    today = today_local()
    assessments = _rows(_ASSESSMENT_SQL, agency_id=agency.id)
    assessment = assessments[0] if assessments else None
    explanation = assessment.explanation if assessment is not None else None
    listings = _agency_listings(agency)
    return Profile(
        agency=agency,
        assessment=assessment,
        explanation=explanation,
        records=public_records(agency, explanation, today),
        black=listings["black"],
        black_early_removal_on=earliest_early_removal(listings["black"]),
        red=listings["red"],
        honours=valid_honours(agency, today),
        licences=_rows(_LICENCES_SQL, agency_id=agency.id),
        annual_reports=_rows(_ANNUAL_REPORTS_SQL, agency_id=agency.id),
        former_names=_rows(_FORMER_NAMES_SQL, agency_id=agency.id),
    )


def profile_summary(profile: Profile) -> dict:
    """Public facts a credit report states, compared on /verify to say what changed."""
    agency = profile.agency
    return {
        "agency_name": agency.name,
        "uscc": agency.uscc,
        "legal_rep_name": agency.legal_rep_name,
        "address": agency.address,
        "agency_status": agency.status.label if agency.status else "",
        "kinds": "、".join(kind.label for kind in agency.kinds),
        "grade": Grade(profile.grade).label if profile.grade else "暂无评价",
        "score": profile.assessment.score if profile.assessment is not None else None,
        "black_list": (f"已列入（决定书 {profile.black.decision_number or ''}）"
                       if profile.black else "未列入"),
        "red_list": (f"已列入（有效期至 {profile.red.expires_on or ''}）"
                     if profile.red else "未列入"),
        "records": [f"{r.decided_on.isoformat()} {r.violation}（{r.decision_number}，"
                    f"{r.authority}）公示至 {r.in_force_until or ''}，"
                    f"{r.repair_eligible_from or ''} 起可申请修复"
                    for r in profile.records],
        "honours": [f"{h.title}（{h.issuer}，{h.document_number}，{h.granted_on}）"
                    for h in profile.honours],
        "licences": [f"{lic.kind.label} {lic.number}（{lic.issuer}，有效期至 "
                     f"{lic.valid_until or '长期'}，{lic.status.label}）"
                     for lic in profile.licences],
        "annual_reports": [f"{r.year} 年度："
                           + (f"{r.submitted_on} 报送，{'按时' if r.on_time else '逾期'}"
                              if r.submitted_on else "未报送")
                           for r in profile.annual_reports],
    }


def _latest(*times) -> dt.datetime | None:
    aware = []
    for value in times:
        if value is None:
            continue
        if value.tzinfo is None:  # SQLite returns naive UTC
            value = value.replace(tzinfo=dt.UTC)
        aware.append(value)
    return max(aware) if aware else None


def report_data_as_of(profile: Profile) -> dt.datetime:
    """When the data a credit report shows last changed: the latest write to the agency,
    its records, listings, honours, licences and annual reports, or the assessment —
    not the moment the PDF happens to be rendered."""
    agency_id = profile.agency.id
    times = [profile.agency.updated_at]
    for model in (Record, Listing, Honour, Licence, AnnualReport):
        times.append(db.session.scalar(
            select(func.max(model.updated_at)).where(model.agency_id == agency_id)))
    if profile.assessment is not None:
        times.append(db.session.scalar(
            select(Assessment.created_at).where(Assessment.id == profile.assessment.id)))
    return _latest(*times) or dt.datetime.now(dt.UTC)


def list_data_as_of(kind: str) -> dt.datetime:
    """When the list's data last changed: the latest write to a listing of that list
    (removals included), to a listed agency and, for the red list, to a red-list honour."""
    list_kind = ListKind(kind)
    times = [db.session.scalar(
        select(func.max(Listing.updated_at)).where(Listing.list_kind == list_kind))]
    listed = select(Listing.agency_id).where(Listing.list_kind == list_kind,
                                             Listing.state == ListingState.PUBLISHED)
    if list_kind == ListKind.RED:
        times.append(db.session.scalar(
            select(func.max(Honour.updated_at)).where(Honour.kind == HonourKind.RED_LIST)))
        listed = listed.union(select(Honour.agency_id).where(
            Honour.kind == HonourKind.RED_LIST, Honour.revoked_on.is_(None)))
    times.append(db.session.scalar(
        select(func.max(Agency.updated_at)).where(Agency.id.in_(listed))))
    return _latest(*times) or dt.datetime.now(dt.UTC)


def fingerprint_of(data) -> str:
    return hashlib.sha256(
        json.dumps(data, ensure_ascii=False, sort_keys=True, default=str).encode()
    ).hexdigest()


def pregenerated_report_usccs(today: dt.date | None = None) -> list[str]:
    """Agencies whose credit report is generated in advance (``credit publish``): those on
    a published list and those with a confirmed, unrepaired record still in its
    publication window — the reports people actually look up."""
    today = today or today_local()
    in_force = or_(*[
        and_(Record.severity == severity,
             Record.decided_on > _add_months(today, -months))
        for severity, months in _windows().items()])
    with_records = (
        select(Record.agency_id)
        .where(Record.status == RecordStatus.CONFIRMED, Record.repaired_on.is_(None), in_force))
    listed = select(Listing.agency_id).where(Listing.state == ListingState.PUBLISHED)
    return list(db.session.scalars(
        select(Agency.uscc).where(or_(Agency.id.in_(listed), Agency.id.in_(with_records)))
        .order_by(Agency.uscc)))


# --- lists -------------------------------------------------------------------------------


def black_list_rows() -> list[dict]:
    """Exactly the public fields of SPEC.md §5.1 (45号令), nothing else."""
    listings = db.session.scalars(
        select(Listing).join(Agency, Listing.agency_id == Agency.id)
        .where(Listing.list_kind == ListKind.BLACK, Listing.state == ListingState.PUBLISHED)
        .order_by(Listing.decided_on.desc(), Agency.name, Listing.id)
    ).all()
    from credit_service.lists.services import earliest_early_removal_on

    rows = []
    for listing in listings:
        agency = listing.agency
        rows.append({
            "name": agency.name,
            "uscc": agency.uscc,
            "address": agency.address,
            "legal_rep_name": agency.legal_rep_name,
            "reason": listing.reason,
            "legal_basis": listing.legal_basis,
            "authority": listing.authority,
            "decision_number": listing.decision_number or "",
            "listed_on": listing.decided_on,
            "expires_on": listing.expires_on,
            "early_removal_from": earliest_early_removal_on(listing),
        })
    return rows


def red_list_rows(today: dt.date | None = None) -> list[dict]:
    """Municipal designations published here plus valid national/provincial red-list
    honours (SPEC.md §5.2)."""
    today = today or today_local()
    rows = []
    listings = db.session.scalars(
        select(Listing).join(Agency, Listing.agency_id == Agency.id)
        .where(Listing.list_kind == ListKind.RED, Listing.state == ListingState.PUBLISHED)
        .order_by(Agency.name, Listing.id)
    ).all()
    for listing in listings:
        rows.append({
            "name": listing.agency.name, "uscc": listing.agency.uscc,
            "address": listing.agency.address, "legal_rep_name": listing.agency.legal_rep_name,
            "level": HonourLevel.MUNICIPAL.label, "issuer": listing.authority,
            "document_number": listing.decision_number or "",
            "granted_on": listing.decided_on, "valid_until": listing.expires_on,
        })
    honours = db.session.scalars(
        select(Honour).join(Agency, Honour.agency_id == Agency.id)
        .where(Honour.kind == HonourKind.RED_LIST, Honour.listing_id.is_(None),
               Honour.revoked_on.is_(None),
               or_(Honour.valid_until.is_(None), Honour.valid_until >= today))
        .order_by(Agency.name, Honour.id)
    ).all()
    for honour in honours:
        rows.append({
            "name": honour.agency.name, "uscc": honour.agency.uscc,
            "address": honour.agency.address, "legal_rep_name": honour.agency.legal_rep_name,
            "level": honour.level.label, "issuer": honour.issuer,
            "document_number": honour.document_number,
            "granted_on": honour.granted_on, "valid_until": honour.valid_until,
        })
    return rows


def list_rows(kind: str) -> list[dict]:
    return black_list_rows() if kind == "black" else red_list_rows()


# --- home --------------------------------------------------------------------------------


def home_counts() -> dict:
    agencies = db.session.scalar(select(func.count()).select_from(Agency)) or 0
    per_list = dict(db.session.execute(
        select(Listing.list_kind, func.count()).where(Listing.state == ListingState.PUBLISHED)
        .group_by(Listing.list_kind)).all())
    grades = dict(db.session.execute(
        select(Agency.current_grade, func.count()).group_by(Agency.current_grade)).all())
    return {
        "agencies": agencies,
        "black": per_list.get(ListKind.BLACK, 0),
        "red": len(red_list_rows()),
        "grades": {g: grades.get(g, 0) for g in Grade},
    }
