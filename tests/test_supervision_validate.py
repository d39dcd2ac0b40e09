"""Every rule of the supervision files, each reported at its file, row and column, all at once,
by the same validator ``invoke validate`` and every staff command use."""

from __future__ import annotations

import subprocess
import sys

from mulu.supervision.records import check_supervision
from mulu.supervision.schema import DRAW_FIELDS, INSPECTION_FIELDS, INSPECTOR_FIELDS
from mulu.validate import load_registry
from tests.registry_files import read_rows, write_rows
from tests.supervision_support import REFERENCE, ROOT, SETTINGS

ANCHOR_DAY = "2026-11-27"


def problems(supervised) -> list[str]:
    from mulu.sample import ANCHOR

    registry = load_registry(SETTINGS, ANCHOR, supervised / "registry.csv", supervised / "history.csv")
    return [str(p) for p in check_supervision(supervised, REFERENCE.folder, registry)[0]]


def edit(supervised, name: str, fields, index: int, **cells) -> int:
    """Change cells of row ``index`` (0 = the first after the header); returns its line."""
    rows = read_rows(supervised / name)
    rows[index].update(cells)
    write_rows(supervised / name, rows, fields)
    return index + 2


def inspections(supervised) -> list[dict[str, str]]:
    return read_rows(supervised / "inspections.csv")


def first(supervised, **wanted) -> int:
    return next(n for n, row in enumerate(inspections(supervised)) if all(row[k] == v for k, v in wanted.items()))


def test_the_generated_files_are_valid(supervised):
    assert problems(supervised) == []


def test_cell_rules_are_all_reported_at_once(supervised):
    kind_line = edit(supervised, "inspections.csv", INSPECTION_FIELDS, 0, kind="抽查")
    items_line = edit(supervised, "inspections.csv", INSPECTION_FIELDS, 1, items="JC-01;JC-99")
    date_line = edit(supervised, "inspections.csv", INSPECTION_FIELDS, 2, date="2026-02-30", result="良好")
    round_line = edit(supervised, "inspections.csv", INSPECTION_FIELDS, 3, round="2026-抽查-1", inspectors="JC001;jc2")
    id_line = edit(supervised, "inspectors.csv", INSPECTOR_FIELDS, 1, id="JC-2")
    ratio_line = edit(supervised, "draws.csv", DRAW_FIELDS, 0, ratio="五成", eligible_sha256="abc")
    assert problems(supervised) == [
        f"draws.csv:{ratio_line}:ratio: 比例「五成」无效，应写作百分数，如 5%",
        f"draws.csv:{ratio_line}:eligible_sha256: 「abc」不是 64 位小写十六进制的 SHA-256 值",
        f"inspections.csv:{kind_line}:kind: 「抽查」不是允许的取值，应为 双随机抽查、专项检查、投诉核查、质量督导 之一",
        f"inspections.csv:{items_line}:items: 检查事项「JC-99」不在抽查事项清单中，应为 JC-01、JC-02、JC-03、JC-04、JC-05、JC-06、JC-07、JC-08 之一",
        f"inspections.csv:{date_line}:date: 日期「2026-02-30」无效，应写作 YYYY-MM-DD，如 2025-03-01",
        f"inspections.csv:{date_line}:result: 「良好」不是允许的取值，应为 未发现问题、责令整改、整改完成、不合格 之一",
        f"inspections.csv:{round_line}:round: 批次「2026-抽查-1」格式错误，应为 年份-类别-序号，如 2026-双随机-2，类别为 双随机、专项、投诉 或 督导",
        f"inspections.csv:{round_line}:inspectors: 检查人员编号「jc2」格式错误，应如 JC001",
        f"inspectors.csv:{id_line}:id: 人员编号「JC-2」格式错误，应为 1–4 个大写字母加 2–6 位数字，如 JC001",
    ]


