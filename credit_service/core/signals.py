"""Domain signals (blinker), sent synchronously inside the writer's transaction.

Senders: the records services. Receivers: e.g. the lists feature opens a red-list
revocation proposal when a violation is confirmed (SPEC.md §5.2). Receivers must
not commit; they run inside the sender's ``@transactional`` boundary.
"""

from blinker import Namespace

_signals = Namespace()

#: sender=record (a confirmed Record), kwargs: actor
record_confirmed = _signals.signal("record-confirmed")
#: sender=record, kwargs: actor, overturned (bool) — the underlying decision was revoked
record_revoked = _signals.signal("record-revoked")
#: sender=record, kwargs: actor
record_repaired = _signals.signal("record-repaired")
#: sender=agency, kwargs: actor — anything else in the agency's file changed
agency_file_changed = _signals.signal("agency-file-changed")
