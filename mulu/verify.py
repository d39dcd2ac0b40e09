"""Point-in-time verification: was an organisation authorised for an occupation and level on a day?

``history.csv`` holds an organisation's state after each event. The state in force on day D is
the state after the last event dated on or before D (several events on one day: the last). The
organisation is authorised on D for an occupation at a level when that state is 已备案, D lies
within its valid_from…valid_until, and the occupation with that level is in its occupations. So
a removal (移出) or a dropped occupation ends authorisation on the event's own day, 公示中 is never
authorised, and a correction (更正) applies from its date, as the directory showed it.

The answer is "unknown" rather than "not authorised" when
- D is after the data date (the day the data was built or the last ledger event, whichever is
  later): what happens later is not recorded yet;
- D is before the organisation's first record and that record is not 公示: its records start part
  way through its life, so the earlier days are unknown. An organisation whose first record is
  公示 entered the process then and was not filed before.

From the ledger each organisation gets a :class:`Timeline` (its events, status segments and
authorisation intervals). Answers are computed from the timeline alone, here and in the browser
(``theme/static/js/verify-core.js``), which reads the same timelines and the same message
templates from the compact files :func:`compact` makes.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import NamedTuple

from . import codes
from .model import Event, Organisation, Registry
from .reference import Reference
from .schema import EVENTS, FILED, NOTICE, REMOVED, STATUSES

AUTHORISED, NOT_AUTHORISED, UNKNOWN = "authorised", "not_authorised", "unknown"
OCCUPATION_SHAPE = re.compile(r"\d-\d\d-\d\d-\d\d")
DATE_SHAPE = re.compile(r"\d{4}-\d{2}-\d{2}")
EPOCH = dt.date(1970, 1, 1)

# Every sentence an answer or an input check can give, by reason code. The browser receives
# these templates in the compact files and fills them in the same way (``{name}`` → value).
TEXTS = {
    AUTHORISED: "已获授权：{date} 当日该机构已备案（备案有效期 {valid_from} 至 {valid_until}），"
                "可评价 {occupation} {level}；该项授权期间为 {start} 至 {end}。",
    "after_data": "无法判断：{date} 晚于目录数据日期 {as_of}，此后的备案变化尚未记录。",
    "before_records": "无法判断：目录对该机构的记录始于 {first}（{event}），此前的备案情况未记录。",
    "not_listed": "未获授权：该机构 {first} 才进入公示，{date} 时尚未备案。",
    "notice": "未获授权：{date} 当日该机构处于公示期（{since} 起公示），尚未备案；公示中的机构不得开展评价。",
    "removed": "未获授权：该机构已于 {since} 被移出目录{document}，自当日起不再具备评价资格。",
    "not_yet_valid": "未获授权：{date} 当日备案有效期尚未开始（备案有效期 {valid_from} 至 {valid_until}）。",
    "expired": "未获授权：该机构的备案有效期已于 {valid_until} 届满，{date} 当日已过期。",
    "level_not_in_scope": "未获授权：{date} 当日该机构可评价 {occupation} 的等级为 {levels}，不含 {level}。",
    "scope_ended": "未获授权：{occupation} {level} 已于 {since} 经{event}{document}移出该机构的备案范围。",
    "scope_lapsed": "未获授权：该机构对 {occupation} {level} 的授权已于 {end} 随备案有效期届满结束，此后未再纳入备案范围。",
    "scope_later": "未获授权：{occupation} {level} 自 {since} 起才经{event}{document}纳入该机构的备案范围，{date} 时尚未纳入。",
    "never_in_scope": "未获授权：该机构的备案范围从未包含 {occupation} {level}。",
    # Bad questions.
    "org_missing": "请填写机构的统一社会信用代码或备案编号",
    "org_malformed": "「{org}」既不是 18 位统一社会信用代码，也不是 13 位备案编号（如 S000031000012）",
    "org_unknown": "本目录中没有统一社会信用代码或备案编号为「{org}」的机构",
    "occupation_malformed": "职业编码「{occupation}」格式错误，应写作 X-XX-XX-XX，如 6-31-01-03",
    "occupation_unknown": "职业编码「{occupation}」不在职业分类大典中",
    "level_malformed": "技能等级「{level}」无效，应为 1–5 的数字（5 为五级/初级工，1 为一级/高级技师）",
    "date_malformed": "日期「{date}」无效，应写作 YYYY-MM-DD，如 2024-03-01",
    "certificate_org_unknown": "本目录中没有备案编号为 {filing_no} 的机构（证书编号前 13 位），请核对编号",
    **codes.CERTIFICATE_MESSAGES,
}


class QuestionError(ValueError):
    """A question that cannot be asked: unknown organisation, malformed code, level or date."""


def day_number(day: dt.date) -> int:
    return (day - EPOCH).days


def from_day_number(number: int) -> dt.date:
    return EPOCH + dt.timedelta(days=number)


def bracketed(document: str) -> str:
    """A document number as it follows a sentence's verb: （沪人社职〔2026〕93号）, or nothing."""
    return f"（{document}）" if document else ""


