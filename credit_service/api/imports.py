"""Staff: bulk imports of agencies or records from CSV/XLSX (all-or-nothing)."""

from __future__ import annotations

from flask.views import MethodView
from flask_smorest.fields import Upload

from credit_service.api import fields as f
from credit_service.api import presenters
from credit_service.api.auth import staff_only
from credit_service.api.base import ApiBlueprint
from credit_service.api.errors import ErrorSchema
from credit_service.api.schemas import ImportIn, ImportResult
from credit_service.auth.permissions import Capability

blp = ApiBlueprint("imports", __name__, tag="批量导入",
                   description="CSV/XLSX 批量导入机构或失信记录：先校验预览，全部通过才写入")

MAX_IMPORT_BYTES = 5 * 1024 * 1024


class ImportFile(f.ChineseSchema):
    file = Upload(required=True, metadata={"description": "CSV（UTF-8，首行为表头）或 XLSX 文件"},
                  error_messages=f.BASE_MESSAGES)


@blp.route("/imports")
class Imports(MethodView):
    @staff_only(blp, Capability.ENTER)
    @blp.arguments(ImportIn, location="query", as_kwargs=True)
    @blp.arguments(ImportFile, location="files", as_kwargs=True)
    @blp.response(201, ImportResult, description="已全部写入")
    @blp.alt_response(200, schema=ImportResult, success=True,
                      description="dry_run：校验通过的预览，未写入")
    @blp.alt_response(422, schema=ErrorSchema,
                      description="文件有错误，未写入任何数据；errors 按“第N行.字段”列出")
    def post(self, kind, dry_run, file):
        """批量导入（录入员及以上）：全部行通过校验才写入，否则一行也不写入"""
        return presenters.run_import(kind, file, dry_run=dry_run, actor=presenters.actor())
