"""Deterministic demo data for 济源示范区: agencies, licences, annual reports, records,
honours, lists with their procedure events, cases, the 2021 campaign and staff users.

The generator produces plain rows (tuples in a fixed column order, per table) from one
``random.Random(seed)`` and an anchor date (``as_of``), so the same seed and anchor always
give the same data set. It never touches the database; :mod:`credit_service.demo.loader`
writes the rows. Ids are assigned here so rows can reference each other without a
round trip, which is what makes the 100,000-agency scale mode fast.
"""

from __future__ import annotations

import calendar
import datetime as dt
import hashlib
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal

from credit_service.core.catalog import ViolationType
from credit_service.core.uscc import ALPHABET
from credit_service.core.workdays import is_workday, working_days_after
from credit_service.demo import names as N
from credit_service.inspections.services import JIYUAN_2021_NAME, JIYUAN_2021_PHASES

DEFAULT_SEED = 20210415  # the day the 2021 campaign's self-inspection phase began
DEFAULT_AGENCIES = 150
DEFAULT_RECORDS = 400


@dataclass(frozen=True)
class DemoLogin:
    username: str
    display_name: str
    role: str
    department: str
    password: str


# Known demo passwords, printed by `flask credit demo` and scripts/run.sh (development only).
DEMO_LOGINS = (
    DemoLogin("admin", "系统管理员", "admin", "employment_promotion", "demo-admin-2026"),
    DemoLogin("clerk", "张录入", "clerk", "employment_promotion", "demo-clerk-2026"),
    DemoLogin("clerk2", "李录入", "clerk", "labour_inspection", "demo-clerk-2026"),
    DemoLogin("clerk3", "王录入", "clerk", "petitions", "demo-clerk-2026"),
    DemoLogin("reviewer", "赵审核", "reviewer", "labour_inspection", "demo-reviewer-2026"),
    DemoLogin("reviewer2", "刘审核", "reviewer", "employment_promotion", "demo-reviewer-2026"),
    DemoLogin("reviewer3", "陈审核", "reviewer", "employment_service", "demo-reviewer-2026"),
)
CLERK_IDS = (2, 3, 4)
REVIEWER_IDS = (5, 6, 7)


@dataclass
class TableRows:
    """Rows for one table: column names and an iterable of tuples in that order."""

    table: str
    columns: tuple[str, ...]
    rows: Iterator[tuple] | list[tuple]
    count: int


@dataclass
class AgencyInfo:
    id: int
    uscc: str
    name: str
    established_on: dt.date
    kinds: tuple[str, ...]
    profile: str  # clean | minor | problem | bad | new | red
    status: str
    address: str
    legal_rep_name: str


@dataclass
class _Counters:
    decision: int = 0
    licence: int = 0
    honour: int = 0
    listing_doc: int = 0
    case: int = 0
    ids: dict[str, int] = field(default_factory=dict)

    def next_id(self, table: str) -> int:
        self.ids[table] = self.ids.get(table, 0) + 1
        return self.ids[table]


# --- small date helpers -------------------------------------------------------------


def add_years(day: dt.date, years: int) -> dt.date:
    year = day.year + years
    return day.replace(year=year, day=min(day.day, calendar.monthrange(year, day.month)[1]))


def add_months(day: dt.date, months: int) -> dt.date:
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def working_days_before(day: dt.date, n: int) -> dt.date:
    """The date ``n`` working days before ``day`` (the inverse of ``working_days_after``)."""
    counted = 0
    while counted < n:
        day -= dt.timedelta(days=1)
        if is_workday(day):
            counted += 1
    return day


def next_workday(day: dt.date) -> dt.date:
    while not is_workday(day):
        day += dt.timedelta(days=1)
    return day


def quarter_start(day: dt.date) -> dt.date:
    return dt.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def gb11714_check(body8: str) -> str:
    """Check character of the 9-character organisation code inside a USCC (GB 11714)."""
    weights = (3, 7, 9, 10, 5, 8, 4, 2)
    total = sum(int(c, 36) * w for c, w in zip(body8, weights, strict=True))
    value = 11 - total % 11
    return {10: "X", 11: "0"}.get(value, str(value))


_USCC_VALUES = {c: i for i, c in enumerate(ALPHABET)}
_USCC_WEIGHTS = tuple(pow(3, i, 31) for i in range(17))


def uscc_with_check(body17: str) -> str:
    """GB 32100 check character (the same as ``core.uscc.with_check_character``, which
    the tests cross-check), inlined because the scale mode computes 100,000 of them."""
    total = sum(_USCC_VALUES[c] * w for c, w in zip(body17, _USCC_WEIGHTS, strict=True))
    return body17 + ALPHABET[(31 - total % 31) % 31]


def id_number_check(body17: str) -> str:
    """ISO 7064 MOD 11-2 check character of a resident ID number (GB 11643)."""
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    return "10X98765432"[sum(int(c) * w for c, w in zip(body17, weights, strict=True)) % 11]


def _ts(day: dt.date) -> dt.datetime:
    # A fixed time of day keeps created_at deterministic (09:00 Beijing = 01:00 UTC).
    return dt.datetime(day.year, day.month, day.day, 1, 0, tzinfo=dt.UTC)


AGENCY_COLUMNS = (
    "id", "uscc", "name", "is_job_agency", "is_dispatch", "is_other_hr", "legal_rep_name",
    "address", "district", "registered_capital", "established_on", "status", "contact_phone",
    "legal_rep_id_number", "version", "created_at", "updated_at",
)
FORMER_NAME_COLUMNS = ("id", "agency_id", "name", "used_until")
LICENCE_COLUMNS = (
    "id", "agency_id", "kind", "number", "issuer", "issued_on", "valid_until", "status",
    "created_at", "updated_at",
)
REPORT_COLUMNS = (
    "id", "agency_id", "year", "submitted_on", "publicised", "on_time", "created_at", "updated_at",
)
RECORD_COLUMNS = (
    "id", "agency_id", "violation_code", "severity", "facts", "occurred_on", "decided_on",
    "decision_number", "authority", "penalty_kind", "fine_amount", "rectify_by", "corrected_on",
    "refused_to_comply", "repaired_on", "major_case_kind", "source", "status", "status_reason",
    "status_changed_on", "internal_notes", "entered_by_id", "confirmed_by_id", "confirmed_at",
    "version", "created_at", "updated_at",
)
HONOUR_COLUMNS = (
    "id", "agency_id", "kind", "level", "title", "issuer", "document_number", "granted_on",
    "valid_until", "revoked_on", "revoked_reason", "listing_id", "entered_by_id", "created_at",
    "updated_at",
)
LISTING_COLUMNS = (
    "id", "agency_id", "list_kind", "state", "basis_record_id", "reason", "legal_basis",
    "authority", "proposed_on", "proposed_by_id", "notified_on", "objection_deadline",
    "publicity_ends_on", "decided_on", "decided_by_id", "decision_number", "published_on",
    "expires_on", "corrected_on", "commitment_received_on", "ended_on", "end_reason", "version",
    "created_at", "updated_at",
)
LISTING_EVENT_COLUMNS = (
    "id", "listing_id", "action", "from_state", "to_state", "on", "document_number", "reasons",
    "actor_id", "created_at",
)
CASE_COLUMNS = (
    "id", "number", "token_hash", "kind", "subject", "agency_id", "record_id", "listing_id",
    "applicant_name", "applicant_contact", "statement", "corrected_on", "commitment",
    "submitted_on", "deadline", "state", "decided_by_id", "decided_at", "decided_on",
    "decision_reasons", "version", "created_at", "updated_at",
)
USER_COLUMNS = (
    "id", "username", "display_name", "password_hash", "role", "department", "active",
    "failed_logins", "created_at", "updated_at",
)