@dataclass(frozen=True)
class Segment:
    """A stretch from ``start`` during which status and validity stayed the same."""

    start: dt.date
    status: str
    event: int  # index into Timeline.events of the event that began it
    valid_from: dt.date | None
    valid_until: dt.date | None


@dataclass(frozen=True)
class Interval:
    """A maximal stretch of days on which the organisation was authorised for ``code`` at ``levels``."""

    code: str
    levels: tuple[int, ...]  # from lower to higher skill
    start: dt.date
    end: dt.date  # the last authorised day
    opened: int  # index into Timeline.events
    closed: int | None  # the event that ended it early; None when it ran to the end of validity


@dataclass
class Timeline:
    credit_code: str
    filing_no: str
    name: str
    events: list[Event]
    segments: list[Segment] = field(default_factory=list)
    intervals: list[Interval] = field(default_factory=list)

    def segment_on(self, day: dt.date) -> Segment | None:
        in_force = [s for s in self.segments if s.start <= day]
        return in_force[-1] if in_force else None

    def intervals_for(self, code: str, level: int) -> list[Interval]:
        return [i for i in self.intervals if i.code == code and level in i.levels]


# --- deriving timelines from the ledger ---------------------------------------------------------
def states_by_day(events: list[Event]) -> list[tuple[dt.date, int]]:
    """``(day, index of the day's last event)`` for each day with events, in order."""
    last_of_day = {}
    for index, event in enumerate(events):
        last_of_day[event.date] = index
    return sorted(last_of_day.items())


def segments_of(events: list[Event], days: list[tuple[dt.date, int]]) -> list[Segment]:
    segments: list[Segment] = []
    for day, index in days:
        state = events[index]
        key = (state.status, state.valid_from, state.valid_until)
        if not segments or key != (segments[-1].status, segments[-1].valid_from, segments[-1].valid_until):
            segments.append(Segment(day, state.status, index, state.valid_from, state.valid_until))
    return segments


def authorised_pieces(events: list[Event], days: list[tuple[dt.date, int]]):
    """``(code, level) → [(start, end, opening event, event after the stretch or None)]``,
    one piece per stretch between events; the pieces are not yet merged."""
    pieces = defaultdict(list)
    for position, (day, index) in enumerate(days):
        state = events[index]
        if state.status != FILED or not state.valid_from or not state.valid_until:
            continue
        following = days[position + 1] if position + 1 < len(days) else None
        start = max(day, state.valid_from)
        end = min(following[0] - dt.timedelta(days=1), state.valid_until) if following else state.valid_until
        if start > end:
            continue
        ended_by = following[1] if following and end < state.valid_until else None
        for grant in state.grants:
            for level in grant.levels:
                pieces[grant.code, level].append((start, end, index, ended_by))
    return pieces