def test_a_count_in_other_digits_is_reported_not_a_crash(supervised):
    line = edit(supervised, "draws.csv", DRAW_FIELDS, 0, minimum="²")  # a digit to str.isdigit, not to int()
    assert problems(supervised) == [f"draws.csv:{line}:minimum: 「²」应为非负整数"]


def test_rules_across_the_files_are_all_reported_at_once(supervised):
    rows = inspections(supervised)
    drawn = first(supervised, kind="双随机抽查", result="未发现问题")
    unknown = edit(supervised, "inspections.csv", INSPECTION_FIELDS, drawn, credit_code="91310000000000000X")
    other = first(supervised, kind="专项检查")
    category = edit(supervised, "inspections.csv", INSPECTION_FIELDS, other, round=rows[other]["round"].replace("专项", "督导"))
    order = first(supervised, result="责令整改")
    no_deadline = edit(supervised, "inspections.csv", INSPECTION_FIELDS, order, deadline="", note="")
    completed = first(supervised, result="整改完成")
    duplicate = edit(supervised, "inspections.csv", INSPECTION_FIELDS, completed, document=rows[0]["document"],
                     round=rows[completed]["round"] + "0")
    found = problems(supervised)
    assert f"inspections.csv:{unknown}:credit_code: 91310000000000000X 不在 registry.csv 中" in found
    assert f"inspections.csv:{category}:round: 专项检查的批次应为 年份-专项-序号，这里是「{rows[other]['round'].replace('专项', '督导')}」" in found
    assert f"inspections.csv:{no_deadline}:deadline: 责令整改须写明整改期限" in found
    assert f"inspections.csv:{no_deadline}:note: 检查结果为责令整改时须写明发现的问题" in found
    assert f"inspections.csv:{duplicate}:document: 文书编号「{rows[0]['document']}」与第 2 行重复" in found
    assert any(p.startswith(f"inspections.csv:{duplicate}:result: 整改完成须在同一批次的责令整改之后") for p in found)


def test_an_inspection_is_of_an_organisation_filed_on_its_day(supervised):
    row = first(supervised, kind="专项检查", result="未发现问题")
    line = edit(supervised, "inspections.csv", INSPECTION_FIELDS, row, date="2015-01-05")
    assert any(p.startswith(f"inspections.csv:{line}:date: ") and "不是已备案且在备案有效期内的机构" in p for p in problems(supervised))


def test_a_drawn_inspection_needs_its_round_drawn_the_organisation_picked_and_the_drawn_inspectors(supervised):
    rows = inspections(supervised)
    drawn = [n for n, row in enumerate(rows) if row["kind"] == "双随机抽查" and row["result"] == "未发现问题"]
    unknown_round = edit(supervised, "inspections.csv", INSPECTION_FIELDS, drawn[0], round="2026-双随机-9")
    others = edit(supervised, "inspections.csv", INSPECTION_FIELDS, drawn[1], inspectors="JC002;JC013")
    found = problems(supervised)
    assert f"inspections.csv:{unknown_round}:round: 批次「2026-双随机-9」不在 draws.csv 中：双随机抽查须先用 invoke draw 抽取" in found
    assert any(p.startswith(f"inspections.csv:{others}:inspectors: 双随机抽查须由抽中的检查人员") for p in found)


def test_a_barred_inspector_and_a_team_of_one_are_refused(supervised):
    barred = next(row for row in read_rows(supervised / "inspectors.csv") if row["excluded"])
    code = barred["excluded"].split(";")[0]
    row = first(supervised, kind="专项检查")
    line = edit(supervised, "inspections.csv", INSPECTION_FIELDS, row, credit_code=code, inspectors=barred["id"])
    found = [p for p in problems(supervised) if p.startswith(f"inspections.csv:{line}:inspectors")]
    assert f"inspections.csv:{line}:inspectors: 每次检查至少两名检查人员" in found
    assert f"inspections.csv:{line}:inspectors: 检查人员 {barred['id']}（{barred['name']}）须回避该机构，不能参加检查" in found


