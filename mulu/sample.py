"""A deterministic generator of realistic, fictional registries and their histories.

The same seed and anchor date always give the same files, so the shipped sample, the tests and
the benchmarks can all be reproduced. Every organisation is invented; credit codes are valid in
form only.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from . import codes
from .dates import add_working_days, add_years, term_end
from .grants import Grant, format_occupations
from .reference import Reference
from .schema import FILED, NOTICE, REGISTRY_FIELDS, REMOVED

ANCHOR = dt.date(2026, 11, 27)  # the day the sample's statuses are arranged around

# Occupations that training organisations commonly evaluate; drawn more often than the rest.
POPULAR = (
    "6-31-01-03", "4-10-01-05", "4-10-01-03", "4-03-02-01", "4-03-02-03", "4-03-02-02",
    "4-03-02-04", "4-10-03-01", "4-10-03-02", "4-10-01-06", "6-18-02-04", "6-18-01-01",
    "6-18-01-02", "4-12-01-01", "4-04-05-01", "4-04-04-02", "4-01-06-01", "4-14-02-02",
    "4-10-04-02", "4-03-02-07", "4-03-02-10", "4-09-10-05", "4-07-03-04", "4-02-06-03",
    "4-07-05-01", "4-07-05-03", "6-29-03-03", "6-29-03-05", "4-01-06-02", "4-04-05-03",
    "4-03-01-02", "4-03-02-05", "6-31-07-03", "6-31-07-01", "6-31-03-01", "4-09-10-01",
    "4-10-01-01", "4-06-01-04", "4-08-08-23", "4-02-04-06", "4-04-05-05", "6-20-01-01",
    "6-31-01-02", "4-04-04-01", "6-22-02-01", "4-12-03-01",
)
WORK_TYPES = {"6-31-01-03": ("维修电工", "安装电工"), "6-18-02-04": ("电焊工", "气焊工")}
WORDS = "华东 申江 浦江 新沪 东方 海上 金桥 长三角 锦程 恒信 博远 德技 匠心 启航 明德 卓越 瑞丰 鼎新 嘉禾 同济 致远 汇智 宏达 正元 立信 和信 荣昌 天成 精诚 宝联 远航 新纪元 鸿图 安泰 晨光 文华 沪联 江南 东海 融通 捷成 永盛 福瑞 崇德 敬业 乐业 众智 泰和 申通 华夏 中兴 新华 光华 云帆 星火 百川 金石 创达".split()
TRADES = "职业技能培训 教育科技 人力资源 餐饮管理 家政服务 养老服务 健康管理 汽车服务 机电技术 信息技术 物业管理 美容美发 安全技术 智能制造 建设工程 电力技术 酒店管理 文化传播".split()
COMPANY_SUFFIXES = ("有限公司", "股份有限公司", "集团有限公司")
ASSOCIATION_TRADES = "养老服务 烹饪餐饮 家庭服务 美发美容 汽车维修 电力 焊接 信息化 物业管理 保安服务 茶叶 花卉 人力资源服务 物流 建筑施工 电梯 制冷 机器人 电子商务 旅游饭店 健康服务 安全生产 化工 园林".split()
SCHOOL_KINDS = ("职业技术学院", "技师学院", "高级技工学校", "中等职业学校", "工业技术学校")
OTHER_KINDS = ("职业技能评价中心", "职业技能培训中心", "技能人才发展中心")
ROADS = "中山 淮海 南京 延安 四川 复兴 建国 肇嘉浜 漕溪 虹桥 张杨 世纪 龙阳 浦东 长寿 武宁 曹杨 大连 四平 江湾 沪太 共和新 曹安 嘉松 银都 莘庄 人民 新松江 城中 公园 环城 朝阳 百联".split()
OTHER_PROVINCES = ("11", "32", "33", "37", "42", "44", "51")
NON_BMP_NAME = "上海𠮷祥职业技能培训有限公司"  # 𠮷 (U+20BB7) is outside the BMP
REMOVAL_REASONS = (
    "超出备案范围开展评价", "评价过程弄虚作假", "违规委托其他机构评价", "连续两次质量督导不合格", "机构主动申请退出",
)
GB11714 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
GB11714_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


def organisation_code(rng: random.Random) -> str:
    """A 9-character 组织机构代码 with its GB 11714 check character."""
    body = "".join(rng.choice("0123456789") for _ in range(8))
    check = 11 - sum(GB11714.index(c) * w for c, w in zip(body, GB11714_WEIGHTS)) % 11
    return body + {10: "X", 11: "0"}.get(check, str(check))


def credit_code(rng: random.Random, prefix: str, region: str) -> str:
    first17 = prefix + region + organisation_code(rng)
    return first17 + codes.uscc_check_char(first17)


@dataclass
class Life:
    """One organisation's invented history, built event by event."""

    row: dict[str, str]
    grants: list[Grant]
    events: list[dict[str, str]] = field(default_factory=list)

    def record(self, date: dt.date, event: str, document: str = "", note: str = "") -> None:
        self.row["occupations"] = format_occupations(self.grants)
        self.row["updated"] = date.isoformat()
        self.events.append({
            "date": date.isoformat(), "credit_code": self.row["credit_code"], "event": event,
            "occupations": self.row["occupations"], "valid_from": self.row["valid_from"],
            "valid_until": self.row["valid_until"], "status": self.row["status"],
            "document": document, "note": note,
        })