def merged(pieces) -> list[tuple[dt.date, dt.date, int, int | None]]:
    """Consecutive pieces joined into maximal stretches, each keeping its first opening event."""
    stretches = []
    for start, end, opened, closed in pieces:
        if stretches and stretches[-1][1] + dt.timedelta(days=1) == start:
            stretches[-1] = (stretches[-1][0], end, stretches[-1][2], closed)
        else:
            stretches.append((start, end, opened, closed))
    return stretches


def intervals_of(events: list[Event], days: list[tuple[dt.date, int]]) -> list[Interval]:
    """Maximal authorisation intervals; levels with identical intervals share one."""
    by_stretch = defaultdict(list)
    for (code, level), pieces in authorised_pieces(events, days).items():
        for stretch in merged(pieces):
            by_stretch[code, stretch].append(level)
    intervals = [Interval(code, tuple(sorted(levels, reverse=True)), start, end, opened, closed)
                 for (code, (start, end, opened, closed)), levels in by_stretch.items()]
    return sorted(intervals, key=lambda i: (i.start, i.code, i.levels))


def timeline(org: Organisation) -> Timeline:
    days = states_by_day(org.events)
    return Timeline(org.credit_code, org.filing_no, org.name, org.events,
                    segments_of(org.events, days), intervals_of(org.events, days))


def timelines(registry: Registry) -> dict[str, Timeline]:
    return {code: timeline(org) for code, org in registry.organisations.items()}


def data_date(registry: Registry, today: dt.date) -> dt.date:
    """The last day the data speaks for: today, or a later ledger date."""
    return max([today] + [e.date for e in registry.events])


# --- answering ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Answer:
    verdict: str  # AUTHORISED, NOT_AUTHORISED or UNKNOWN
    code: str  # a key of TEXTS
    reason: str
    refs: tuple[int, ...]  # indexes into Timeline.events the answer rests on

    @property
    def authorised(self) -> bool:
        return self.verdict == AUTHORISED


class Names:
    """How occupations and levels are written in answers."""

    def __init__(self, reference: Reference):
        self.reference = reference

    def occupation(self, code: str) -> str:
        known = self.reference.occupations.get(code)
        return f"{code} {known.title}" if known else code

    def level(self, level: int) -> str:
        return self.reference.levels[level].label

    def levels(self, levels) -> str:
        return "、".join(self.level(level) for level in sorted(levels, reverse=True))


def answer(line: Timeline, code: str, level: int, day: dt.date, as_of: dt.date, names: Names) -> Answer:
    """Whether ``line``'s organisation was authorised for ``code`` at ``level`` on ``day``."""
    events = line.events
    values = {"date": day.isoformat(), "occupation": names.occupation(code), "level": names.level(level)}

    def says(verdict: str, reason: str, refs=(), **more) -> Answer:
        text = TEXTS[reason].format(**values, **{k: str(v) for k, v in more.items()})
        return Answer(verdict, reason, text, tuple(sorted(set(refs))))

    if day > as_of:
        return says(UNKNOWN, "after_data", as_of=as_of)
    segment = line.segment_on(day)
    if segment is None:
        first = events[0]
        if first.event == "公示":
            return says(NOT_AUTHORISED, "not_listed", [0], first=first.date)
        return says(UNKNOWN, "before_records", [0], first=first.date, event=first.event)
    covering = [i for i in line.intervals_for(code, level) if i.start <= day <= i.end]
    if covering:
        found = covering[0]
        return says(AUTHORISED, AUTHORISED, [found.opened, segment.event], valid_from=segment.valid_from,
                    valid_until=segment.valid_until, start=found.start, end=found.end)
    if segment.status == NOTICE:
        return says(NOT_AUTHORISED, "notice", [segment.event], since=segment.start)
    if segment.status == REMOVED:
        return says(NOT_AUTHORISED, "removed", [segment.event], since=segment.start,
                    document=bracketed(events[segment.event].document))
    if day < segment.valid_from:
        return says(NOT_AUTHORISED, "not_yet_valid", [segment.event], valid_from=segment.valid_from,
                    valid_until=segment.valid_until)
    if day > segment.valid_until:
        return says(NOT_AUTHORISED, "expired", [segment.event], valid_until=segment.valid_until)
    return scope_answer(line, code, level, day, says, names)


