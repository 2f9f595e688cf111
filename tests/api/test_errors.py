"""Uniform JSON errors for everything a client can get wrong (SPEC.md §7)."""

from __future__ import annotations

from tests.api.conftest import assert_error


def test_unknown_api_route_is_json_404(api):
    assert_error(api.get("/no-such-thing"), 404)


def test_wrong_method_is_json_405_with_allow(api):
    response = api.raw("DELETE", "/lists/black")
    assert_error(response, 405)
    assert "GET" in response.headers["Allow"]


def test_malformed_json_is_400(api, clerk, bearer):
    response = api.raw("POST", "/agencies", data=b'{"name": ', headers=bearer(clerk),
                       content_type="application/json")
    body = assert_error(response, 400, "body")
    assert body["errors"]["body"] == ["请求体不是合法的 JSON"]


def test_deeply_nested_json_is_400_not_500(api, clerk, bearer):
    response = api.raw("POST", "/agencies", data=b"[" * 100_000, headers=bearer(clerk),
                       content_type="application/json")
    assert_error(response, 400)


def test_body_that_is_not_an_object_is_422(api, clerk, bearer):
    response = api.post("/agencies", json=[1, 2, 3], headers=bearer(clerk))
    assert_error(response, 422, "_schema")


def test_wrong_content_type_is_415(api, clerk, bearer):
    response = api.raw("POST", "/agencies", data="name=x", headers=bearer(clerk),
                       content_type="text/plain")
    assert_error(response, 415)


def test_huge_body_is_413(app, api, clerk, bearer):
    size = app.config["MAX_CONTENT_LENGTH"] + 1
    response = api.raw("POST", "/cases", data=b" " * size, content_type="application/json")
    assert_error(response, 413)


def test_json_body_over_the_api_limit_is_413_even_below_the_upload_limit(api):
    body = b'{"statement": "' + b"x" * (1024 * 1024) + b'"}'
    assert_error(api.raw("POST", "/cases", data=body, content_type="application/json"), 413)


def test_huge_multipart_upload_is_413(app, api, clerk, bearer):
    # The body is built by hand: the test client would spool a large upload to a temp file.
    size = app.config["MAX_CONTENT_LENGTH"] + 1
    body = (b"--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.csv\"\r\n"
            b"Content-Type: text/csv\r\n\r\n" + b"a" * size + b"\r\n--XyZ--\r\n")
    response = api.raw("POST", "/imports?kind=agencies", headers=bearer(clerk), data=body,
                       content_type="multipart/form-data; boundary=XyZ")
    assert_error(response, 413)


def test_nul_and_lone_surrogates_in_json_are_422_and_echoed_safely(api):
    body = b'{"applicant_name": "a\\u0000b", "\\udafa": 1, "statement": "\\ud800x"}'
    response = api.raw("POST", "/cases", data=body,
                       content_type="application/json")
    payload = assert_error(response, 422, "applicant_name", "statement")
    assert "\ufffd" in payload["errors"]


def test_missing_and_unknown_fields_and_wrong_types_are_422_in_chinese(api, clerk, bearer):
    response = api.post("/agencies", json={"name": 12, "surprise": True,
                                           "established_on": "yesterday"},
                        headers=bearer(clerk))
    body = assert_error(response, 422, "name", "surprise", "established_on", "uscc", "kinds")
    assert body["errors"]["uscc"] == ["该字段为必填项"]
    assert body["errors"]["surprise"] == ["不允许的字段"]


def test_invalid_uscc_in_body_names_the_reason(api, clerk, bearer):
    response = api.post("/agencies", json={"uscc": "91419001MA4000000X"}, headers=bearer(clerk))
    body = assert_error(response, 422, "uscc")
    assert "校验位" in body["errors"]["uscc"][0]


def test_invalid_uscc_in_path_is_422_and_unknown_valid_uscc_is_404(api):
    body = assert_error(api.get("/agencies/NOT-A-CODE"), 422, "uscc")
    assert "18位" in body["errors"]["uscc"][0]
    assert_error(api.get("/agencies/91419001MA4000000C"), 404)


def test_unknown_enum_value_lists_the_choices(api):
    body = assert_error(api.get("/agencies?grade=Z"), 422, "grade")
    assert "A+" in body["errors"]["grade"][0]


def test_pagination_bounds_are_422(api):
    assert_error(api.get("/lists/black?per_page=1000"), 422, "per_page")
    assert_error(api.get("/lists/black?page=0"), 422, "page")
    assert_error(api.get("/lists/black?page=abc"), 422, "page")


def test_control_characters_are_refused(api):
    assert_error(api.get("/agencies?q=%00abc"), 422, "q")


def test_huge_integer_path_ids_are_404(api, reviewer, bearer):
    assert_error(api.post("/records/99999999999999999999/confirm", json={},
                          headers=bearer(reviewer)), 404)
