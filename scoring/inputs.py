"""Plain, frozen inputs for the engine: one agency's file as values.

The caller (credit_service.grading) maps database rows to these; enum fields are the
stored codes as strings ("general", "confirmed", "fine", ...) so the engine never
depends on the application's enum classes.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class RecordInput:
    """A violation record (失信记录). ``veto``/``c_cap`` come from the violation catalog."""

    id: int
    violation_code: str
    severity: str  # minor | general | serious
    decided_on: dt.date
    status: str = "confirmed"  # draft | confirmed | revoked | overturned
    penalty_kind: str = "fine"
    title: str = ""  # the violation's Chinese name, for explanation lines
    decision_number: str = ""
    veto: bool = False
    c_cap: bool = False
    rectify_by: dt.date | None = None
    corrected_on: dt.date | None = None
    refused_to_comply: bool = False
    repaired_on: dt.date | None = None  # 信用修复: stops counting on this date
    status_changed_on: dt.date | None = None  # revoked/overturned on: stops counting


@dataclass(frozen=True, slots=True)
class HonourInput:
    id: int
    kind: str  # red_list | award | harmony_model
    level: str  # national | provincial | municipal
    granted_on: dt.date
    title: str = ""
    valid_until: dt.date | None = None
    revoked_on: dt.date | None = None


@dataclass(frozen=True, slots=True)
class LicenceInput:
    kind: str
    issued_on: dt.date
    valid_until: dt.date | None = None
    status: str = "valid"


@dataclass(frozen=True, slots=True)
class AnnualReportInput:
    year: int
    submitted_on: dt.date | None = None
    on_time: bool = False


@dataclass(frozen=True, slots=True)
class ListingInput:
    """A period on a list. ``start`` is the decision date; ``end`` the day it stopped
    (removal/revocation) or will stop (expiry), exclusive; None = open-ended."""

    kind: str  # black | red
    start: dt.date
    end: dt.date | None = None
    basis_record_id: int | None = None


@dataclass(frozen=True, slots=True)
class Ceiling:
    """The grade of the last published evaluation round (SPEC.md §4.5): between rounds
    the live grade may not rise above it, unless a record was repaired or revoked after
    the round's as-of date."""

    grade: str
    year: int
    since: dt.date  # the round's as-of date


@dataclass(frozen=True, slots=True)
class AgencyInput:
    id: int
    uscc: str
    established_on: dt.date
    records: tuple[RecordInput, ...] = ()
    honours: tuple[HonourInput, ...] = ()
    licences: tuple[LicenceInput, ...] = ()
    annual_reports: tuple[AnnualReportInput, ...] = ()
    listings: tuple[ListingInput, ...] = ()
    ceiling: Ceiling | None = None
    first_licence_on: dt.date | None = None  # if not given, the earliest licence

    @property
    def started_on(self) -> dt.date:
        """Start of the HR business: establishment or first licence, whichever is later
        (SPEC.md §4.6 "< 12 months since establishment or first licence")."""
        first = self.first_licence_on
        if first is None and self.licences:
            first = min(lic.issued_on for lic in self.licences)
        if first is not None and first > self.established_on:
            return first
        return self.established_on
