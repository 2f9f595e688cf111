"""Every public page and file, rendered from the demo data set, carries no phone number,
ID number or staff name (SPEC.md §5.1; 29号令 art.7)."""

from __future__ import annotations

import io
import json
import re

import openpyxl
from sqlalchemy import select

from tests.publication.helpers import pdf_text

PHONE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")
SHA256 = re.compile(r"(?<![0-9a-f])[0-9a-f]{64}(?![0-9a-f])")


def _collect_private(db):
    from credit_service.agencies.models import Agency
    from credit_service.auth.models import User

    phones = {p for p in db.session.scalars(select(Agency.contact_phone)) if p}
    ids = {i for i in db.session.scalars(select(Agency.legal_rep_id_number)) if i}
    public_names = " ".join(db.session.scalars(select(Agency.name)).all()
                            + db.session.scalars(select(Agency.legal_rep_name)).all())
    # A staff member who shares a name with a legal representative is not a leak.
    staff = {n for n in db.session.scalars(select(User.display_name))
             if n and n not in public_names}
    return phones, ids, staff


def _publish_a_disclosure(db):
    """The demo has major cases; publish the quarter of the latest one as reviewers would."""
    from credit_service.auth.models import User
    from credit_service.core.enums import Role
    from credit_service.disclosures import services
    from credit_service.records.models import Record

    decided = db.session.scalar(select(Record.decided_on).where(
        Record.major_case_kind.is_not(None)).order_by(Record.decided_on.desc()).limit(1))
    assert decided is not None
    period = f"{decided.year}Q{(decided.month - 1) // 3 + 1}"
    first, second = db.session.scalars(select(User).where(
        User.role.in_([Role.REVIEWER, Role.ADMIN])).order_by(User.id).limit(2)).all()
    draft = services.draft_disclosure(period)
    if draft.state.value == "draft":
        services.approve_disclosure(draft, first, draft.version)
    if draft.state.value == "approved":
        services.publish_disclosure(draft, second, draft.version)


def test_demo_data_public_outputs_have_no_personal_data(committed_app):
    from credit_service.agencies.models import Agency
    from credit_service.demo.services import load_demo
    from credit_service.disclosures.services import published_disclosures
    from credit_service.extensions import db
    from credit_service.lists.models import Listing

    load_demo(agencies=80, records=300, seed=11)
    _publish_a_disclosure(db)
    phones, ids, staff = _collect_private(db)
    assert phones and ids and staff
    usccs = list(db.session.scalars(select(Agency.uscc).order_by(Agency.id)))
    listed = list(db.session.scalars(select(Agency.uscc).join(Listing, Listing.agency_id == Agency.id)))
    periods = [d.period for d in published_disclosures()]
    assert listed and periods

    pages = ["/", "/agencies?q=济源", "/agencies?q=人力&page=2", "/lists/black", "/lists/red",
             "/disclosures", "/rules", "/feed.atom", "/verify", "/cases/new", "/inspections"]
    pages += [f"/agencies/{u}" for u in usccs]
    pages += [f"/disclosures/{p}" for p in periods]
    files = [f"/lists/{k}.{f}" for k in ("black", "red") for f in ("csv", "json")]
    xlsx = [f"/lists/{k}.xlsx" for k in ("black", "red")]
    api = ["/api/v1/agencies", "/api/v1/agencies?q=济源&per_page=100", "/api/v1/lists/black",
           "/api/v1/lists/red", "/api/v1/disclosures", "/api/v1/changes",
           "/api/v1/changes?since=2000-01-01T00:00:00&limit=100", "/api/v1/changes?after_id=0&limit=100"]
    api += [f"/api/v1/agencies/{u}" for u in usccs]
    api += [f"/api/v1/agencies/{u}/assessments" for u in usccs]
    api += [f"/api/v1/disclosures/{p}" for p in periods]
    # Reports of every listed agency and of a spread of the others (every 5th).
    sample = list(dict.fromkeys(listed + usccs[::5]))
    pdfs = ["/lists/black.pdf", "/lists/red.pdf"] + [f"/disclosures/{p}.pdf" for p in periods]
    pdfs += [f"/agencies/{u}/report.pdf" for u in sample]
    assert len(sample) >= 20

    client = committed_app.test_client()
    outputs = {}
    for path in pages + files + api:
        response = client.get(path)
        assert response.status_code == 200, path
        outputs[path] = response.get_data(as_text=True)
    for path in api:
        # Decoded too: JSON may escape non-ASCII; the scan must see the characters.
        outputs[path + "#decoded"] = json.dumps(json.loads(outputs[path]), ensure_ascii=False)
    for path in xlsx:
        response = client.get(path)
        assert response.status_code == 200, path
        sheet = openpyxl.load_workbook(io.BytesIO(response.data)).active
        outputs[path] = "\n".join(" ".join(str(c) for c in row if c is not None)
                                   for row in sheet.iter_rows(values_only=True))
        assert len(outputs[path]) > 20, path
    for path in pdfs:
        response = client.get(path)
        assert response.status_code == 200, path
        outputs[path] = pdf_text(response.data)
        verify = client.get(f"/verify/{response.headers['X-Verification-Code']}")
        assert verify.status_code == 200
        outputs[path + "#verify"] = verify.get_data(as_text=True)
        api_verify = client.get(f"/api/v1/verify/{response.headers['X-Verification-Code']}")
        assert api_verify.status_code == 200
        outputs[path + "#api-verify"] = json.dumps(api_verify.get_json(), ensure_ascii=False)
    for path, text in outputs.items():
        compact = "".join(text.split())
        # A SHA-256 (verify pages) can contain 11 digits in a row; it is no phone number.
        assert not PHONE.search(SHA256.sub("#", compact)), (path, PHONE.search(compact))
        for secret in phones | ids:
            assert secret not in compact, (path, secret)
        for name in staff:
            assert name not in text, (path, name)