class SampleGenerator:
    def __init__(self, reference: Reference, settings: dict, seed: int, anchor: dt.date = ANCHOR):
        self.reference = reference
        self.settings = settings
        self.rng = random.Random(seed)
        self.anchor = anchor
        self.names: set[str] = set()
        self.codes: set[str] = set()
        self.documents = 0
        skill_majors = ("4", "5", "6")
        self.other_occupations = sorted(c for c, o in reference.occupations.items()
                                        if o.major_code in skill_majors and c not in POPULAR)

    # --- identity -----------------------------------------------------------------------
    def pick_type(self) -> str:
        return self.rng.choices(("企业", "行业协会", "职业院校", "其他"), weights=(55, 18, 22, 5))[0]

    def name(self, org_type: str, index: int) -> str:
        rng, city = self.rng, self.settings["MULU_CITY_SHORT"]
        if index == 7:
            return NON_BMP_NAME
        for attempt in range(1000):
            word = rng.choice(WORDS) + (rng.choice(WORDS) if attempt > 20 else "")
            if org_type == "企业":
                name = f"{city}{word}{rng.choice(TRADES)}{rng.choice(COMPANY_SUFFIXES)}"
            elif org_type == "行业协会":
                name = f"{city}市{rng.choice(ASSOCIATION_TRADES)}行业协会" if attempt < 3 else f"{city}市{word}{rng.choice(ASSOCIATION_TRADES)}协会"
            elif org_type == "职业院校":
                name = f"{city}{word}{rng.choice(SCHOOL_KINDS)}"
            else:
                name = f"{city}{word}{rng.choice(OTHER_KINDS)}"
            if name not in self.names:
                self.names.add(name)
                return name
        raise RuntimeError("sample generator ran out of names")

    def code(self, org_type: str, region: str) -> str:
        prefix = {"企业": "91", "行业协会": "51", "其他": "52"}.get(org_type) or self.rng.choice(("12", "52"))
        while True:
            code = credit_code(self.rng, prefix, region)
            if code not in self.codes:
                self.codes.add(code)
                return code

    def grants(self, count: int) -> list[Grant]:
        rng, chosen = self.rng, {}
        while len(chosen) < count:
            pool = POPULAR if rng.random() < 0.8 else self.other_occupations
            code = rng.choice(pool)
            occupation = self.reference.occupations[code]
            work = rng.choice(WORK_TYPES[code]) if code in WORK_TYPES and rng.random() < 0.4 else ""
            chosen[code] = Grant(code, occupation.title, work, self.levels())
        return list(chosen.values())

    def levels(self) -> tuple[int, ...]:
        low = self.rng.choice((5, 5, 5, 4, 4, 3))
        high = self.rng.randint(max(1, low - 4), low)
        if self.rng.random() < 0.07 and low - high >= 2:
            return (low, high)  # a list with a gap, like 4,2
        return tuple(range(low, high - 1, -1))

    def document(self, day: dt.date, kind: str = "沪人社职") -> str:
        self.documents += 1
        return f"{kind}〔{day.year}〕{self.documents % 300 + 1}号"

    # --- lives --------------------------------------------------------------------------
    def organisation(self, index: int) -> Life:
        rng = self.rng
        org_type = self.pick_type()
        district, district_code = rng.choice(list(self.reference.districts.items()))
        national = org_type != "职业院校" and rng.random() < 0.06
        region = (rng.choice(OTHER_PROVINCES) + "0000") if national else district_code
        code = self.code(org_type, region)
        row = {name: "" for name in REGISTRY_FIELDS}
        row.update(
            credit_code=code, name=self.name(org_type, index), org_type=org_type,
            scope="属地备案" if national else "本市遴选", district=district,
            address=f"{self.settings['MULU_CITY_NAME']}{district}{rng.choice(ROADS)}路{rng.randint(1, 2999)}号",
            phone=f"021-{rng.randint(5000, 6999)}{rng.randint(0, 9999):04d}" if rng.random() < 0.8 else f"1{rng.choice('3589')}{rng.randint(0, 999999999):09d}",
            website=f"https://www.{code[8:14].lower()}.org.cn" if rng.random() < 0.6 else "",
        )
        row["national_code"] = f"{rng.randint(1, 400):04d}" if national else codes.LOCAL_ORG_CODE
        return Life(row, self.grants(rng.choices((1, 2, 3, 4, 6), weights=(35, 30, 18, 12, 5))[0]))

    def notice(self, life: Life, start: dt.date) -> None:
        life.row.update(status=NOTICE, notice_from=start.isoformat(),
                        notice_until=add_working_days(start, self.settings["MULU_NOTICE_WORKING_DAYS"]).isoformat())
        life.record(start, "公示", note="材料审核通过，进入公示")

    def approve(self, life: Life, day: dt.date) -> None:
        term = self.settings["MULU_TERM_YEARS"]
        life.row.update(status=FILED, valid_from=day.isoformat(),
                        valid_until=term_end(day, term).isoformat())
        life.record(day, "备案", self.document(day), "公示无异议，予以备案")

    def amend(self, life: Life, day: dt.date) -> None:
        if len(life.grants) > 1 and self.rng.random() < 0.4:
            dropped = life.grants.pop(self.rng.randrange(len(life.grants)))
            life.record(day, "变更", self.document(day, "沪职鉴"), f"减少评价项目：{dropped.title}")
        else:
            added = self.grants(1)[0]
            if all(g.code != added.code for g in life.grants):
                life.grants.append(added)
                life.record(day, "变更", self.document(day, "沪职鉴"), f"新增评价项目：{added.title}")

    def live(self, life: Life) -> None:
        """Walk one organisation through the process up to the anchor date."""
        rng, anchor = self.rng, self.anchor
        fate = rng.random()
        if fate < 0.07:  # under notice now
            self.notice(life, anchor - dt.timedelta(days=rng.randint(0, 6)))
            return
        start = anchor - dt.timedelta(days=rng.randint(60, 365 * 6))
        if fate < 0.12:  # expiring within the warning period
            start = anchor - dt.timedelta(days=365 * 3 - rng.randint(5, 80))
        self.notice(life, start)
        day = dt.date.fromisoformat(life.row["notice_until"]) + dt.timedelta(days=rng.randint(1, 20))
        self.approve(life, day)
        removal = fate > 0.92
        while True:
            until = dt.date.fromisoformat(life.row["valid_until"])
            step = dt.timedelta(days=rng.randint(90, 500))
            if day + step >= min(until, anchor):
                break
            day += step
            if removal and rng.random() < 0.5:
                break
            if rng.random() < 0.15:
                life.row["phone"] = f"021-{rng.randint(5000, 6999)}{rng.randint(0, 9999):04d}"
                life.record(day, "更正", note="更正联系电话")
            else:
                self.amend(life, day)
        if removal:
            day = min(day + dt.timedelta(days=rng.randint(10, 60)), anchor, until)
            reason = rng.choice(REMOVAL_REASONS)
            document = self.document(day)
            life.row.update(status=REMOVED, status_note=f"{reason}（{document}）")
            life.record(day, "移出", document, reason)
            return
        if until < anchor and rng.random() < 0.7 and fate >= 0.12:  # renewed before expiry
            renewal = max(day, until - dt.timedelta(days=rng.randint(10, 60)))
            life.row["valid_until"] = (add_years(until, self.settings["MULU_TERM_YEARS"])).isoformat()
            life.record(renewal, "延续", self.document(renewal), "期满延续备案")

    def generate(self, count: int) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
        lives = []
        for index in range(count):
            life = self.organisation(index)
            self.live(life)
            lives.append(life)
        self.assign_filing_numbers(lives)
        rows = sorted((life.row for life in lives), key=lambda r: r["credit_code"])
        events = sorted((e for life in lives for e in life.events), key=lambda e: (e["date"], e["credit_code"]))
        for row in rows:
            del row["national_code"]
        return rows, events

    def assign_filing_numbers(self, lives: list[Life]) -> None:
        """Numbers in order of approval, as the bureau hands them out."""
        filed = sorted((l for l in lives if l.row["status"] != NOTICE),
                       key=lambda l: (l.events[1]["date"], l.row["credit_code"]))
        for sequence, life in enumerate(filed, start=1):
            life.row["filing_no"] = f"S{life.row['national_code']}{self.settings['MULU_PROVINCE_CODE']}{sequence:06d}"


def generate(reference: Reference, settings: dict, orgs: int, seed: int, anchor: dt.date = ANCHOR):
    """``(registry rows, history rows)`` for ``orgs`` invented organisations."""
    return SampleGenerator(reference, settings, seed, anchor).generate(orgs)

