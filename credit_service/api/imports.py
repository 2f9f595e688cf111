"""Staff: bulk imports of agencies or records from CSV/XLSX (all-or-nothing)."""

from __future__ import annotations

from credit_service.api.base import ApiBlueprint

blp = ApiBlueprint("imports", __name__, tag="批量导入",
                   description="CSV/XLSX 批量导入机构或失信记录：先校验预览，全部通过才写入")