class DemoGenerator:
    """Builds the demo data set. ``records`` and ``agencies`` are targets; the curated
    parts (lists, cases, campaign) are added on top in the realistic (non-scale) mode."""

    def __init__(
        self,
        catalog: dict[str, ViolationType],
        *,
        seed: int = DEFAULT_SEED,
        as_of: dt.date,
        agencies: int = DEFAULT_AGENCIES,
        records: int = DEFAULT_RECORDS,
        password_hasher=None,
        scale: bool | None = None,
    ):
        self.catalog = catalog
        self.codes = sorted(catalog)
        self.seed = seed
        self.as_of = as_of
        self.n_agencies = agencies
        self.n_records = records
        self.scale = agencies > 2000 or records > 5000 if scale is None else scale
        self.rng = random.Random(seed)
        self.c = _Counters()
        self.hash_password = password_hasher
        self.agencies: list[AgencyInfo] = []
        self._uscc_seen: set[str] = set()
        self._records_for_lists: list[tuple] = []
        self._listing_rows: list[tuple] = []
        self._event_rows: list[tuple] = []
        self._honour_rows: list[tuple] = []
        self._case_rows: list[tuple] = []
        self._extra_record_rows: list[tuple] = []
        self.start_year = as_of.year - 5

    # --- entry point -----------------------------------------------------------------

    def tables(self) -> Iterator[TableRows]:
        """Every table's rows in foreign-key order."""
        yield self._users()
        agencies = self._agencies()
        yield agencies
        yield self._former_names()
        yield self._licences()
        # Lists first: curated records for the listings, listings, their events, honours —
        # and the red-list agencies, whose annual reports must then be complete.
        self._plan_lists()
        yield self._annual_reports()
        yield self._records()
        yield TableRows("listings", LISTING_COLUMNS, self._listing_rows, len(self._listing_rows))
        yield TableRows(
            "listing_events", LISTING_EVENT_COLUMNS, self._event_rows, len(self._event_rows)
        )
        yield self._honours()
        if not self.scale:
            yield self._cases()
            yield from self._campaign_2021()

    # --- staff -----------------------------------------------------------------------

    def _users(self) -> TableRows:
        rows = []
        created = _ts(dt.date(2021, 3, 1))
        for index, login in enumerate(DEMO_LOGINS, start=1):
            hashed = self.hash_password(login.password) if self.hash_password else "!"
            rows.append((index, login.username, login.display_name, hashed, login.role,
                         login.department, True, 0, created, created))
        self.c.ids["users"] = len(rows)
        return TableRows("users", USER_COLUMNS, rows, len(rows))

    # --- agencies --------------------------------------------------------------------

    def _person_name(self) -> str:
        rng = self.rng
        given = rng.choice(N.GIVEN_CHARS) + (rng.choice(N.GIVEN_CHARS) if rng.random() < 0.7 else "")
        return rng.choice(N.SURNAMES) + given

    def _id_number(self) -> str:
        rng = self.rng
        born = dt.date(1960, 1, 1) + dt.timedelta(days=rng.randrange(365 * 35))
        body = f"{N.AREA_CODE}{born:%Y%m%d}{rng.randrange(1000):03d}"
        return body + id_number_check(body)

    def _phone(self) -> str:
        rng = self.rng
        if rng.random() < 0.25:
            return f"0391-{rng.choice('56')}{rng.randrange(1000000):06d}"
        return rng.choice(N.MOBILE_PREFIXES) + f"{rng.randrange(100000000):08d}"

    def _uscc(self, index: int, established: dt.date) -> str:
        rng = self.rng
        # Registration authority + entity type: mostly 91 (市场监管, 企业); a few
        # letter-first codes (Y1 = 其他登记机关) which stdnum alone would reject.
        roll = rng.random()
        head = "Y1" if roll < 0.03 else ("52" if roll < 0.05 else ("93" if roll < 0.08 else "91"))
        # Codes issued since 2015 carry an "MA…" organisation code; older ones a numeric one.
        if established.year >= 2016:
            org8 = "MA" + "".join(rng.choices(ALPHABET, k=6))
        else:
            org8 = f"{rng.randrange(10_000_000, 100_000_000):08d}"
        code = uscc_with_check(head + N.AREA_CODE + org8 + gb11714_check(org8))
        if code in self._uscc_seen:  # rare; draw again (still deterministic)
            return self._uscc(index, established)
        self._uscc_seen.add(code)
        return code

    def _address(self, district: str) -> str:
        rng = self.rng
        if district in N.STREET_DISTRICTS:
            road = rng.choice(N.CITY_ROADS)
            extra = f"{rng.choice(N.BUILDINGS)}{rng.randint(1, 12)}层" if rng.random() < 0.5 else ""
            return f"河南省济源市{road}{rng.randint(1, 999)}号{extra}"
        return f"河南省济源示范区{district}{rng.choice(N.TOWN_PLACES)}{rng.randint(1, 199)}号"

    def _agency_name(self) -> tuple[str, tuple[str, ...]]:
        rng = self.rng
        first = rng.choice(N.TRADE_CHARS_1)
        second = rng.choice([c for c in N.TRADE_CHARS_2 if c != first])
        trade = first + second
        middle, suffix, kinds = rng.choice(N.NAME_FORMS)
        prefix = rng.choice(N.NAME_PREFIXES) if self.scale else "济源"
        if suffix == "有限公司" and rng.random() < 0.1:
            suffix = "有限责任公司"
        return f"{prefix}{trade}{middle}{suffix}", kinds

    def _agencies(self) -> TableRows:
        rng = self.rng
        as_of = self.as_of
        rows = []
        n = self.n_agencies
        n_new = max(3, round(n * 0.06))
        n_dereg = max(2, round(n * 0.03))
        for index in range(1, n + 1):
            name, kinds = self._agency_name()
            kinds = set(kinds)
            # Several kinds allowed: some agencies add a second line of business.
            if rng.random() < 0.2:
                kinds.add(rng.choice(("job_agency", "dispatch", "other_hr")))
            kinds_t = tuple(k for k in ("job_agency", "dispatch", "other_hr") if k in kinds)
            if index <= n_new:
                # Established less than 12 months ago: graded 未评 (SPEC §4.6).
                established = as_of - dt.timedelta(days=rng.randint(30, 330))
                profile = "new"
            else:
                established = dt.date(2008, 1, 1) + dt.timedelta(
                    days=rng.randrange((as_of - dt.date(2008, 1, 1)).days - 400)
                )
                profile = rng.choices(
                    ("clean", "minor", "problem", "bad"), weights=(45, 27, 20, 8)
                )[0]
            district = rng.choices(N.DISTRICTS, weights=N.DISTRICT_WEIGHTS)[0]
            # 19号令: a dispatch licence needs registered capital >= 2,000,000 yuan.
            if "dispatch" in kinds:
                capital = Decimal(rng.choice((200, 200, 210, 300, 500, 500, 800, 1000, 2000))) * 10000
            else:
                capital = Decimal(rng.choice((10, 30, 50, 100, 100, 200, 300, 500))) * 10000
            status = "deregistered" if n_new < index <= n_new + n_dereg else "operating"
            legal_rep = self._person_name()
            address = self._address(district)
            uscc = self._uscc(index, established)
            created = _ts(max(established, dt.date(2021, 3, 1)))
            rows.append((
                index, uscc, name, "job_agency" in kinds, "dispatch" in kinds, "other_hr" in kinds,
                legal_rep, address, district, capital, established, status, self._phone(),
                self._id_number(), 1, created, created,
            ))
            self.agencies.append(AgencyInfo(index, uscc, name, established, kinds_t, profile,
                                            status, address, legal_rep))
        self.c.ids["agencies"] = n
        return TableRows("agencies", AGENCY_COLUMNS, rows, len(rows))

    def _former_names(self) -> TableRows:
        rng = self.rng
        rows = []
        for agency in self.agencies:
            if agency.profile == "new" or rng.random() >= 0.1:
                continue
            # Renamed (e.g. 劳务服务部 -> 有限公司); the old name stays searchable.
            old, _ = self._agency_name()
            used_until = agency.established_on + dt.timedelta(
                days=rng.randint(200, max(201, (self.as_of - agency.established_on).days - 30))
            )
            rows.append((self.c.next_id("agency_former_names"), agency.id, old, used_until))
        return TableRows("agency_former_names", FORMER_NAME_COLUMNS, rows, len(rows))

    def _licences(self) -> TableRows:
        rng = self.rng
        rows = []
        kind_of = {"job_agency": "hr_service", "dispatch": "dispatch", "other_hr": "filing"}
        # Henan 2019: HR service licence valid 5 years; 19号令 art.14: dispatch licence 3 years.
        term = {"hr_service": 5, "dispatch": 3, "filing": None}
        code = {"hr_service": "豫人服证字", "dispatch": "豫人社派许字", "filing": "济人社备字"}
        for agency in self.agencies:
            for agency_kind in agency.kinds:
                kind = kind_of[agency_kind]
                issued = agency.established_on + dt.timedelta(days=rng.randint(10, 60))
                if issued > self.as_of:
                    issued = self.as_of
                # A chain of licences: renewed at each expiry; the last one may be expired
                # (not renewed) or revoked.
                while True:
                    self.c.licence += 1
                    years = term[kind]
                    valid_until = add_years(issued, years) - dt.timedelta(days=1) if years else None
                    renewed = valid_until is not None and valid_until < self.as_of
                    status = "expired" if renewed else "valid"
                    last = not renewed or rng.random() < 0.04 or agency.status == "deregistered"
                    if self.scale and renewed and not last:
                        # Scale mode keeps only the current licence of each kind.
                        issued = valid_until + dt.timedelta(days=1)
                        continue
                    if not renewed and agency.profile == "bad" and rng.random() < 0.25:
                        status = "revoked"
                    elif not renewed and agency.status == "deregistered":
                        status = "revoked" if rng.random() < 0.5 else "expired"
                        if status == "expired" and valid_until is not None:
                            valid_until = max(issued, self.as_of - dt.timedelta(days=90))
                    elif rng.random() < 0.01:
                        status = "suspended"
                    number = f"{code[kind]}〔{issued.year}〕第{self.c.licence:05d}号"
                    created = _ts(max(issued, dt.date(2021, 3, 1)))
                    rows.append((self.c.next_id("licences"), agency.id, kind, number, N.BUREAU,
                                 issued, valid_until, status, created, created))
                    if last:
                        break
                    issued = valid_until + dt.timedelta(days=1)
        return TableRows("licences", LICENCE_COLUMNS, rows, len(rows))

    def _annual_reports(self) -> TableRows:
        rng = self.rng
        rows = []
        # Reports for year Y are due by 31 March of Y+1 (19号令 for dispatch units; the
        # same deadline is used locally for HR service agencies, 条例 art.36).
        last_year = self.as_of.year - 1 if self.as_of >= dt.date(self.as_of.year, 3, 31) else self.as_of.year - 2
        first_year = 2020 if not self.scale else last_year - 1
        for agency in self.agencies:
            for year in range(max(first_year, agency.established_on.year), last_year + 1):
                roll = rng.random()
                bad = agency.profile in ("problem", "bad")
                if agency.profile == "red":
                    # Red-list agencies meet the annual-report condition (SPEC §5.2), so the
                    # demo's open nominations can be publicised and designated.
                    roll = 0.5
                if roll < (0.08 if bad else 0.02):
                    continue  # missing
                if roll < (0.25 if bad else 0.08):
                    submitted = dt.date(year + 1, 4, 1) + dt.timedelta(days=rng.randint(0, 80))
                    on_time = False
                else:
                    submitted = dt.date(year + 1, 1, 5) + dt.timedelta(days=rng.randint(0, 84))
                    on_time = True
                created = _ts(max(submitted, dt.date(2021, 3, 1)))
                rows.append((self.c.next_id("annual_reports"), agency.id, year, submitted,
                             rng.random() < 0.96, on_time, created, created))
        return TableRows("annual_reports", REPORT_COLUMNS, rows, len(rows))

    # --- records ---------------------------------------------------------------------

    def _facts(self, code: str) -> str:
        rng = self.rng
        template = rng.choice(N.FACTS.get(code, N.GENERIC_FACTS))
        return template.format(
            place=rng.choice(N.CITY_ROADS), n=rng.randint(2, 6), m=rng.randint(3, 60),
            amount=rng.randint(3, 80),
        )

    def _severity_for(self, code: str) -> str:
        default = self.catalog[code].default_severity.value
        roll = self.rng.random()
        order = ["minor", "general", "serious"]
        i = order.index(default)
        if roll < 0.12 and i > 0:
            return order[i - 1]
        if roll > 0.93 and i < 2:
            return order[i + 1]
        return default

    def _penalty_for(self, code: str, severity: str) -> tuple[str, Decimal]:
        rng = self.rng
        if code == "labour_dispute_lost":
            return rng.choice(("dispute_lost_partly", "dispute_lost_fully")), Decimal(0)
        if code == "criminal_liability":
            return "criminal", Decimal(0)
        if severity == "minor":
            kind = rng.choice(("rectification_order", "warning", "criticism", "fine", "fine"))
            # 行政处罚法 art.51: simplified procedure, fines up to 3,000 yuan for units.
            return kind, Decimal(rng.choice((500, 1000, 2000, 3000))) if kind == "fine" else Decimal(0)
        if severity == "general":
            kind = rng.choice(("fine", "fine", "fine", "confiscation", "rectification_order"))
            amount = rng.choice((5000, 8000, 10000, 20000, 30000, 50000))
            return kind, Decimal(amount) if kind in ("fine", "confiscation") else Decimal(0)
        kind = rng.choice(("fine", "licence_suspended", "licence_revoked", "closure"))
        return kind, Decimal(rng.choice((30000, 50000, 100000, 200000)))

    def _authority_for(self, code: str, source: str) -> tuple[str, str]:
        if code == "labour_dispute_lost":
            return "济源示范区劳动人事争议仲裁委员会", "济劳人仲案字"
        if code == "criminal_liability":
            return "济源市人民法院", "（{y}）豫9001刑初"
        if source == "referral" and self.rng.random() < 0.5:
            return "济源示范区市场监督管理局", "济市监处罚"
        return N.BUREAU, "济人社监罚"

    def record_row(
        self,
        agency: AgencyInfo,
        code: str,
        *,
        decided_on: dt.date,
        severity: str | None = None,
        status: str = "confirmed",
        major: bool | None = None,
        repaired: bool = False,
        corrected: bool | None = None,
        source: str | None = None,
    ) -> tuple:
        rng = self.rng
        severity = severity or self._severity_for(code)
        occurred = decided_on - dt.timedelta(days=rng.randint(10, 90))
        if occurred < agency.established_on:
            occurred = min(decided_on, agency.established_on)
        source = source or rng.choices(
            ("inspection", "complaint", "referral", "self_inspection", "campaign"),
            weights=(40, 30, 10, 8, 12),
        )[0]
        authority, prefix = self._authority_for(code, source)
        self.c.decision += 1
        if prefix.startswith("（"):
            number = prefix.format(y=decided_on.year) + f"{self.c.decision}号"
        else:
            number = f"{prefix}〔{decided_on.year}〕{self.c.decision}号"
        penalty, fine = self._penalty_for(code, severity)
        rectify_by = decided_on + dt.timedelta(days=rng.choice((15, 20, 30)))
        refused = code == "refusing_rectification" or rng.random() < 0.02
        if corrected is None:
            corrected = not refused and (rectify_by < self.as_of) and rng.random() < 0.85
        corrected_on = None
        if corrected:
            corrected_on = min(self.as_of, decided_on + dt.timedelta(days=rng.randint(3, 45)))
        repaired_on = None
        # 信用修复 (发改委令第36号): after the minimum publicity period, once corrected.
        min_months = {"minor": 0, "general": 3, "serious": 12}[severity]
        if repaired and corrected_on:
            candidate = add_months(decided_on, min_months) + dt.timedelta(days=rng.randint(5, 60))
            if candidate <= self.as_of:
                repaired_on = max(candidate, corrected_on)
        kind = self.catalog[code].major_case_kind
        if major is None:
            major = kind is not None and severity != "minor" and rng.random() < 0.3
        major_kind = kind.value if (major and kind is not None) else None
        status_reason = status_changed = None
        confirmed_by = confirmed_at = None
        entered_by = rng.choice(CLERK_IDS)
        if status != "draft":
            confirmed_by = rng.choice(REVIEWER_IDS)
            confirmed_at = _ts(min(self.as_of, decided_on + dt.timedelta(days=rng.randint(1, 5))))
        if status == "revoked":
            status_changed = min(self.as_of, decided_on + dt.timedelta(days=rng.randint(20, 200)))
            status_reason = "经复核，原认定事实不清、证据不足，予以撤销。"
        elif status == "overturned":
            status_changed = min(self.as_of, decided_on + dt.timedelta(days=rng.randint(60, 300)))
            status_reason = rng.choice((
                "经行政复议，原处罚决定被撤销。", "经行政诉讼，法院判决撤销原处罚决定。",
            ))
        notes = "当事人已签收处罚决定书。" if rng.random() < 0.3 else None
        created = _ts(max(decided_on, dt.date(2021, 3, 1)))
        return (
            self.c.next_id("records"), agency.id, code, severity, self._facts(code), occurred,
            decided_on, number, authority, penalty, fine, rectify_by, corrected_on, refused,
            repaired_on, major_kind, source, status, status_reason, status_changed, notes,
            entered_by, confirmed_by, confirmed_at, 1, created, created,
        )

    def _random_decided_on(self, agency: AgencyInfo, recent: bool = False) -> dt.date:
        rng = self.rng
        start = max(dt.date(self.start_year, 1, 1), agency.established_on + dt.timedelta(days=20))
        if recent:
            start = max(start, self.as_of - dt.timedelta(days=420))
        span = (self.as_of - dt.timedelta(days=3) - start).days
        return start + dt.timedelta(days=rng.randrange(max(1, span)))

    def _record_stream(self, count: int) -> Iterator[tuple]:
        """``count`` records spread over the agencies by profile, every catalog type used."""
        rng = self.rng
        weights = {"clean": 0.15, "minor": 1.5, "problem": 4.0, "bad": 7.0, "new": 0.4, "red": 0.0}
        candidates = [a for a in self.agencies if weights[a.profile] > 0]
        cum, total = [], 0.0
        for agency in candidates:
            total += weights[agency.profile]
            cum.append(total)
        veto = [c for c in self.codes if self.catalog[c].veto]
        ordinary = [c for c in self.codes if not self.catalog[c].veto]
        # Ordinary types weighted towards the common ones of the 2021 plan.
        common = {"false_job_info": 6, "deposit_from_workers": 4, "annual_report_missing": 5,
                  "dispatch_irregular": 4, "unfiled_service": 4, "rebate_price_manipulation": 3,
                  "wage_arrears": 3, "labour_dispute_lost": 3, "discriminatory_job_info": 3}
        ordinary_w = [common.get(c, 1) for c in ordinary]
        for i in range(count):
            agency = candidates[rng.choices(range(len(candidates)), cum_weights=cum)[0]] \
                if not self.scale else candidates[_bisect(cum, rng.random() * total)]
            if i < len(self.codes) and not self.scale:
                code = self.codes[i]  # every catalog type at least once
                if self.catalog[code].veto:
                    agency = rng.choice([a for a in candidates if a.profile == "bad"] or candidates)
            elif agency.profile == "bad" and rng.random() < 0.25:
                code = rng.choice(veto)
            else:
                code = rng.choices(ordinary, weights=ordinary_w)[0]
            recent = agency.profile in ("problem", "bad") and rng.random() < 0.2
            decided = self._random_decided_on(agency, recent=recent)
            roll = rng.random()
            if decided > self.as_of - dt.timedelta(days=120) and roll < 0.3:
                status = "draft"
            elif roll > 0.965:
                status = "overturned"
            elif roll > 0.93:
                status = "revoked"
            else:
                status = "confirmed"
            repaired = status == "confirmed" and rng.random() < 0.1
            yield self.record_row(agency, code, decided_on=decided, status=status,
                                  repaired=repaired)

    def _records(self) -> TableRows:
        curated = self._records_for_lists + self._extra_record_rows
        remaining = max(0, self.n_records - len(curated))
        if not self.scale:
            major_rows = self._major_case_records()
            remaining = max(0, remaining - len(major_rows))
            rows = curated + major_rows + list(self._record_stream(remaining))
            rows.sort(key=lambda r: r[0])
            self._confirmed_records: dict[int, list[tuple]] = {}
            for row in rows:
                if row[17] == "confirmed" and row[14] is None:
                    self._confirmed_records.setdefault(row[1], []).append(row)
            return TableRows("records", RECORD_COLUMNS, rows, len(rows))

        def stream() -> Iterator[tuple]:
            yield from curated
            yield from self._scale_record_stream(remaining)

        return TableRows("records", RECORD_COLUMNS, stream(), len(curated) + remaining)

    def _scale_record_stream(self, count: int) -> Iterator[tuple]:
        """The same kind of rows as :meth:`record_row`, drawn from precomputed pools with a
        few random bits per row: 1,000,000 records must generate in seconds, not minutes.
        Each chunk has its own ``Random`` seeded from (seed, chunk number), so the output
        depends only on the seed and the sizes."""
        weights = {"clean": 1, "minor": 3, "problem": 8, "bad": 14, "new": 1, "red": 0}
        as_of_ord = self.as_of.toordinal()
        floor_ord = dt.date(self.start_year, 1, 1).toordinal()
        pool: list[tuple[int, int, int]] = []  # (agency id, first decision day, span)
        for agency in self.agencies:
            first = max(floor_ord, agency.established_on.toordinal() + 20)
            span = max(1, as_of_ord - 3 - first)
            pool.extend([(agency.id, first, span)] * weights[agency.profile])
        common = {"false_job_info": 6, "deposit_from_workers": 4, "annual_report_missing": 5,
                  "dispatch_irregular": 4, "unfiled_service": 4, "rebate_price_manipulation": 3,
                  "wage_arrears": 3, "labour_dispute_lost": 3, "discriminatory_job_info": 3}
        code_pool: list[tuple] = []
        order = ["minor", "general", "serious"]
        for code in self.codes:
            vt = self.catalog[code]
            facts = [self._facts(code) for _ in range(6)]
            default = order.index(vt.default_severity.value)
            severities = [order[default]] * 8 + [order[max(0, default - 1)], order[min(2, default + 1)]]
            authority, prefix = self._authority_for(code, "inspection")
            entry = (code, facts, severities, authority, prefix,
                     vt.major_case_kind.value if vt.major_case_kind else None)
            code_pool.extend([entry] * common.get(code, 1))
        penalties = {sev: [self._penalty_for("false_job_info", sev) for _ in range(16)]
                     for sev in order}
        sources = ["inspection"] * 8 + ["complaint"] * 6 + ["referral"] * 2 + [
            "self_inspection", "campaign", "campaign"]
        statuses = ["confirmed"] * 56 + ["revoked"] * 2 + ["overturned"] * 2
        stamps: dict[int, dt.datetime] = {}
        dates: dict[int, dt.date] = {}

        def day(ordinal: int) -> dt.date:
            value = dates.get(ordinal)
            if value is None:
                value = dates[ordinal] = dt.date.fromordinal(ordinal)
            return value

        def stamp(ordinal: int) -> dt.datetime:
            value = stamps.get(ordinal)
            if value is None:
                value = stamps[ordinal] = _ts(dt.date.fromordinal(ordinal))
            return value

        n_pool, n_codes = len(pool), len(code_pool)
        next_id = self.c.ids.get("records", 0)
        decision = self.c.decision
        chunk = 50_000
        for start in range(0, count, chunk):
            rng = random.Random(f"{self.seed}:records:{start // chunk}")
            bits = rng.getrandbits
            for _ in range(min(chunk, count - start)):
                r = bits(64)
                agency_id, first, span = pool[r % n_pool]
                r //= n_pool
                code, facts, severities, authority, prefix, major_kind = code_pool[r % n_codes]
                r //= n_codes
                severity = severities[r % 10]
                r //= 10
                decided = first + r % span
                r //= span
                occurred = max(first - 20, decided - 10 - r % 80)
                r //= 80
                penalty, fine = penalties[severity][r % 16]
                r //= 16
                if code == "labour_dispute_lost":
                    penalty, fine = "dispute_lost_partly", Decimal(0)
                status = statuses[r % 60]
                r //= 60
                if status == "confirmed" and decided > as_of_ord - 60 and r % 4 == 0:
                    status = "draft"
                r //= 4
                rectify = decided + 15 + r % 16
                r //= 16
                corrected = rectify - 5 if rectify < as_of_ord and r % 8 else None
                r //= 8
                repaired = None
                if corrected is not None and status == "confirmed" and r % 10 == 0:
                    repaired = min(as_of_ord, decided + 120 + r % 200)
                r //= 1000
                major = major_kind if major_kind and severity != "minor" and r % 4 == 0 else None
                r //= 4
                decision += 1
                next_id += 1
                decided_day = day(decided)
                changed = day(min(as_of_ord, decided + 60)) if status in ("revoked", "overturned") else None
                created = stamp(max(decided, 737850))  # 2021-03-01 at the earliest
                yield (
                    next_id, agency_id, code, severity, facts[r % 6], day(occurred), decided_day,
                    f"{prefix}〔{decided_day.year}〕{decision}号" if prefix[0] != "（" else
                    prefix.format(y=decided_day.year) + f"{decision}号",
                    authority, penalty, fine, day(rectify),
                    day(corrected) if corrected else None, code == "refusing_rectification",
                    day(repaired) if repaired else None, major, sources[r % 19], status,
                    "经行政复议，原处罚决定被撤销。" if changed else None, changed, None,
                    CLERK_IDS[r % 3], None if status == "draft" else REVIEWER_IDS[r % 3],
                    None if status == "draft" else stamp(decided + 2), 1, created, created,
                )
        self.c.ids["records"] = next_id
        self.c.decision = decision

    def _major_case_records(self) -> list[tuple]:
        """Major cases (29号令 art.5) decided in each of the last four full quarters, so
        the quarterly disclosure has something to publish."""
        rng = self.rng
        kinds = [c for c in self.codes if self.catalog[c].major_case_kind is not None]
        pool = [a for a in self.agencies if a.profile in ("problem", "bad")]
        rows = []
        q = quarter_start(self.as_of)
        for back in range(1, 5):
            start = add_months(q, -3 * back)
            for _ in range(2 if back > 1 else 3):
                agency = rng.choice(pool)
                decided = start + dt.timedelta(days=rng.randint(5, 85))
                code = rng.choice(kinds)
                severity = "serious" if self.catalog[code].veto else "general"
                rows.append(self.record_row(agency, code, decided_on=decided, severity=severity,
                                            major=True, corrected=True))
        return rows

    # --- lists -----------------------------------------------------------------------

    def _doc_number(self, kind: str, year: int) -> str:
        self.c.listing_doc += 1
        return f"济人社{kind}〔{year}〕{self.c.listing_doc}号"

    def _event(self, listing_id, action, from_state, to_state, on, doc=None, reasons=None,
               actor=None) -> None:
        self._event_rows.append((self.c.next_id("listing_events"), listing_id, action, from_state,
                                 to_state, on, doc, reasons, actor, _ts(on)))

    def _plan_lists(self) -> None:
        if self.scale:
            self._scale_lists()
            return
        rng = self.rng
        bad = [a for a in self.agencies if a.profile == "bad" and a.status == "operating"]
        rng.shuffle(bad)
        # (state, variant): the two removals are one expiry and one early removal; one
        # listing is revoked with its basis decision (art.16) and one early removal is
        # reversed for fraud, the listing published again with a new term (art.15).
        black_states = [("proposed", 0), ("notified", 0), ("objection", 0), ("decided", 0),
                        ("published", 0), ("published", 0), ("published", 0), ("removed", 0.2),
                        ("removed", 0.8), ("not_listed", 0), ("withdrawn", 0), ("revoked", 0),
                        ("published", "reversed")]
        # Promote extra problem agencies when there are not enough bad ones (small seeds).
        problem = [a for a in self.agencies if a.profile == "problem" and a.status == "operating"]
        while len(bad) < len(black_states) and problem:
            extra = problem.pop()
            extra.profile = "bad"
            bad.append(extra)
        for (state, variant), agency in zip(black_states, bad, strict=False):
            self._black_listing(agency, state, variant=variant)
        # Red list: long-established clean agencies, excluded from random records.
        clean = [a for a in self.agencies if a.profile == "clean" and a.status == "operating"
                 and a.established_on < add_years(self.as_of, -4)]
        rng.shuffle(clean)
        red_states = ["nominated", "publicity", "designated", "published", "published",
                      "published", "expired", "revoked", "withdrawn"]
        for state, agency in zip(red_states, clean, strict=False):
            agency.profile = "red"
            self._red_listing(agency, state)
        self._other_honours()

    def _basis_code(self) -> str:
        pool = [c for c in self.codes if self.catalog[c].blacklist_candidate]
        return self.rng.choice(pool)

    def _black_listing(self, agency: AgencyInfo, state: str, variant: float | str) -> None:
        """A black listing in ``state`` with consistent dates (人社部令第45号 procedure)."""
        rng, A = self.rng, self.as_of
        reversed_ = variant == "reversed"
        lid = self.c.next_id("listings")
        proposer, decider = rng.sample(REVIEWER_IDS, 2)
        clerk = rng.choice(CLERK_IDS)
        if state in ("proposed", "notified", "objection", "decided", "not_listed", "withdrawn"):
            proposed = working_days_before(A, {"proposed": 2, "notified": 5, "objection": 5,
                                               "decided": 20, "not_listed": 25,
                                               "withdrawn": 30}[state])
        elif state == "removed" and variant < 0.5:
            # Expired after the 3-year term (art.11): decided more than three years ago.
            proposed = add_years(A, -3) - dt.timedelta(days=rng.randint(60, 300))
        elif state == "removed" or reversed_:
            proposed = add_years(A, -2) - dt.timedelta(days=rng.randint(30, 200))
        elif state == "revoked":
            proposed = A - dt.timedelta(days=rng.randint(300, 600))
        else:  # published
            proposed = A - dt.timedelta(days=rng.randint(60, 700))
        proposed = next_workday(proposed)
        basis_decided = proposed - dt.timedelta(days=rng.randint(15, 40))
        code = self._basis_code()
        basis = self.record_row(agency, code, decided_on=basis_decided, severity="serious",
                                status="confirmed",
                                corrected=state in ("not_listed", "removed") or reversed_,
                                source="inspection")
        self._records_for_lists.append(basis)
        reason = basis[4]
        legal_basis = ("《拖欠农民工工资失信联合惩戒对象名单管理暂行办法》（人社部令第45号）第五条；"
                       + self.catalog[code].legal_basis)
        notified = deadline = decided = decision_no = published = expires = None
        corrected = commitment = ended = end_reason = None
        self._event(lid, "propose", None, "proposed", proposed, actor=clerk,
                    reasons="机构存在严重违法失信行为，拟列入严重违法失信名单。")
        current = "proposed"
        if state == "withdrawn":
            ended = working_days_after(proposed, 3)
            end_reason = "经复核，相关违法事实认定依据不足，撤回拟列入。"
            self._event(lid, "withdraw", current, "withdrawn", ended, reasons=end_reason,
                        actor=proposer)
            current = "withdrawn"
        if state not in ("proposed", "withdrawn"):
            notified = working_days_after(proposed, 2 if state != "objection" else 1)
            # art.6: objection within 5 working days of service.
            deadline = working_days_after(notified, 5)
            self._event(lid, "notify", current, "notified", notified,
                        doc=self._doc_number("失信告", notified.year), actor=proposer)
            current = "notified"
        if state == "objection":
            objected = min(A, working_days_after(notified, 2))
            self._event(lid, "object", current, "objection", objected,
                        reasons="当事人提出异议，称已全额支付拖欠款项。", actor=clerk)
            current = "objection"
            self._case(agency, kind="objection", subject="listing", listing_id=lid,
                       record_id=basis[0], submitted=objected, days=5, state="reviewing",
                       statement="我公司已于告知书送达后全额支付相关款项，请求不予列入严重违法失信名单。")
        if state == "not_listed":
            # art.7: corrected before the decision and a written credit commitment given.
            corrected = working_days_after(notified, 3)
            commitment = corrected
            ended = working_days_after(deadline, 2)
            end_reason = "当事人在作出列入决定前已改正违法行为并书面作出信用承诺，不予列入（人社部令第45号第七条）。"
            self._event(lid, "not_list", current, "not_listed", ended, reasons=end_reason,
                        doc=self._doc_number("失信不列", ended.year), actor=decider)
            current = "not_listed"
        if state in ("decided", "published", "removed", "revoked"):
            decided = working_days_after(deadline, rng.randint(2, 6))
            if state == "decided":
                decided = working_days_before(A, 1)
            decision_no = self._doc_number("失信决", decided.year)
            expires = add_years(decided, 3)  # art.11: term of three years
            self._event(lid, "decide", current, "decided", decided, doc=decision_no,
                        reasons="经审查，符合列入严重违法失信名单条件，决定列入。", actor=decider)
            current = "decided"
        if state in ("published", "removed", "revoked"):
            published = working_days_after(decided, rng.randint(1, 3))
            self._event(lid, "publish", current, "published", published, actor=decider)
            current = "published"
        if state == "revoked":
            # art.16: the penalty decision the listing rests on is overturned on review.
            ended = min(A - dt.timedelta(days=3), published + dt.timedelta(days=rng.randint(30, 200)))
            reason_text = "经行政复议，原处罚决定被撤销。"
            basis = basis[:17] + ("overturned", reason_text, ended) + basis[20:]
            self._records_for_lists[-1] = basis
            end_reason = f"所依据的处理决定被依法撤销（{basis[7]}），撤销列入（人社部令第45号第十六条）。"
            self._event(lid, "revoke", current, "revoked", ended, reasons=end_reason,
                        doc=self._doc_number("失信撤", ended.year), actor=decider)
            current = "revoked"
        if state == "removed" or reversed_:
            if expires <= A and not reversed_:
                ended = expires
                end_reason = "列入期限（三年）届满，自动移出。"
                self._event(lid, "remove", current, "removed", ended, reasons=end_reason)
            else:
                # art.12-14: corrected, 6 months since correction, written commitment;
                # decided within 15 working days of the application.
                corrected = decided + dt.timedelta(days=rng.randint(10, 40))
                commitment = add_months(corrected, 6) + dt.timedelta(days=rng.randint(1, 20))
                ended = working_days_after(commitment, rng.randint(5, 15))
                end_reason = "已改正违法行为满六个月并书面作出信用承诺，经申请提前移出。"
                self._event(lid, "early_remove", current, "removed", ended, reasons=end_reason,
                            doc=self._doc_number("失信移", ended.year), actor=decider)
                self._case(agency, kind="repair", subject="early_removal", listing_id=lid,
                           record_id=basis[0], submitted=commitment, days=15, state="accepted",
                           decided_on=ended, corrected_on=corrected,
                           statement="我公司已全面整改并作出书面信用承诺，申请提前移出严重违法失信名单。",
                           reasons="符合提前移出条件，予以支持。")
            current = "removed"
        if reversed_:
            # art.15: the early removal rested on forged rectification evidence — listed
            # again from the reversal, the 3-year term restarting (a different reviewer).
            restored = min(A - dt.timedelta(days=2), ended + dt.timedelta(days=rng.randint(30, 120)))
            reverser = next(r for r in REVIEWER_IDS if r != decider)
            self._event(lid, "reverse_removal", current, "published", restored,
                        doc=self._doc_number("失信恢", restored.year), actor=reverser,
                        reasons="经核查，提前移出申请所附整改证明材料系伪造，撤销提前移出决定，恢复列入，列入期限重新计算（人社部令第45号第十五条）。")
            current = "published"
            published, expires = restored, add_years(restored, 3)
            ended = end_reason = None
        created = _ts(proposed)
        self._listing_rows.append((
            lid, agency.id, "black", current, basis[0], reason, legal_basis, N.BUREAU, proposed,
            clerk, notified, deadline, None, decided, decider if decided else None, decision_no,
            published, expires, corrected, commitment, ended, end_reason, 1, created, created,
        ))

    def _red_listing(self, agency: AgencyInfo, state: str) -> None:
        """A municipal red-list (诚信服务示范机构) listing in ``state`` (SPEC §5.2)."""
        rng, A = self.rng, self.as_of
        lid = self.c.next_id("listings")
        nominator, decider = rng.sample(REVIEWER_IDS, 2)
        if state in ("nominated", "publicity", "designated", "withdrawn"):
            nominated = working_days_before(A, {"nominated": 2, "publicity": 5, "designated": 15,
                                                "withdrawn": 25}[state])
        elif state == "expired":
            nominated = add_years(A, -3) - dt.timedelta(days=rng.randint(40, 300))
        elif state == "revoked":
            nominated = A - dt.timedelta(days=rng.randint(400, 800))
        else:
            nominated = A - dt.timedelta(days=rng.randint(60, 800))
        nominated = next_workday(max(nominated, dt.date(self.start_year, 3, 1)))
        reason = "连续两年信用等级为A级以上，无违法失信记录，年度报告按时报送，服务规范。"
        basis = "《济源示范区人力资源服务诚信示范机构认定办法》（本地配置）"
        self._event(lid, "nominate", None, "nominated", nominated, actor=rng.choice(CLERK_IDS))
        current = "nominated"
        publicity_end = decided = decision_no = published = expires = ended = end_reason = None
        if state != "nominated":
            start = working_days_after(nominated, 1 if state in ("publicity", "withdrawn") else 2)
            publicity_end = working_days_after(start, 5)  # 公示 5 working days
            self._event(lid, "publicise", current, "publicity", start, actor=nominator,
                        doc=self._doc_number("诚信公示", start.year))
            current = "publicity"
        if state in ("designated", "published", "expired", "revoked"):
            decided = working_days_after(publicity_end, 1)
            if state == "designated":
                decided = working_days_before(A, 1)
            decision_no = self._doc_number("诚信认", decided.year)
            expires = add_years(decided, 3)
            self._event(lid, "designate", current, "designated", decided, doc=decision_no,
                        actor=decider)
            current = "designated"
        if state in ("published", "expired", "revoked"):
            published = working_days_after(decided, 1)
            self._event(lid, "publish", current, "published", published, actor=decider)
            current = "published"
        revoked_on = None
        if state == "withdrawn":
            # Withdrawn during publicity after a substantiated complaint (SPEC §5.2).
            ended = working_days_after(start, 3)
            end_reason = "公示期间收到实名反映，经核实服务不规范，撤回推荐。"
            self._event(lid, "withdraw", current, "withdrawn", ended, reasons=end_reason,
                        actor=nominator)
            current = "withdrawn"
        if state == "expired":
            ended = expires
            end_reason = "认定有效期（三年）届满。"
            self._event(lid, "expire", current, "expired", ended, reasons=end_reason)
            current = "expired"
        if state == "revoked":
            # A confirmed violation after designation revokes the title (SPEC §5.2).
            record_day = min(A - dt.timedelta(days=10), published + dt.timedelta(days=rng.randint(60, 300)))
            record = self.record_row(agency, "false_job_info", decided_on=record_day,
                                     severity="general", status="confirmed")
            self._extra_record_rows.append(record)
            ended = revoked_on = working_days_after(record_day, 3)
            end_reason = f"发生失信行为（{record[7]}），撤销诚信服务示范机构称号。"
            self._event(lid, "revoke", current, "revoked", ended, reasons=end_reason,
                        doc=self._doc_number("诚信撤", ended.year), actor=decider)
            current = "revoked"
        created = _ts(nominated)
        self._listing_rows.append((
            lid, agency.id, "red", current, None, reason, basis, N.BUREAU, nominated,
            rng.choice(CLERK_IDS), None, None, publicity_end, decided,
            decider if decided else None, decision_no, published, expires, None, None, ended,
            end_reason, 1, created, created,
        ))
        if published:
            self._honour(agency, "red_list", "municipal", "济源示范区人力资源服务诚信示范机构",
                         N.BUREAU, decision_no, decided, expires, revoked_on=revoked_on,
                         revoked_reason=end_reason if revoked_on else None, listing_id=lid)

    def _honour(self, agency, kind, level, title, issuer, doc, granted, valid_until=None,
                revoked_on=None, revoked_reason=None, listing_id=None) -> None:
        created = _ts(max(granted, dt.date(2021, 3, 1)))
        self._honour_rows.append((
            self.c.next_id("honours"), agency.id, kind, level, title, issuer, doc, granted,
            valid_until, revoked_on, revoked_reason, listing_id, self.rng.choice(CLERK_IDS),
            created, created,
        ))

    def _other_honours(self) -> None:
        rng = self.rng
        good = [a for a in self.agencies if a.profile in ("clean", "red", "minor")
                and a.status == "operating" and a.established_on < add_years(self.as_of, -3)]
        rng.shuffle(good)
        catalogue = [
            ("red_list", "national", "全国人力资源诚信服务示范机构", N.ISSUER_MOHRSS, "人社部函"),
            ("red_list", "provincial", "河南省人力资源服务诚信示范机构", N.ISSUER_HENAN, "豫人社函"),
            ("red_list", "provincial", "河南省人力资源服务诚信示范机构", N.ISSUER_HENAN, "豫人社函"),
            ("award", "provincial", "河南省人力资源服务业先进单位", N.ISSUER_HENAN, "豫人社"),
            ("award", "municipal", "济源示范区就业创业工作先进单位", "济源示范区管理委员会", "济管"),
            ("harmony_model", "provincial", "河南省和谐劳动关系示范企业",
             "河南省协调劳动关系三方委员会", "豫劳关委"),
            ("harmony_model", "municipal", "济源示范区和谐劳动关系示范单位",
             "济源示范区协调劳动关系三方委员会", "济劳关委"),
        ]
        count = max(6, len(self.agencies) // 6)
        for i, agency in enumerate(good[:count]):
            kind, level, title, issuer, prefix = catalogue[i % len(catalogue)] if i < len(
                catalogue) else rng.choice(catalogue)
            granted = dt.date(rng.randint(self.start_year, self.as_of.year - 1), rng.randint(1, 12),
                              rng.randint(1, 28))
            self.c.honour += 1
            doc = f"{prefix}〔{granted.year}〕{self.c.honour + 20}号"
            valid_until = add_years(granted, 3) if kind == "red_list" else None
            self._honour(agency, kind, level, title, issuer, doc, granted, valid_until)

    def _honours(self) -> TableRows:
        return TableRows("honours", HONOUR_COLUMNS, self._honour_rows, len(self._honour_rows))

    def _scale_lists(self) -> None:
        """Scale mode: published black listings (1 % of agencies, for the list PDF
        benchmark) and published red listings, with minimal consistent events."""
        rng, A = self.rng, self.as_of
        count = max(1, len(self.agencies) // 100)
        old = [a for a in self.agencies if a.established_on < add_years(A, -4)]
        picks = rng.sample(old, count * 3 // 2)
        black, red = picks[:count], picks[count:]
        for agency in black:
            agency.profile = "bad"
            lid = self.c.next_id("listings")
            decided = next_workday(A - dt.timedelta(days=rng.randint(30, 1000)))
            proposed = working_days_before(decided, 12)
            notified = working_days_after(proposed, 2)
            basis = self.record_row(agency, self._basis_code(), severity="serious",
                                    decided_on=proposed - dt.timedelta(days=20))
            self._records_for_lists.append(basis)
            no = self._doc_number("失信决", decided.year)
            published = working_days_after(decided, 1)
            for action, frm, to, on in (("propose", None, "proposed", proposed),
                                        ("notify", "proposed", "notified", notified),
                                        ("decide", "notified", "decided", decided),
                                        ("publish", "decided", "published", published)):
                self._event(lid, action, frm, to, on, doc=no if action == "decide" else None,
                            actor=REVIEWER_IDS[0])
            created = _ts(proposed)
            self._listing_rows.append((
                lid, agency.id, "black", "published", basis[0], basis[4],
                self.catalog[basis[2]].legal_basis, N.BUREAU, proposed, CLERK_IDS[0], notified,
                working_days_after(notified, 5), None, decided, REVIEWER_IDS[1], no, published,
                add_years(decided, 3), None, None, None, None, 1, created, created,
            ))
        for agency in red:
            agency.profile = "red"
            lid = self.c.next_id("listings")
            decided = next_workday(A - dt.timedelta(days=rng.randint(30, 1000)))
            nominated = working_days_before(decided, 10)
            no = self._doc_number("诚信认", decided.year)
            published = working_days_after(decided, 1)
            for action, frm, to, on in (("nominate", None, "nominated", nominated),
                                        ("publicise", "nominated", "publicity",
                                         working_days_after(nominated, 2)),
                                        ("designate", "publicity", "designated", decided),
                                        ("publish", "designated", "published", published)):
                self._event(lid, action, frm, to, on, actor=REVIEWER_IDS[0])
            created = _ts(nominated)
            self._listing_rows.append((
                lid, agency.id, "red", "published", None, "信用等级A级以上，服务规范。", "", N.BUREAU,
                nominated, CLERK_IDS[0], None, None, working_days_after(nominated, 7), decided,
                REVIEWER_IDS[1], no, published, add_years(decided, 3), None, None, None, None, 1,
                created, created,
            ))
            self._honour(agency, "red_list", "municipal", "济源示范区人力资源服务诚信示范机构",
                         N.BUREAU, no, decided, add_years(decided, 3), listing_id=lid)

    # --- cases -----------------------------------------------------------------------

    def _case(self, agency, *, kind, subject, submitted, days, state, statement,
              listing_id=None, record_id=None, decided_on=None, corrected_on=None,
              reasons=None) -> None:
        rng = self.rng
        self.c.case += 1
        number = f"JY{submitted.year}-{self.c.case:06d}"  # cases.services.NUMBER_RE
        token_hash = hashlib.sha256(f"demo-{self.seed}-{number}".encode()).hexdigest()
        decided_by = rng.choice(REVIEWER_IDS) if decided_on else None
        created = _ts(submitted)
        self._case_rows.append((
            self.c.next_id("cases"), number, token_hash, kind, subject, agency.id, record_id,
            listing_id, self._person_name(), self._phone(), statement, corrected_on,
            kind == "repair", submitted, working_days_after(submitted, days), state, decided_by,
            _ts(decided_on) if decided_on else None, decided_on, reasons, 1, created, created,
        ))

    def _cases(self) -> TableRows:
        rng, A = self.rng, self.as_of
        pool = [a for a in self.agencies if a.profile in ("minor", "problem")
                and a.status == "operating" and a.id in self._confirmed_records]
        rng.shuffle(pool)
        # Open: an objection to a record and to a grade, a record repair application.
        plans = [
            ("objection", "record", "submitted", 3, "该处罚决定认定事实有误，我公司未发布相关招聘信息，申请更正。"),
            ("objection", "grade", "reviewing", 3, "我公司相关违法记录已修复，信用等级应予调整。"),
            ("repair", "record", "submitted", 5, "已按期完成整改并缴清罚款，公示期已满，申请信用修复。"),
            ("objection", "record", "rejected", 3, "对处罚金额有异议。"),
            ("repair", "record", "accepted", 5, "已完成整改，申请信用修复。"),
        ]
        for (kind, subject, state, days, statement), agency in zip(plans, pool, strict=False):
            closed = state in ("accepted", "rejected")
            submitted = working_days_before(A, rng.randint(20, 60) if closed else 1)
            decided = working_days_after(submitted, rng.randint(1, days)) if closed else None
            reasons = None
            if state == "rejected":
                reasons = "经核查，处罚决定认定事实清楚、证据确凿，异议不成立。"
            elif state == "accepted":
                reasons = "申请人已完成整改并作出信用承诺，符合修复条件，予以修复。"
            record = rng.choice(self._confirmed_records[agency.id]) if subject == "record" else None
            self._case(agency, kind=kind, subject=subject, submitted=submitted, days=days,
                       state=state, statement=statement, decided_on=decided, reasons=reasons,
                       record_id=record[0] if record else None,
                       corrected_on=submitted - dt.timedelta(days=30) if kind == "repair" else None)
        self._case_rows.sort(key=lambda r: r[0])
        return TableRows("cases", CASE_COLUMNS, self._case_rows, len(self._case_rows))

    # --- the 2021 campaign -------------------------------------------------------------

    def _campaign_2021(self) -> Iterator[TableRows]:
        """济源示范区劳务中介专项整治行动 (2021), its phases and self-inspection returns."""
        rng = self.rng
        created = _ts(dt.date(2021, 4, 12))
        yield TableRows("campaigns", ("id", "name", "year", "created_at", "updated_at"),
                        [(1, JIYUAN_2021_NAME, 2021, created, created)], 1)
        # The phases of the plan, as the inspections feature defines them (one source).
        phases = [(number, 1, name, starts_on, ends_on)
                  for number, (name, starts_on, ends_on) in enumerate(JIYUAN_2021_PHASES, 1)]
        yield TableRows("campaign_phases", ("id", "campaign_id", "name", "starts_on", "ends_on"),
                        phases, len(phases))
        rows = []
        for agency in self.agencies:
            if agency.established_on >= dt.date(2021, 4, 1) or rng.random() < 0.15:
                continue
            rebate = rng.random() < (0.25 if agency.profile in ("problem", "bad") else 0.05)
            problems = ""
            if rebate:
                problems = rng.choice((
                    "存在向求职者承诺高额“返费”招揽人员的情况。",
                    "与用工企业约定按人头支付“返费”，部分转付求职者。",
                ))
            elif rng.random() < 0.1:
                problems = "招聘信息登记台账不完整。"
            submitted = dt.date(2021, 4, 15) + dt.timedelta(days=rng.randint(0, 15))  # 自查 phase
            rows.append((len(rows) + 1, 1, agency.id, submitted, rebate, problems,
                         bool(problems) and rng.random() < 0.8, _ts(submitted), _ts(submitted)))
        yield TableRows("self_inspections", ("id", "campaign_id", "agency_id", "submitted_on",
                                             "rebate_found", "problems", "rectified",
                                             "created_at", "updated_at"), rows, len(rows))
        actions = [
            (1, "national_campaign", dt.date(2021, 5, 10),
             "清理整顿人力资源市场秩序专项执法行动：联合市场监管部门检查人力资源服务机构", 36, 4),
            (2, "key_period", dt.date(2021, 2, 22),
             "春节后返岗复工重点时段劳务中介用工服务监察执法", 18, 2),
            (3, "employer_guidance", dt.date(2021, 5, 20),
             "指导用人单位规范招用工行为，开展劳动用工政策宣讲", 42, 0),
            (4, "key_period", dt.date(2021, 9, 8), "秋季招聘重点时段劳务中介专项检查", 21, 1),
        ]
        yield TableRows("enforcement_actions", ("id", "kind", "held_on", "description",
                                                "agencies_checked", "cases_found", "created_at",
                                                "updated_at"),
                        [a + (_ts(a[2]), _ts(a[2])) for a in actions], len(actions))


def _bisect(cum: list[float], x: float) -> int:
    from bisect import bisect_right

    return min(bisect_right(cum, x), len(cum) - 1)
