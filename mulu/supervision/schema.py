"""The columns of the supervision files and their vocabularies. The validator, the writers, the
downloads' Table Schema and the format document's test all read them from here."""

from __future__ import annotations

import re

from ..schema import Column

ITEMS_FILE = "inspection-items.csv"  # in the reference folder
INSPECTORS_FILE = "inspectors.csv"  # these three beside registry.csv: staff commands write them
DRAWS_FILE = "draws.csv"  # together with it, all or nothing
INSPECTIONS_FILE = "inspections.csv"

ITEM_COLUMNS: tuple[Column, ...] = (
    Column("code", "事项编码", required=True, description="如 JC-01"),
    Column("item", "抽查事项", required=True),
    Column("basis", "检查依据", required=True),
    Column("method", "检查方式", required=True),
)

INSPECTOR_COLUMNS: tuple[Column, ...] = (
    Column("id", "人员编号", required=True, description="如 JC001；用过的编号不删除、不改作他人"),
    Column("name", "姓名", required=True),
    Column("unit", "工作单位", required=True),
    Column("excluded", "回避机构", description="不得检查的机构的统一社会信用代码，以 ; 分隔"),
)

DRAW_COLUMNS: tuple[Column, ...] = (
    Column("round", "批次", required=True, description="年份-双随机-序号，如 2026-双随机-2"),
    Column("date", "抽取日期", "date", required=True, description="按这一天已备案的机构抽取"),
    Column("beacon", "随机数", required=True, description="抽取前公布的公开随机数；来源之间以 / 分隔"),
    Column("beacon_source", "随机数来源", required=True, description="随机数由谁、何时、在何处公布"),
    Column("algorithm", "算法版本", required=True, description="RFC3797-mulu-1"),
    Column("ratio", "抽取比例", required=True, description="如 5%"),
    Column("minimum", "最少抽取数", "integer", required=True),
    Column("focus_ratio", "重点对象抽取比例", description="可空；两年内有不合格或投诉查实的机构按此比例另行抽取"),
    Column("eligible", "一般对象数", "integer", required=True),
    Column("eligible_sha256", "一般对象名单 SHA-256", required=True),
    Column("focus_eligible", "重点对象数", "integer", required=True),
    Column("focus_sha256", "重点对象名单 SHA-256", required=True),
    Column("inspector_pool", "检查人员名录库人数", "integer", required=True),
    Column("pool_sha256", "检查人员名录库 SHA-256", required=True),
    Column("focus_picks", "抽中的重点对象", description="统一社会信用代码，按抽中顺序，以 ; 分隔"),
    Column("picks", "抽中的一般对象", description="统一社会信用代码，按抽中顺序，以 ; 分隔"),
    Column("inspectors", "检查人员", required=True,
           description="依次为每个抽中机构（先重点对象）抽中的两名检查人员编号，如 JC003+JC011;JC002+JC007"),
)

INSPECTION_COLUMNS: tuple[Column, ...] = (
    Column("round", "批次", required=True, description="年份-类别-序号，类别为 双随机、专项、投诉 或 督导"),
    Column("credit_code", "统一社会信用代码", required=True),
    Column("kind", "检查类别", required=True, description="双随机抽查、专项检查、投诉核查或质量督导"),
    Column("items", "检查事项", required=True, description="事项编码，以 ; 分隔"),
    Column("date", "检查日期", "date", required=True),
    Column("result", "检查结果", required=True, description="未发现问题、责令整改、整改完成或不合格"),
    Column("deadline", "整改期限", "date", description="责令整改时必填"),
    Column("inspectors", "检查人员", required=True, description="检查人员编号，以 ; 分隔，至少两名"),
    Column("document", "文书编号", required=True, description="检查结果文书的编号，全表唯一"),
    Column("note", "说明", description="责令整改、不合格时必填：发现的问题"),
)

ITEM_FIELDS = tuple(c.name for c in ITEM_COLUMNS)
INSPECTOR_FIELDS = tuple(c.name for c in INSPECTOR_COLUMNS)
DRAW_FIELDS = tuple(c.name for c in DRAW_COLUMNS)
INSPECTION_FIELDS = tuple(c.name for c in INSPECTION_COLUMNS)

DRAWN, SPECIAL, COMPLAINT, QUALITY = KINDS = ("双随机抽查", "专项检查", "投诉核查", "质量督导")
ROUND_CATEGORY = dict(zip(KINDS, ("双随机", "专项", "投诉", "督导")))
CLEAR, RECTIFY, RECTIFIED, FAILED = RESULTS = ("未发现问题", "责令整改", "整改完成", "不合格")
ROUND_SHAPE = re.compile(r"(\d{4})-(双随机|专项|投诉|督导)-([1-9]\d*)")
INSPECTOR_ID = re.compile(r"[A-Z]{1,4}\d{2,6}")
ITEM_CODE = re.compile(r"[A-Z]{2}-\d{2}")
SHA256_SHAPE = re.compile(r"[0-9a-f]{64}")
# How a removal's note in history.csv cites the inspection that led to it.
CITATION = re.compile(r"依据检查：([^；]+)")