def scope_answer(line: Timeline, code: str, level: int, day: dt.date, says, names: Names) -> Answer:
    """Why a filed, valid organisation was not authorised: the occupation or level was not in scope.
    A change that removed exactly this occupation and level is the most telling, so it comes first."""
    own = line.intervals_for(code, level)
    before = [i for i in own if i.end < day]
    if before and before[-1].closed is not None:
        closing = line.events[before[-1].closed]
        return says(NOT_AUTHORISED, "scope_ended", [before[-1].closed], since=closing.date, event=closing.event,
                    document=bracketed(closing.document))
    other_levels = [i for i in line.intervals if i.code == code and i.start <= day <= i.end]
    if other_levels:
        levels = {level for i in other_levels for level in i.levels}
        return says(NOT_AUTHORISED, "level_not_in_scope", [i.opened for i in other_levels], levels=names.levels(levels))
    if before:
        return says(NOT_AUTHORISED, "scope_lapsed", [before[-1].opened], end=before[-1].end)
    after = [i for i in own if i.start > day]
    if after:
        opening = line.events[after[0].opened]
        return says(NOT_AUTHORISED, "scope_later", [after[0].opened], since=after[0].start, event=opening.event,
                    document=bracketed(opening.document))
    return says(NOT_AUTHORISED, "never_in_scope")


# --- the question as staff or readers type it ---------------------------------------------------
def find_organisation(registry: Registry, key: str) -> Organisation:
    key = key.strip().upper()
    if not key:
        raise QuestionError(TEXTS["org_missing"])
    if not (codes.USCC_SHAPE.fullmatch(key) or codes.FILING_NO_SHAPE.fullmatch(key)):
        raise QuestionError(TEXTS["org_malformed"].format(org=key))
    org = registry.find(key)
    if org is None:
        raise QuestionError(TEXTS["org_unknown"].format(org=key))
    return org


def read_occupation(reference: Reference, text: str) -> str:
    code = text.strip()
    if not OCCUPATION_SHAPE.fullmatch(code):
        raise QuestionError(TEXTS["occupation_malformed"].format(occupation=code))
    if code not in reference.occupations:
        raise QuestionError(TEXTS["occupation_unknown"].format(occupation=code))
    return code


def read_level(text: str) -> int:
    text = str(text).strip()
    if not re.fullmatch(r"[1-5]", text):
        raise QuestionError(TEXTS["level_malformed"].format(level=text))
    return int(text)


def read_date(text: str) -> dt.date:
    text = text.strip()
    try:
        if DATE_SHAPE.fullmatch(text):
            return dt.date.fromisoformat(text)
    except ValueError:
        pass
    raise QuestionError(TEXTS["date_malformed"].format(date=text))


def verify(registry: Registry, org_key: str, occupation: str, level, date: str, as_of: dt.date) -> tuple[Timeline, Answer]:
    """Answer a question as typed; raises QuestionError for a question that cannot be asked."""
    org = find_organisation(registry, org_key)
    code = read_occupation(registry.reference, occupation)
    level_number = read_level(level)
    day = read_date(date)
    line = timeline(org)
    return line, answer(line, code, level_number, day, as_of, Names(registry.reference))


# --- certificate numbers -----------------------------------------------------------------------
@dataclass
class CertificateReading:
    """What a certificate number tells: its issuer and the occupations it could have covered."""

    kind: str  # "ok", or a key of TEXTS saying what is wrong or why it is not ours
    message: str
    certificate: codes.Certificate | None = None
    timeline: Timeline | None = None
    # occupation code → the stretches within the certificate's year it was authorised at its level
    options: dict[str, list[tuple[dt.date, dt.date]]] = field(default_factory=dict)


