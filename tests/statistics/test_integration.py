"""Contracts with features built alongside: documents.publish_pdf and grading ratios."""

from __future__ import annotations

import datetime as dt
import sys
import types

from credit_service.statistics import services


def test_pdf_goes_through_publish_pdf_when_present(app, monkeypatch):
    calls = {}

    class FakeDocument:
        content = b"%PDF-fake"

    def publish_pdf(**kwargs):
        calls.update(kwargs)
        return FakeDocument()

    fake = types.ModuleType("credit_service.documents.services")
    fake.publish_pdf = publish_pdf
    monkeypatch.setitem(sys.modules, "credit_service.documents.services", fake)
    table = services.build_table(dt.date(2021, 4, 1), dt.date(2021, 6, 15))
    with app.test_request_context():
        assert services.export_pdf(table, "济源") == b"%PDF-fake"
    assert calls["kind"] == "statistics_table.pdf"
    assert calls["key"] == "2021-04-01_2021-06-15"
    assert calls["fingerprint"] == table.fingerprint()
    assert "劳务中介专项整治行动量化统计表" in calls["html"]
    assert len(calls["summary"]["rows"]) == 15
    assert "entered_by" not in str(calls["summary"])


def test_ratios_switch_to_grading_service(monkeypatch):
    from credit_service.inspections import services as insp

    fake = types.ModuleType("credit_service.grading.services")
    fake.supervision_ratios = lambda as_of=None: {"A+": 0.1, "A": 0.1, "B": 0.2, "C": 0.5,
                                                   "D": 1.0}
    # [new_agency] supervised_as of the rule set decides the NEW ratio (not a fixed B)
    fake.active_ruleset = lambda as_of=None: {"new_agency": {"supervised_as": "C"}}
    monkeypatch.setitem(sys.modules, "credit_service.grading.services", fake)
    assert insp.supervision_ratios() == {"A+": 0.1, "A": 0.1, "B": 0.2, "C": 0.5, "D": 1.0,
                                         "NEW": 0.5}


def test_fingerprint_ignores_generation_time(app):
    a = services.build_table(dt.date(2021, 4, 1), dt.date(2021, 6, 15))
    b = services.build_table(dt.date(2021, 4, 1), dt.date(2021, 6, 15))
    assert a.fingerprint() == b.fingerprint()
