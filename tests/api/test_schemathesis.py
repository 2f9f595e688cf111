"""Property-based fuzzing of the API against its own OpenAPI document (schemathesis, WSGI).

Every operation is exercised with generated valid and invalid requests, anonymously and with
a reviewer's bearer token. The checks: no server error, and every response conforms to the
document (status code, content type, headers, body schema); invalid requests are rejected.
Bounded in time by a small ``max_examples`` per operation; marked ``slow`` but always run.
"""

from __future__ import annotations

import datetime as dt

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis.config import SchemathesisConfig
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi import checks as oas_checks

from credit_service.core.enums import (
    DisclosureState,
    Grade,
    ListingState,
    ListKind,
    MajorCaseKind,
)

D = dt.date
EXAMPLE_USCC = "91419001MA4000000C"  # the example in the document: make it a real agency
MAX_EXAMPLES = 12

CHECKS = [
    schemathesis.checks.not_a_server_error,
    oas_checks.status_code_conformance,
    oas_checks.content_type_conformance,
    oas_checks.response_headers_conformance,
    oas_checks.response_schema_conformance,
    oas_checks.negative_data_rejection,
]


@pytest.fixture
def seeded(db, app, create_agency, create_record, create_honour):
    """Data the example phase reaches: an agency with an assessment, listings, a disclosure."""
    from credit_service.core.db import utcnow
    from credit_service.disclosures.models import Disclosure, DisclosureEntry
    from credit_service.documents.models import Document
    from credit_service.grading.models import Assessment
    from credit_service.lists.models import Listing

    agency = create_agency(uscc=EXAMPLE_USCC, name="济源市示例人力资源服务有限公司",
                           current_grade=Grade.B, current_score=88)
    record = create_record(agency, major_case_kind=MajorCaseKind.WAGE_ARREARS)
    create_honour(agency)
    db.session.add(Assessment(agency_id=agency.id, as_of=D(2026, 2, 10),
                              ruleset_version="2026.1", score=88, grade=Grade.B,
                              explanation={"lines": []}))
    for kind in ListKind:
        listing = Listing(agency_id=agency.id, list_kind=kind, state=ListingState.PUBLISHED,
                          reason="示例事由", legal_basis="示例依据", authority="示例机关",
                          proposed_on=D(2026, 1, 5), decided_on=D(2026, 2, 1),
                          decision_number="示例〔2026〕1号", expires_on=D(2029, 2, 1))
        db.session.add(listing)
    disclosure = Disclosure(period="2026Q3", starts_on=D(2026, 7, 1), ends_on=D(2026, 9, 30),
                            state=DisclosureState.PUBLISHED, published_on=D(2026, 10, 10))
    disclosure.entries.append(DisclosureEntry(
        record_id=record.id, agency_name=agency.name, uscc=agency.uscc, address=agency.address,
        legal_rep_name=agency.legal_rep_name, major_case_kind=MajorCaseKind.WAGE_ARREARS,
        main_facts="拖欠劳动报酬", handling="责令支付"))
    db.session.add(disclosure)
    db.session.add(Document(kind="credit_report.pdf", key=agency.uscc, title="信用报告",
                            media_type="application/pdf", verification_code="SEEDCODE01",
                            sha256="0" * 64, size=3, content=b"pdf", data_as_of=utcnow()))
    db.session.flush()
    return {"agency": agency, "record": record, "listing": listing}


OPERATIONS = [
    ("GET", "/api/v1/agencies"), ("POST", "/api/v1/agencies"),
    ("GET", "/api/v1/agencies/{uscc}"), ("PATCH", "/api/v1/agencies/{uscc}"),
    ("GET", "/api/v1/agencies/{uscc}/assessments"),
    ("GET", "/api/v1/lists/red"), ("GET", "/api/v1/lists/black"),
    ("GET", "/api/v1/disclosures"), ("GET", "/api/v1/disclosures/{period}"),
    ("GET", "/api/v1/changes"), ("GET", "/api/v1/verify/{code}"),
    ("POST", "/api/v1/cases"), ("POST", "/api/v1/cases/{number}/decision"),
    ("POST", "/api/v1/agencies/{uscc}/records"), ("POST", "/api/v1/records/{record_id}/confirm"),
    ("POST", "/api/v1/agencies/{uscc}/honours"),
    ("POST", "/api/v1/listings"), ("POST", "/api/v1/listings/{listing_id}/events"),
    ("POST", "/api/v1/imports"),
]
STAFF_OPERATIONS = [op for op in OPERATIONS if op[0] != "GET" and op[1] != "/api/v1/cases"]

HYPOTHESIS = settings(max_examples=MAX_EXAMPLES, deadline=None, derandomize=True,
                      suppress_health_check=list(HealthCheck), database=None)


def _schema(app):
    config = SchemathesisConfig.from_dict({"generation": {"max-examples": MAX_EXAMPLES}})
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app, config=config)


def _fuzz(app, seeded, method, path, headers):
    """Positive and negative generation, once with generated path parameters and once with
    the seeded objects' (so the success paths are reached too)."""
    operation = _schema(app)[path][method]
    known = {"uscc": seeded["agency"].uscc, "period": "2026Q3",
             "record_id": seeded["record"].id, "listing_id": seeded["listing"].id,
             "number": "XX2026-000001", "code": "SEEDCODE01"}
    names = {p.name for p in operation.path_parameters}
    variants = [None] + ([{name: known[name] for name in names}] if names else [])
    for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
        for path_parameters in variants:
            strategy = operation.as_strategy(mode, path_parameters=path_parameters)

            @given(case=strategy)
            @HYPOTHESIS
            def run(case):
                case.call_and_validate(checks=CHECKS, headers=headers)

            try:
                run()
            except Unsatisfiable:
                # Nothing left to make invalid once the path is fixed (e.g. a bare GET).
                if mode is GenerationMode.POSITIVE or path_parameters is None:
                    raise


def test_every_operation_of_the_document_is_fuzzed(app):
    documented = {(op.method.upper(), op.path) for op in
                  (result.ok() for result in _schema(app).get_all_operations())}
    assert documented == set(OPERATIONS)


@pytest.mark.slow
@pytest.mark.parametrize(("method", "path"), OPERATIONS)
def test_public_fuzzing_finds_no_server_error_and_no_spec_violation(app, seeded, method, path):
    _fuzz(app, seeded, method, path, headers={})


@pytest.mark.slow
@pytest.mark.parametrize(("method", "path"), STAFF_OPERATIONS)
def test_authenticated_fuzzing_finds_no_server_error_and_no_spec_violation(
    app, seeded, reviewer, token_for, method, path
):
    _fuzz(app, seeded, method, path, headers={"Authorization": f"Bearer {token_for(reviewer)}"})