def certificate_options(line: Timeline, level: int, year: int) -> dict[str, list[tuple[dt.date, dt.date]]]:
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    options = defaultdict(list)
    for interval in line.intervals:
        if level in interval.levels and interval.start <= last and interval.end >= first:
            options[interval.code].append((max(interval.start, first), min(interval.end, last)))
    return dict(sorted(options.items()))


def read_certificate(registry: Registry, text: str, as_of: dt.date, province: str, city: str) -> CertificateReading:
    check = codes.check_certificate(text, registry.reference.provinces, province, city, as_of.year)
    if check.kind != "ok":
        return CertificateReading(check.kind, check.message, check.certificate)
    certificate = check.certificate
    org = registry.by_filing_no(certificate.filing_no)
    if org is None:
        return CertificateReading("certificate_org_unknown",
                                  TEXTS["certificate_org_unknown"].format(filing_no=certificate.filing_no), certificate)
    line = timeline(org)
    return CertificateReading("ok", "", certificate, line, certificate_options(line, certificate.level, certificate.year))


# --- describing ledger events for the occupation asked about ------------------------------------
def describe(line: Timeline, index: int, code: str, names: Names) -> str:
    """One ledger event as it bears on ``code``: 2024-03-01 变更（沪职鉴〔2024〕12号）新增 … 五级–三级."""
    event = line.events[index]
    before = line.events[index - 1] if index else None
    now = {g.code: g.levels for g in event.grants}
    then = {g.code: g.levels for g in before.grants} if before else {}
    occupation = names.occupation(code)
    if event.event == "变更" and now.get(code) != then.get(code):
        if code not in now:
            change = f"减少 {occupation}"
        elif code not in then:
            change = f"新增 {occupation} {names.levels(now[code])}"
        else:
            change = f"{occupation} 等级调整为 {names.levels(now[code])}"
    elif event.event == "备案" and code in now:
        change = f"备案有效期 {event.valid_from} 至 {event.valid_until}，含 {occupation} {names.levels(now[code])}"
    elif event.event == "延续":
        change = f"备案有效期延至 {event.valid_until}"
    else:
        change = event.note
    return f"{event.date} {event.event}{bracketed(event.document)} {change}".rstrip()


# --- the compact files for the browser -----------------------------------------------------------
STATUS_INDEX = {status: index for index, status in enumerate(STATUSES)}
EVENT_INDEX = {event: index for index, event in enumerate(EVENTS)}
KEYS_PER_BUCKET = 64  # keys (credit codes and 备案编号) a bucket file aims at


def key_hash(key: str) -> int:
    """32-bit FNV-1a over the UTF-16 code units of ``key``; ``keyHash`` in verify-core.js is the same."""
    value = 0x811C9DC5
    encoded = key.encode("utf-16-le")
    for unit in (encoded[i] | encoded[i + 1] << 8 for i in range(0, len(encoded), 2)):
        value = ((value ^ unit) * 0x01000193) & 0xFFFFFFFF
    return value


def bucket_of(key: str, count: int) -> int:
    """The bucket file holding the organisation whose credit code or 备案编号 is ``key`` (as looked
    up: trimmed and upper-cased)."""
    return key_hash(key) % count


def bucket_count(keys: int) -> int:
    """A power of two, so the count, and with it every bucket's address, changes only when the
    registry doubles or halves."""
    count = 1
    while count * KEYS_PER_BUCKET < keys:
        count *= 2
    return count


class Placement(NamedTuple):
    """What placing one organisation's timeline in the compact files takes."""

    occupations: frozenset[str]  # the occupations its intervals name
    hashes: tuple[int, ...]  # :func:`key_hash` of its credit code and of its 备案编号 if it has one


def placement(line: Timeline) -> Placement:
    return Placement(frozenset(i.code for i in line.intervals),
                     tuple(key_hash(key) for key in (line.credit_code, line.filing_no) if key))