def test_a_draw_record_is_checked_by_drawing_again(supervised):
    draws = read_rows(supervised / "draws.csv")
    beacon = edit(supervised, "draws.csv", DRAW_FIELDS, 0, beacon=draws[0]["beacon"].replace("/", "/ 1", 1))
    digest = edit(supervised, "draws.csv", DRAW_FIELDS, 1, eligible_sha256="0" * 64)
    found = problems(supervised)
    assert any(p.startswith(f"draws.csv:{beacon}:picks: 按记录的随机数重新抽取，抽中的机构依次为") for p in found)
    assert any(p.startswith(f"draws.csv:{digest}:eligible_sha256: 按 {draws[1]['date']} 的目录重新计算为") for p in found)


def test_a_pool_naming_an_unknown_organisation_or_an_id_twice_is_refused(supervised):
    pool = read_rows(supervised / "inspectors.csv")
    unknown = edit(supervised, "inspectors.csv", INSPECTOR_FIELDS, 0, excluded="91310000000000000X")
    twice = edit(supervised, "inspectors.csv", INSPECTOR_FIELDS, 3, id=pool[2]["id"])
    found = problems(supervised)
    assert f"inspectors.csv:{unknown}:excluded: 回避机构 91310000000000000X 不在 registry.csv 中" in found
    assert f"inspectors.csv:{twice}:id: 人员编号「{pool[2]['id']}」与第 4 行重复" in found


def test_a_removal_citing_no_such_failure_is_refused(supervised):
    history = read_rows(supervised / "history.csv")
    index = next(n for n, row in enumerate(history) if row["event"] == "移出")
    line = edit(supervised, "history.csv", None, index, note=history[index]["note"] + "；依据检查：沪职鉴督〔2026〕999号")
    assert problems(supervised) == [f"history.csv:{line}:note: 所依据的检查「沪职鉴督〔2026〕999号」不在 inspections.csv 中"]


def test_invoke_validate_lists_them_and_exits_1(supervised):
    line = edit(supervised, "inspections.csv", INSPECTION_FIELDS, 0, items="JC-77")
    done = subprocess.run([sys.executable, "-m", "invoke", "validate", "--registry", str(supervised / "registry.csv"),
                           "--history", str(supervised / "history.csv"), "--date", ANCHOR_DAY],
                          cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 1
    assert f"inspections.csv:{line}:items: 检查事项「JC-77」不在抽查事项清单中" in done.stdout
    assert "共 1 个错误" in done.stdout.splitlines()[-1]


def test_draws_pick_only_organisations_filed_that_day_and_inspectors_who_need_not_stand_aside(supervised):
    """Forty draws over four days, a third of the registry each: every pick was 已备案 and within
    its term that day, though on each day some organisations were under notice or removed."""
    import datetime as dt

    from mulu.sample import ANCHOR
    from mulu.supervision import draw as rfc
    from mulu.supervision.records import candidates, load_supervision

    registry = load_registry(SETTINGS, ANCHOR, supervised / "registry.csv", supervised / "history.csv")
    supervision = load_supervision(supervised / "registry.csv", REFERENCE.folder, registry)
    for day in (dt.date(2024, 3, 1), dt.date(2025, 6, 30), dt.date(2026, 1, 5), ANCHOR):
        state = {code: [e for e in org.events if e.date <= day][-1:] for code, org in registry.organisations.items()}
        filed = {code for code, last in state.items()
                 if last and last[0].status == "已备案" and last[0].valid_from <= day <= last[0].valid_until}
        assert any(last and last[0].status in ("公示中", "已移出") for last in state.values())
        pool = candidates(registry, supervision, day, True)
        for seed in range(10):
            outcome = rfc.run_draw(f"{seed} / {day.toordinal()}", pool, rfc.parse_ratio("33%"), 3, rfc.parse_ratio("50%"))
            assert set(outcome.focus_picks + outcome.picks) <= filed
            for code, team in zip(outcome.focus_picks + outcome.picks, outcome.inspectors):
                assert not any(code in supervision.inspectors[i].excluded for i in team)
