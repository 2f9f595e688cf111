"""Staff: propose black/red list entries and move them through their procedure steps."""

from __future__ import annotations

from flask.views import MethodView

from credit_service.api import presenters
from credit_service.api.auth import staff_only
from credit_service.api.base import ApiBlueprint, agency_by_uscc, get_or_404, id_path_parameter
from credit_service.api.errors import ErrorSchema
from credit_service.api.schemas import ListingCreateIn, ListingEventIn, StaffListing
from credit_service.auth.permissions import Capability
from credit_service.core.web import today_local
from credit_service.lists.models import Listing
from credit_service.lists.services import apply_listing_event, propose_listing

blp = ApiBlueprint("listings", __name__, tag="名单程序",
                   description="拟列入/推荐，以及告知、异议、决定、公布、移出、撤销、撤回等步骤")


@blp.route("/listings")
class Listings(MethodView):
    @staff_only(blp, Capability.ENTER)
    @blp.arguments(ListingCreateIn)
    @blp.response(201, StaffListing)
    @blp.alt_response(404, schema=ErrorSchema, description="未找到该机构")
    @blp.alt_response(409, schema=ErrorSchema, description="该机构已有进行中或有效的同类条目")
    def post(self, data):
        """提出拟列入黑名单或推荐红名单（红名单须符合认定条件）"""
        agency = agency_by_uscc(data.pop("uscc"))
        list_kind = data.pop("list_kind")
        return propose_listing(agency, list_kind, data, presenters.actor()), 201


@blp.route("/listings/<int:listing_id>/events",
           parameters=[id_path_parameter("listing_id", "名单条目")])
class ListingEvents(MethodView):
    @staff_only(blp, Capability.ENTER)
    @blp.arguments(ListingEventIn)
    @blp.response(200, StaffListing)
    @blp.alt_response(404, schema=ErrorSchema, description="未找到该名单条目")
    @blp.alt_response(409, schema=ErrorSchema,
                      description="当前状态不允许该步骤、期限未届满，或版本已过期")
    def post(self, data, listing_id):
        """执行名单程序的一个步骤

        黑名单：notify 送达告知书 → object 登记异议（可选）→ decide 列入决定（须由提出人以外
        的审核员作出）→ publish 公布 → remove 移出；另有 withdraw 撤回、not_list 不予列入、
        revoke 撤销、early_remove 提前移出、reverse_removal 恢复列入。红名单：notify（=公示）
        → decide（=认定）→ publish → remove（=期满）；revoke、withdraw。
        """
        listing = get_or_404(Listing, listing_id, "名单条目")
        extra = {k: data[k] for k in ("corrected_on", "commitment_received_on") if k in data}
        apply_listing_event(
            listing, data["action"], presenters.actor(),
            on=data.get("date") or today_local(),
            document_number=data.get("document_number"),
            reasons=data.get("reasons"),
            expected_version=data.get("version"),
            **extra,
        )
        return listing
