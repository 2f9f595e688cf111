"""The change feed: Atom with stable ids, and ``changes_since`` for the JSON API."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET

from credit_service.core.enums import ChangeKind
from credit_service.feed.services import changes_since, record_change

ATOM = "{http://www.w3.org/2005/Atom}"


def test_atom_feed_has_stable_ids_and_escapes(client, db, world):
    hostile = world["hostile"]
    record_change(ChangeKind.GRADE_CHANGED, subject=f"agency:{hostile.id}",
                  title=f"{hostile.name} 信用等级由 B 变为 C", agency=hostile)
    db.session.flush()
    first = client.get("/feed.atom").data
    root = ET.fromstring(first)  # well-formed despite the hostile name
    ids = [e.find(f"{ATOM}id").text for e in root.findall(f"{ATOM}entry")]
    assert len(ids) == 2 and all(i.startswith("tag:localhost,2026:change/") for i in ids)
    titles = [e.find(f"{ATOM}title").text for e in root.findall(f"{ATOM}entry")]
    assert any(hostile.name in t for t in titles)
    record_change(ChangeKind.REMOVED, subject="listing:x", title="移出", agency=world["bad"])
    db.session.flush()
    again = ET.fromstring(client.get("/feed.atom").data)
    ids_again = [e.find(f"{ATOM}id").text for e in again.findall(f"{ATOM}entry")]
    assert set(ids) <= set(ids_again) and len(ids_again) == 3


def test_changes_since(db, world):
    everything = changes_since(None, 100)
    assert [e.kind for e in everything] == [ChangeKind.LISTED]
    later = everything[-1].occurred_at + dt.timedelta(seconds=1)
    assert changes_since(later, 100) == []
    assert changes_since(dt.datetime(2000, 1, 1), 100) == everything
