"""Rate limiting of public submissions (429 + Retry-After), the OpenAPI document and the
offline docs page."""

from __future__ import annotations

import json
import re

import pytest

from tests.api.conftest import assert_error


@pytest.fixture
def limited_client(tmp_path):
    """A second app with Flask-Limiter on (memory storage); the testing config has it off.
    The limiter is one extension object, so it is switched off again afterwards."""
    from config import TestingConfig
    from credit_service import create_app
    from credit_service.extensions import limiter

    config = TestingConfig(tmp_path)
    config.SQLALCHEMY_DATABASE_URI = f"sqlite:///{tmp_path / 'unused.sqlite3'}"
    config.RATELIMIT_ENABLED = True
    config.API_CASE_RATE_LIMIT = "2 per minute"
    app = create_app(config)
    try:
        yield app.test_client()
    finally:
        limiter.reset()
        limiter.enabled = False
        with app.app_context():
            from credit_service.extensions import db

            db.engine.dispose()


def test_case_submissions_are_rate_limited_with_retry_after(limited_client):
    for _ in range(2):
        assert limited_client.post("/api/v1/cases", json={}).status_code == 422
    response = limited_client.post("/api/v1/cases", json={})
    body = assert_error(response, 429)
    assert "频繁" in body["message"]
    assert int(response.headers["Retry-After"]) > 0
    # other endpoints are not limited by the submission limit
    assert limited_client.get("/api/v1/openapi.json").status_code == 200


def test_openapi_document_is_valid_and_complete(api):
    from openapi_spec_validator import validate

    response = api.get("/openapi.json")
    assert response.status_code == 200
    spec = response.get_json()
    validate(spec)
    paths = spec["paths"]
    expected = {
        ("get", "/api/v1/agencies"), ("post", "/api/v1/agencies"),
        ("get", "/api/v1/agencies/{uscc}"), ("patch", "/api/v1/agencies/{uscc}"),
        ("get", "/api/v1/agencies/{uscc}/assessments"), ("get", "/api/v1/lists/red"),
        ("get", "/api/v1/lists/black"), ("get", "/api/v1/disclosures"),
        ("get", "/api/v1/disclosures/{period}"), ("get", "/api/v1/changes"),
        ("get", "/api/v1/verify/{code}"), ("post", "/api/v1/cases"),
        ("post", "/api/v1/agencies/{uscc}/records"), ("post", "/api/v1/records/{record_id}/confirm"),
        ("post", "/api/v1/agencies/{uscc}/honours"), ("post", "/api/v1/listings"),
        ("post", "/api/v1/listings/{listing_id}/events"),
        ("post", "/api/v1/cases/{number}/decision"), ("post", "/api/v1/imports"),
    }
    present = {(method, path) for path, ops in paths.items() for method in ops
               if method in {"get", "post", "patch", "put", "delete"}}
    assert expected <= present
    assert spec["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"
    for method, path in expected:
        operation = paths[path][method]
        assert operation["responses"]["default"], (method, path)
        staff = method != "get" and path != "/api/v1/cases"
        assert bool(operation.get("security")) == staff, (method, path)
        if staff:
            assert {"401", "403"} <= set(operation["responses"]), (method, path)
    error = spec["components"]["schemas"]["Error"]
    assert set(error["required"]) == {"code", "status", "message", "errors"}


def test_public_schemas_carry_no_personal_fields(api):
    spec = api.get("/openapi.json").get_json()
    private = {"contact_phone", "legal_rep_id_number", "internal_notes", "applicant_contact",
               "applicant_name", "entered_by_id", "confirmed_by_id", "display_name"}
    for name, schema in spec["components"]["schemas"].items():
        if name.startswith("Public"):
            assert not private & set(schema.get("properties", {})), name


def test_docs_page_uses_only_local_assets(api, client):
    response = api.get("/docs")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "swagger-ui" in html
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert sources and all(s.startswith("/") for s in sources), sources
    for source in sources:
        asset = client.get(source)
        assert asset.status_code == 200, source
        asset.close()
    init = client.get("/api/v1/static/docs.js")
    assert "validatorUrl: null" in init.get_data(as_text=True)
    init.close()


def test_pagination_header_is_required_and_sent(api, dummy_agency):
    """X-Pagination is declared required (so schemathesis' header check catches an endpoint
    that drops it), and every endpoint declaring it sends it."""
    spec = api.get("/openapi.json").get_json()
    paginated = {path for path, ops in spec["paths"].items()
                 if "X-Pagination" in ops.get("get", {}).get("responses", {})
                 .get("200", {}).get("headers", {})}
    assert {"/api/v1/agencies", "/api/v1/agencies/{uscc}/assessments", "/api/v1/lists/black",
            "/api/v1/lists/red", "/api/v1/disclosures"} <= paginated
    for path in paginated:
        header = spec["paths"][path]["get"]["responses"]["200"]["headers"]["X-Pagination"]
        assert header["required"] is True, path
        response = api.get(path.removeprefix("/api/v1").replace("{uscc}", dummy_agency.uscc))
        assert response.status_code == 200, path
        assert json.loads(response.headers["X-Pagination"])["page"] == 1, path


def test_spec_wording_success_descriptions_ids_and_changes_cursor(api):
    spec = api.get("/openapi.json").get_json()
    cjk = re.compile("[\u4e00-\u9fff]")
    for path, ops in spec["paths"].items():
        for method, operation in ops.items():
            if method == "parameters":
                continue
            for status, response in operation["responses"].items():
                if status.startswith("2"):
                    assert cjk.search(response["description"]), (method, path, status)
    for path, name in (("/api/v1/records/{record_id}/confirm", "record_id"),
                       ("/api/v1/listings/{listing_id}/events", "listing_id")):
        [param] = [p for p in spec["paths"][path]["parameters"] if p["name"] == name]
        assert param["in"] == "path" and cjk.search(param["description"])
        assert param["schema"]["minimum"] == 1, path
    changes = spec["paths"]["/api/v1/changes"]["get"]
    assert "after_id" in changes["description"] and "limit" in changes["description"]
    assert {"after_id", "limit"} <= {p.get("name") for p in changes["parameters"]}
    assert "X-Pagination" not in changes["responses"]["200"].get("headers", {})
    assert "/changes" in spec["info"]["description"]
