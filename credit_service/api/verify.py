"""``/api/v1/verify/<code>``: is a document ours, what is it, is its content still current."""

from __future__ import annotations

from flask.views import MethodView

from credit_service.api import presenters
from credit_service.api.base import ApiBlueprint
from credit_service.api.errors import ErrorSchema
from credit_service.api.schemas import PublicVerification

blp = ApiBlueprint("verify", __name__, tag="文件核验",
                   description="核验本系统生成的 PDF 和公开文件（文件上的核验码）")


@blp.route("/verify/<code>", parameters=[{
    "in": "path", "name": "code", "required": True, "description": "文件上的核验码",
    "schema": {"type": "string", "pattern": "^[0-9A-Za-z]{1,32}$"}}])
class Verify(MethodView):
    @blp.etag
    @blp.response(200, PublicVerification)
    @blp.alt_response(404, schema=ErrorSchema, description="核验码不存在：不是本系统签发的文件")
    def get(self, code):
        """核验文件：真伪、文件是什么、生成时间、SHA-256，以及内容是否仍为最新"""
        return presenters.verification(code)
