"""Vocabulary for plausible 济源示范区 demo data: names, places, facts.

Everything here is invented; any resemblance to a real business or person is accidental.
"""

from __future__ import annotations

BUREAU = "济源示范区人力资源和社会保障局"
AREA_CODE = "419001"

# 济源示范区: 5 街道 and 11 镇.
STREET_DISTRICTS = ["沁园街道", "济水街道", "北海街道", "天坛街道", "玉泉街道"]
TOWN_DISTRICTS = [
    "克井镇", "五龙口镇", "轵城镇", "承留镇", "梨林镇", "坡头镇",
    "大峪镇", "王屋镇", "思礼镇", "邵原镇", "下冶镇",
]
DISTRICTS = STREET_DISTRICTS + TOWN_DISTRICTS
# Most agencies sit in the city; weights follow that.
DISTRICT_WEIGHTS = [14, 14, 10, 9, 7] + [3, 3, 3, 3, 2, 1, 1, 1, 1, 1, 1]

CITY_ROADS = [
    "济水大街", "沁园路", "黄河大道", "天坛路", "宣化街", "汤帝路", "愚公路", "文昌路",
    "荆梁街", "北海大道", "玉川路", "御驾路", "学苑路", "建业大街", "怀府路", "济渎路",
    "世纪大道", "苗店路", "南环路", "太行路",
]
TOWN_PLACES = ["大街", "中心路", "工业园区", "商贸街", "人民路", "新区路"]
BUILDINGS = ["商务楼", "大厦", "人力资源产业园", "创业孵化园", "科技园", "综合楼"]

# 字号 (trade names) are built from two characters.
TRADE_CHARS_1 = list("鑫华众恒博安瑞天宏金聚嘉诚德汇信盛远泰丰优卓君联正佳荣新昌顺通")
TRADE_CHARS_2 = list("源宇诚信远泰丰成达盈和辉益邦创达程润祥景阳瑞锦茂豪鼎隆旺川航")
NAME_PREFIXES = ["济源", "济源市", "济源示范区", "河南"]
NAME_FORMS = [
    # (middle, suffix, kinds) — kinds the name suggests
    ("人力资源服务", "有限公司", ("job_agency",)),
    ("人力资源", "有限公司", ("job_agency", "other_hr")),
    ("劳务派遣", "有限公司", ("dispatch",)),
    ("劳务", "有限公司", ("dispatch", "job_agency")),
    ("职业介绍", "服务部", ("job_agency",)),
    ("人才服务", "有限公司", ("job_agency", "other_hr")),
    ("企业管理咨询", "有限公司", ("other_hr",)),
    ("人力资源外包服务", "有限公司", ("other_hr", "dispatch")),
    ("劳务服务", "有限公司", ("dispatch",)),
    ("就业服务", "中心", ("job_agency",)),
]

SURNAMES = list(
    "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董程曹袁邓许傅沈曾彭吕苏卢蒋"
    "蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟"
)
GIVEN_CHARS = list(
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰红建国志文斌辉鹏宇浩凯晨阳欣怡"
    "子涵梓萱佳琪思远雨婷建华卫东海燕春梅振宇晓东立新永刚国强"
)

MOBILE_PREFIXES = ["133", "135", "136", "137", "138", "139", "150", "151", "155", "158", "176", "186", "187", "189"]

ISSUER_HENAN = "河南省人力资源和社会保障厅"
ISSUER_MOHRSS = "人力资源社会保障部"

# Short factual summaries per catalog code (public text: no personal data).
FACTS = {
    "unlicensed_agency": [
        "未取得人力资源服务许可证，在{place}设点为求职人员介绍工作并收取中介费。",
        "许可证过期后继续以职业中介名义开展招聘、推荐业务。",
    ],
    "unfiled_service": [
        "开展人力资源外包服务未在15日内向人社部门备案。",
        "设立分支机构后未按规定向人社部门书面报告。",
    ],
    "unlicensed_dispatch": [
        "未取得劳务派遣经营许可证，向{n}家用工单位派遣劳动者{m}人。",
        "劳务派遣经营许可证有效期届满未延续，仍继续经营劳务派遣业务。",
    ],
    "dispatch_irregular": [
        "向用工单位派遣劳动者从事主营业务岗位，不符合临时性、辅助性、替代性要求。",
        "与用工单位串通使被派遣劳动者超过其用工总量的10%。",
    ],
    "fake_outsourcing": [
        "以业务外包名义与用工单位签订协议，实际由用工单位直接管理劳动者，属假外包真派遣。",
    ],
    "false_job_info": [
        "在网络招聘平台发布的岗位薪酬、工作地点与实际不符，误导求职者。",
        "发布“月薪过万、包吃包住”等不实招聘信息，实际岗位与宣传不符。",
    ],
    "discriminatory_job_info": [
        "招聘信息中含有“限男性”“限本地户籍”等歧视性内容。",
        "发布含有年龄、性别歧视性内容的招聘广告。",
    ],
    "rebate_price_manipulation": [
        "以高额“返费”为诱饵招揽求职者，扰乱本地用工市场价格。",
        "与其他中介联合抬高“返费”标准，哄抬人力资源市场价格。",
    ],
    "deposit_from_workers": [
        "以“服装费”“保证金”名义向{m}名求职者收取押金。",
        "以担保名义扣押劳动者身份证件并收取押金。",
    ],
    "annual_report_missing": [
        "未在规定期限内报送上一年度经营情况年度报告。",
    ],
    "obstructing_inspection": [
        "劳动保障监察人员依法检查时拒不提供用工台账，无理阻挠检查。",
    ],
    "wage_arrears": [
        "无故拖欠{m}名被派遣劳动者工资共计{amount}万元。",
        "克扣劳动者劳动报酬，经责令限期支付后仍未支付。",
    ],
    "licence_fraud": [
        "以提供虚假材料方式取得人力资源服务许可证。",
        "出租、出借劳务派遣经营许可证。",
    ],
    "criminal_liability": [
        "单位因拒不支付劳动报酬罪被依法追究刑事责任。",
    ],
    "child_labour": [
        "向用工单位介绍未满16周岁的未成年人务工。",
    ],
    "forced_labour": [
        "以扣押证件、限制人身自由方式强迫劳动者劳动。",
    ],
    "mass_incident": [
        "拖欠工资引发{m}余名劳动者聚集讨薪，造成不良社会影响。",
    ],
    "refusing_rectification": [
        "收到责令改正指令书后逾期拒不改正。",
        "拒不履行行政处罚决定。",
    ],
    "social_insurance_evasion": [
        "未依法为{m}名被派遣劳动者参加社会保险，情节严重。",
    ],
    "working_hours_violation": [
        "安排被派遣劳动者长期超时加班，且未支付加班费，情节严重。",
    ],
    "special_protection_violation": [
        "安排孕期女职工从事禁忌劳动，情节严重。",
    ],
    "labour_dispute_lost": [
        "与被派遣劳动者劳动争议仲裁案件中败诉，须支付经济补偿。",
    ],
}
GENERIC_FACTS = ["存在违反人力资源市场管理规定的行为，经查属实。"]
