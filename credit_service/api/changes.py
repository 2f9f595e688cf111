"""``/api/v1/changes``: the public change feed as JSON (same entries as ``/feed.atom``)."""

from __future__ import annotations

import datetime as dt

from flask import current_app
from flask.views import MethodView
from sqlalchemy import select

from credit_service.api.base import ApiBlueprint
from credit_service.api.schemas import ChangesArgs, PublicChange
from credit_service.core.web import SHANGHAI
from credit_service.extensions import db
from credit_service.feed.models import ChangeEvent
from credit_service.feed.services import changes_since, entry_id

blp = ApiBlueprint("changes", __name__, tag="变化",
                   description="列入、移出名单，信用等级变化，社会公布发布；用于增量同步")


def change_uid(event) -> str:
    """The same tag URI as the Atom feed's entry id (the feed feature's ``entry_id``)."""
    host = current_app.config.get("PUBLIC_BASE_URL", "").rstrip("/").split("//")[-1].split("/")[0]
    return entry_id(event, host)


@blp.route("/changes")
class Changes(MethodView):
    @blp.etag
    @blp.arguments(ChangesArgs, location="query", as_kwargs=True)
    @blp.response(200, PublicChange(many=True))
    def get(self, limit, since=None, after_id=None):
        """变化列表（旧到新）

        不用 `page`/`per_page` 分页，也没有 `X-Pagination`：按编号逐批读取——每次最多 `limit`
        条，下一批以本批最大的 `id` 作为 `after_id`，返回空数组即已读完。也可用 `since`
        （时间）只取某时刻之后的变化。
        """
        if since is not None and since.tzinfo is None:
            since = since.replace(tzinfo=SHANGHAI)
        events = _changes(since, after_id, limit)
        for event in events:
            event.uid = change_uid(event)
        return events


def _changes(since: dt.datetime | None, after_id: int | None, limit: int):
    """By time: the feed feature's ``changes_since``. By id cursor (ids only grow, so no
    entry is skipped when two share a timestamp): read here."""
    if after_id is None:
        return changes_since(since, limit)
    statement = select(ChangeEvent).order_by(ChangeEvent.id).limit(limit)
    if since is not None:
        statement = statement.where(ChangeEvent.occurred_at > since)
    if after_id is not None:
        statement = statement.where(ChangeEvent.id > after_id)
    return list(db.session.scalars(statement))
