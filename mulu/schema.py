"""The columns of ``registry.csv`` and ``history.csv``: names, Chinese titles, types.

Everything that lists columns (the validator, the writers, the downloads' headers, the Table
Schema in ``datapackage.json`` and the format document's test) reads them from here.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Column:
    name: str
    title: str  # 中文名
    type: str = "string"  # Table Schema type
    required: bool = False
    description: str = ""


REGISTRY_COLUMNS: tuple[Column, ...] = (
    Column("credit_code", "统一社会信用代码", required=True,
           description="18 位统一社会信用代码（GB 32100-2015），机构的主键与网址"),
    Column("name", "机构名称", required=True, description="机构全称"),
    Column("org_type", "机构类型", required=True, description="企业、行业协会、职业院校或其他"),
    Column("scope", "备案类型", required=True, description="本市遴选或属地备案"),
    Column("filing_no", "备案编号", description="S + 4 位机构代码 + 2 位省份代码 + 6 位顺序号；公示中为空"),
    Column("district", "所在区", required=True, description="机构所在的区"),
    Column("address", "地址", required=True, description="办公地址"),
    Column("phone", "联系电话", required=True, description="固定电话或手机号"),
    Column("website", "网址", description="http:// 或 https:// 开头，可空"),
    Column("occupations", "评价职业(工种)及等级", required=True,
           description="以 ; 分隔的「代码 名称:等级」，如 6-31-01-03 电工:5-3"),
    Column("valid_from", "备案有效期起", "date", description="公示中为空"),
    Column("valid_until", "备案有效期止", "date", description="公示中为空"),
    Column("notice_from", "公示开始日期", "date", required=True),
    Column("notice_until", "公示结束日期", "date", required=True),
    Column("status", "状态", required=True, description="公示中、已备案或已移出"),
    Column("status_note", "说明", description="已移出时必填：原因及文号"),
    Column("updated", "更新日期", "date", required=True),
)

HISTORY_COLUMNS: tuple[Column, ...] = (
    Column("date", "日期", "date", required=True),
    Column("credit_code", "统一社会信用代码", required=True),
    Column("event", "事项", required=True, description="公示、备案、变更、延续、移出或更正"),
    Column("occupations", "事项后的评价职业(工种)及等级"),
    Column("valid_from", "事项后的备案有效期起", "date"),
    Column("valid_until", "事项后的备案有效期止", "date"),
    Column("status", "事项后的状态", required=True),
    Column("document", "文号"),
    Column("note", "备注"),
)

REGISTRY_FIELDS = tuple(c.name for c in REGISTRY_COLUMNS)
HISTORY_FIELDS = tuple(c.name for c in HISTORY_COLUMNS)

ORG_TYPES = ("企业", "行业协会", "职业院校", "其他")
SCOPES = ("本市遴选", "属地备案")
# registry.csv's status column: where filing has left the organisation.
NOTICE, FILED, REMOVED = "公示中", "已备案", "已移出"
STATUSES = (NOTICE, FILED, REMOVED)
EVENTS = ("公示", "备案", "变更", "延续", "移出", "更正")