class Layout:
    """Where the compact files put each organisation, from every organisation's
    :class:`Placement` (by credit code, in registry order): the occupations any interval names,
    numbered, and the credit codes in each bucket."""

    def __init__(self, placements: dict[str, Placement]):
        self.occupations = sorted(set().union(*(p.occupations for p in placements.values())))
        self.occupation_index = {code: index for index, code in enumerate(self.occupations)}
        self.count = bucket_count(sum(len(p.hashes) for p in placements.values()))
        self.buckets: list[list[str]] = [[] for _ in range(self.count)]
        for code, p in placements.items():
            for bucket in sorted({value % self.count for value in p.hashes}):
                self.buckets[bucket].append(code)


def compact_meta(reference: Reference, as_of: dt.date, province: str, city: str, count: int) -> dict:
    return {
        "v": 2,
        "asOf": day_number(as_of),
        "province": province,
        "city": city,
        "provinces": reference.provinces,
        "ev": list(EVENTS),
        "st": list(STATUSES),
        "lv": {str(level.code): level.label for level in reference.levels.values()},
        "t": TEXTS,
        "b": count,
    }


def compact(registry: Registry, as_of: dt.date, province: str, city: str) -> dict:
    """The browser's data: ``meta``, what every question needs, ``occupations``, the names of the
    occupations any interval names, ``[code, title]`` (the page carries them in its form's list
    of occupations, so meta need not), and ``buckets``, the organisations' timelines spread over
    ``meta["b"]`` lists so that a question fetches meta and one list.

    An organisation is in the bucket of its credit code and in that of its 备案编号
    (:func:`bucket_of`), once when they are the same. Each is ``{c: credit code, f: 备案编号,
    n: name, e: events [day, event, document], s: segments [start, status, event, valid_from,
    valid_until], g: intervals (see :func:`compact_intervals`)}``, dates as day numbers; events,
    statuses and occupations are indexes into meta's ``ev`` and ``st`` and into ``occupations``;
    meta's ``t`` holds the sentence templates.
    """
    lines = timelines(registry)
    layout = Layout({code: placement(line) for code, line in lines.items()})
    return {
        "meta": compact_meta(registry.reference, as_of, province, city, layout.count),
        "occupations": occupation_names(registry.reference, layout),
        "buckets": [[compact_timeline(lines[code], layout.occupation_index) for code in bucket] for bucket in layout.buckets],
    }


def occupation_names(reference: Reference, layout: Layout) -> list[list[str]]:
    return [[code, reference.occupations[code].title] for code in layout.occupations]


def optional_day(day: dt.date | None) -> int | None:
    return day_number(day) if day else None


def compact_timeline(line: Timeline, occupation_index: dict[str, int]) -> dict:
    """One timeline; of its events only the first and those its segments and intervals cite."""
    cited = sorted({0} | {s.event for s in line.segments}
                   | {e for i in line.intervals for e in (i.opened, i.closed) if e is not None})
    renumber = {old: new for new, old in enumerate(cited)}
    return {
        "c": line.credit_code,
        "f": line.filing_no,
        "n": line.name,
        "e": [[day_number(e.date), EVENT_INDEX[e.event], e.document] for e in (line.events[i] for i in cited)],
        "s": [[day_number(s.start), STATUS_INDEX[s.status], renumber[s.event], optional_day(s.valid_from),
               optional_day(s.valid_until)] for s in line.segments],
        "g": compact_intervals(line.intervals, occupation_index, renumber),
    }


def compact_intervals(intervals: list[Interval], occupation_index: dict[str, int], renumber: dict[int, int]) -> list:
    """Intervals sharing their days and events in one entry: ``[start, end, opened, closed,
    occupation, levels, occupation, levels, …]`` (levels as digits, ``"543"``)."""
    shared = defaultdict(list)
    for i in intervals:
        key = (day_number(i.start), day_number(i.end), renumber[i.opened], None if i.closed is None else renumber[i.closed])
        shared[key] += [occupation_index[i.code], "".join(map(str, i.levels))]
    return [list(key) + grants for key, grants in shared.items()]
