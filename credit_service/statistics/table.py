"""The rows of 附件2 劳务中介专项整治行动量化统计表, in the order and wording of the 2021 plan.

Each row says whether the service computes it (and by which definition) or staff enter it
(industry-association figures the service does not hold). The wording is copied from the
plan as printed, including its unclosed parenthesis in the 重点地区 row.
"""

from __future__ import annotations

from dataclasses import dataclass

TITLE = "劳务中介专项整治行动量化统计表"
FILLER_LABEL = "填报单位（盖章）："
HEADERS = ("一级指标", "二级指标", "基本情况")


@dataclass(frozen=True)
class RowDef:
    code: str
    label: str  # may contain {report_year}
    computed: bool
    definition: str  # computed: the query in words; entered: what to enter
    unit: str = ""  # entered numeric rows: unit shown after the number; "" = free text

    def label_for(self, report_year: int) -> str:
        return self.label.format(report_year=report_year)


@dataclass(frozen=True)
class GroupDef:
    code: str
    label: str
    rows: tuple[RowDef, ...]


_KIND_NOTE = ("“人力资源服务机构”指经营职业中介或其他人力资源服务的机构，“劳务派遣单位”指经营劳务派遣的机构；"
              "兼营两类业务的机构在两类中分别计数")

GROUPS: tuple[GroupDef, ...] = (
    GroupDef("market", "加强人力资源市场监管情况", (
        RowDef("agencies_by_kind", "本辖区现有人力资源服务机构/劳务派遣单位数量", True,
               "统计期末（截止日）前成立、当前状态为“存续”的机构数（系统不记录注销日期，"
               "已注销机构不计）；" + _KIND_NOTE),
        RowDef("annual_reports_publicised",
               "{report_year}年年度报告公示覆盖人力资源服务机构/劳务派遣单位数量", True,
               "年度报告年份为统计期开始年份的上一年、且“已公示”的机构数；" + _KIND_NOTE),
        RowDef("rebate_agencies", "存在“返费”情况的人力资源服务机构/劳务派遣单位数量", True,
               "统计期内提交、自查结果为“存在返费情况”的机构，与统计期内作出决定、已确认的"
               "“以返费等方式哄抬或操纵人力资源市场价格”失信记录所涉机构的并集（按机构去重）；"
               + _KIND_NOTE),
        RowDef("random_checks", "“双随机一公开”检查人力资源服务机构/劳务派遣单位数量", True,
               "双随机抽查对象中检查日期在统计期内、已录入检查结果的机构数（按机构去重）；"
               + _KIND_NOTE),
    )),
    GroupDef("enforcement", "开展清理整顿人力资源市场秩序专项执法行动情况", (
        RowDef("national_campaign",
               "全国统一组织开展的清理整顿人力资源市场秩序专项执法行动情况（按照《人力资源社会保障部"
               "和市场监管总局关于开展清理整顿人力资源市场秩序专项执法行动的通知》要求填报）", True,
               "统计期内登记的“全国统一清理整顿专项执法行动”记录：次数、检查机构家次合计、查处案件数合计"),
        RowDef("key_period_enforcement",
               "重点地区重点时段劳务中介用工服务监察执法情况（参照《人力资源社会保障部和市场监管总局"
               "关于开展清理整顿人力资源市场秩序专项执法行动的通知》要求填报", True,
               "统计期内登记的“重点地区重点时段监察执法”记录：次数、检查机构家次合计、查处案件数合计"),
        RowDef("employer_guidance", "指导和督促企业依法规范用工次数", True,
               "统计期内登记的“指导和督促企业依法规范用工”记录条数"),
    )),
    GroupDef("lists", "建立实施“红黑名单”制度情况", (
        RowDef("red_list_system", "是否建立本地区人力资源服务机构诚信服务示范机构管理制度", True,
               "本服务运行诚信服务示范机构名单（推荐、公示、认定、公布、到期、撤销），故为“是”"),
        RowDef("red_list_counts", "省级、市级诚信服务示范机构数量", True,
               "统计期内任一日有效的省级、市级“诚信服务示范机构”守信记录所涉机构数（授予日不晚于"
               "截止日；有效期至为空或不早于开始日；未撤销或撤销日晚于开始日）"),
        RowDef("black_list_system", "是否建立本地区人力资源服务机构严重违法失信管理制度", True,
               "本服务运行严重违法失信名单（告知、异议、决定、公布、移出，人社部令第45号），故为“是”"),
        RowDef("black_list_count", "严重违法失信名单数量", True,
               "统计期内任一日处于公布状态的严重违法失信名单条目所涉机构数（公布日不晚于截止日，"
               "未移出或移出日不早于开始日；撤回、撤销、不予列入的不计）"),
    )),
    GroupDef("associations", "充分发挥行业协会作用情况", (
        RowDef("association_count", "参与劳务中介专项整治行动行业协会数量", False,
               "人工填报：参与专项整治行动的行业协会个数", unit="个"),
        RowDef("association_norms", "行业协会发布行业自律规范或倡议书情况", False,
               "人工填报：文字说明（规范或倡议书名称、发布时间）"),
        RowDef("association_trainings", "行业协会组织培训班次", False,
               "人工填报：培训班次", unit="班次"),
        RowDef("association_trainees", "行业协会培训人力资源服务从业人员人次", False,
               "人工填报：培训人次", unit="人次"),
    )),
)

ROWS: dict[str, RowDef] = {row.code: row for group in GROUPS for row in group.rows}
ENTERED_ROWS = tuple(code for code, row in ROWS.items() if not row.computed)
