"""Invented supervision for the sample directory: an inspector pool, two 双随机 rounds a year
drawn by the real algorithm from made-up lottery numbers, their results (some orders to rectify,
the odd 不合格, the latest round only partly recorded) and a few complaint and special checks.

It draws from its own random stream, so the sample's registry and history for a seed are the
same as without it."""

from __future__ import annotations

import datetime as dt
import random

from ..model import Registry
from . import draw as rfc
from .records import Draw, Inspection, Inspector, Supervision, candidates, filed_as_day_began
from .schema import CLEAR, COMPLAINT, DRAWN, FAILED, RECTIFIED, RECTIFY, SPECIAL

SURNAMES = "王 李 张 刘 陈 杨 黄 赵 吴 周 徐 孙 马 朱 胡 郭 何 林".split()
GIVEN = "敏 强 丽 杰 磊 静 军 洋 勇 艳 娟 涛 明 超 霞 平 刚 华 芳 伟".split()
UNITS = ("市职业技能鉴定中心", "浦东新区人力资源和社会保障局", "徐汇区人力资源和社会保障局", "闵行区人力资源和社会保障局",
         "市人力资源和社会保障局职业能力建设处")
FINDINGS = {
    "JC-01": "个别考生的评价等级超出备案范围", "JC-02": "部分评价批次缺少视频监控存档", "JC-03": "发现由合作方代为组织考核",
    "JC-04": "质量督导记录不完整", "JC-05": "考评员回避记录缺失", "JC-06": "考场视频监控存储期限不足",
    "JC-07": "证书信息未按时报送", "JC-08": "收费标准未公示",
}
RESULT_WEIGHTS = ((CLEAR, 70), (RECTIFY, 22), (FAILED, 8))
POOL_SIZE = 14
RATIO, FOCUS_RATIO, MINIMUM = rfc.parse_ratio("5%"), rfc.parse_ratio("20%"), 3


class SupervisionSample:
    def __init__(self, registry: Registry, seed: int, anchor: dt.date):
        self.registry = registry
        self.rng = random.Random(f"mulu-supervision-{seed}")  # not the registry's stream
        self.anchor = anchor
        self.supervision = Supervision(items={code: None for code in FINDINGS})
        self.documents = 0

    def document(self, day: dt.date) -> str:
        self.documents += 1
        return f"沪职鉴督〔{day.year}〕{self.documents}号"

    def pool(self) -> None:
        rng, names = self.rng, set()
        filed = [code for code, org in self.registry.organisations.items() if org.status == "已备案"]
        while len(names) < POOL_SIZE:
            names.add(rng.choice(SURNAMES) + rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.4 else ""))
        for number, name in enumerate(sorted(names), start=1):
            excluded = tuple(sorted(rng.sample(filed, 2))) if filed and rng.random() < 0.25 else ()
            inspector = Inspector(0, f"JC{number:03d}", name, rng.choice(UNITS), excluded)
            self.supervision.inspectors[inspector.id] = inspector

    def inspect(self, round_name: str, kind: str, code: str, day: dt.date, team: tuple[str, ...]) -> None:
        """One inspection of ``code`` and, for an order to rectify, its completion if due by the anchor."""
        rng = self.rng
        org = self.registry.organisations[code]
        if day > self.anchor or not filed_as_day_began(org, day):
            return
        items = tuple(sorted(rng.sample(list(FINDINGS), rng.randint(2, 4))))
        result = rng.choices([r for r, _ in RESULT_WEIGHTS], [w for _, w in RESULT_WEIGHTS])[0]
        note = FINDINGS[rng.choice(items)] if result in (RECTIFY, FAILED) else ""
        deadline = day + dt.timedelta(days=30) if result == RECTIFY else None
        self.add(Inspection(0, round_name, code, kind, items, day, result, deadline, team, self.document(day), note))
        done = day + dt.timedelta(days=rng.randint(12, 28))
        if result == RECTIFY and done <= self.anchor and filed_as_day_began(org, done):
            self.add(Inspection(0, round_name, code, kind, items[:1], done, RECTIFIED, None, team, self.document(done), "已按期整改"))

    def add(self, inspection: Inspection) -> None:
        self.supervision.inspections.append(inspection)

    def draw(self, round_name: str, day: dt.date, focus: bool, recorded: float) -> None:
        rng = self.rng
        reds = sorted(rng.sample(range(1, 34), 6))
        issue = f"{day.year}{(day - dt.date(day.year, 1, 1)).days * 3 // 7:03d}"  # three draws a week
        beacon = f"{issue} / {' '.join(f'{n:02d}' for n in reds)} / {rng.randint(1, 16):02d}"
        source = f"示例（虚构）：福利彩票双色球第 {issue} 期开奖号码，{day - dt.timedelta(days=2)} 晚开奖后公布"
        pool = candidates(self.registry, self.supervision, day, focus)
        focus_ratio = FOCUS_RATIO if focus else None
        outcome = rfc.run_draw(beacon, pool, RATIO, MINIMUM, focus_ratio)
        self.supervision.draws.append(Draw.made(round_name, day, rfc.canonical_beacon(beacon), source, RATIO, MINIMUM,
                                                focus_ratio, pool, self.supervision.inspectors, outcome))
        for code, team in zip(outcome.focus_picks + outcome.picks, outcome.inspectors):
            if rng.random() < recorded:
                self.inspect(round_name, DRAWN, code, day + dt.timedelta(days=rng.randint(7, 40)), team)

    def other_check(self, round_name: str, kind: str, day: dt.date) -> None:
        filed = [code for code, org in self.registry.organisations.items() if filed_as_day_began(org, day)]
        code = self.rng.choice(filed)
        allowed = [i.id for i in self.supervision.inspectors.values() if code not in i.excluded]
        self.inspect(round_name, kind, code, day, tuple(sorted(self.rng.sample(allowed, 2))))

    def generate(self) -> Supervision:
        self.pool()
        year = self.anchor.year
        rounds = [(f"{y}-双随机-{n}", dt.date(y, month, 15)) for y in (year - 1, year) for n, month in ((1, 4), (2, 10))]
        rounds = [(name, day) for name, day in rounds if day < self.anchor]
        for index, (name, day) in enumerate(rounds):
            if index:  # between two draws: a complaint and a special check
                self.other_check(f"{day.year}-投诉-{index}", COMPLAINT, day - dt.timedelta(days=60))
                self.other_check(f"{day.year}-专项-{index}", SPECIAL, day - dt.timedelta(days=45))
            self.draw(name, day, focus=index > 0, recorded=1.0 if index < len(rounds) - 1 else 0.5)
        self.supervision.inspections.sort(key=lambda i: i.date)
        return self.supervision


def generate_supervision(registry: Registry, seed: int, anchor: dt.date) -> Supervision:
    """An invented supervision record for a generated registry (see the module's text)."""
    return SupervisionSample(registry, seed, anchor).generate()
