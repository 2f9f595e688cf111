"""The public profile page is cached per profile stamp (like the JSON profile): the cached
page equals a fresh rendering, a write makes it stale, ETag/304 work, a visitor's pending
flash message is never cached, and the WSGI fast path serves it with the security headers."""

from __future__ import annotations

from credit_service.api.cache import profiles
from credit_service.core.web import SECURITY_HEADERS


def test_cached_page_equals_a_fresh_rendering_and_a_write_renews_it(client, db, dummy_agency,
                                                                    clerk):
    from credit_service.agencies.services import update_agency

    path = f"/agencies/{dummy_agency.uscc}"
    first = client.get(path)
    assert first.status_code == 200 and first.headers["ETag"]
    assert profiles.get(dummy_agency.uscc, profiles.stamp(dummy_agency.uscc), "html") == first.data
    again = client.get(path)  # through the WSGI fast path: same bytes, same ETag
    assert again.data == first.data and again.headers["ETag"] == first.headers["ETag"]
    assert "Vary" in first.headers and "Vary" not in again.headers  # Flask never saw it
    profiles.clear()
    assert client.get(path).data == first.data  # a fresh rendering is identical

    update_agency(dummy_agency, {"address": "济源市改后的地址1号"}, clerk, dummy_agency.version)
    renewed = client.get(path)
    assert "济源市改后的地址1号" in renewed.get_data(as_text=True)
    assert renewed.headers["ETag"] != first.headers["ETag"]


def test_etag_gives_304_and_unknown_agency_404(client, dummy_agency):
    path = f"/agencies/{dummy_agency.uscc}"
    etag = client.get(path).headers["ETag"]
    assert client.get(path, headers={"If-None-Match": etag}).status_code == 304  # fast path
    profiles.clear()
    assert client.get(path, headers={"If-None-Match": etag}).status_code == 304  # Flask
    assert client.get("/agencies/91419001MA44XXXXXX").status_code == 404
    # a lower-case code is the same agency
    assert client.get(f"/agencies/{dummy_agency.uscc.lower()}").status_code == 200


def test_a_pending_flash_is_shown_to_its_visitor_only(app, client, dummy_agency):
    path = f"/agencies/{dummy_agency.uscc}"
    with client.session_transaction() as session:
        session["_flashes"] = [("info", "您的申请已提交（仅本人可见）")]
    own = client.get(path).get_data(as_text=True)
    assert "您的申请已提交（仅本人可见）" in own
    other = app.test_client().get(path).get_data(as_text=True)
    assert "您的申请已提交" not in other


def test_security_headers_on_flask_and_fast_path_responses(client, dummy_agency):
    path = f"/agencies/{dummy_agency.uscc}"
    for response in (client.get("/"), client.get(path), client.get(path),
                     client.get(f"/api/v1/agencies/{dummy_agency.uscc}"),
                     client.get(f"/api/v1/agencies/{dummy_agency.uscc}")):
        for name, value in SECURITY_HEADERS:
            assert response.headers.get(name) == value, (response.request.path, name)
