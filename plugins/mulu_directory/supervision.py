"""``/supervision/``: the inspection items, every 双随机 round (inputs, digests, picks and the
results recorded so far), other checks, and 「自己核对」, where the reader's browser draws again
from the published inputs (``theme/static/js/draw-core.js``, MD5 and SHA-256 from the pinned
js-md5 and js-sha256 packages). Also what other stages show of supervision: each organisation's
inspections, the feed's entries and the downloads.

The supervision files are read and checked once per build (:func:`load`, before any output, so
that both processes of a build share them); a problem in them stops the build as one in the
registry does. Every page and file is made from plain values (dicts, lists, text, dates), which
the build's keys are derived from."""

from __future__ import annotations

import json
import weakref
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from mulu.settings import resolve
from mulu.supervision import draw as rfc
from mulu.supervision.records import Draw, Inspection, Supervision, candidates, load_supervision, pool_text
from mulu.supervision.schema import (CITATION, DRAW_COLUMNS, DRAWS_FILE, INSPECTION_COLUMNS, INSPECTIONS_FILE,
                                     INSPECTOR_COLUMNS, INSPECTORS_FILE)
from mulu.supervision.store import draw_cells, inspection_cells, inspector_cells

from .site import Site

PAGE = "supervision/index.html"
DRAWS_JSON = "supervision/draws.json"
# The hashing scripts the page loads, copied from the project's node_modules (pinned in package.json).
NODE_MODULES = Path(__file__).resolve().parents[2] / "node_modules"
VENDORED = {"supervision/md5.min.js": NODE_MODULES / "js-md5/build/md5.min.js",
            "supervision/sha256.min.js": NODE_MODULES / "js-sha256/build/sha256.min.js"}

_loaded: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


@dataclass
class Loaded:
    supervision: Supervision
    by_org: dict[str, list[Inspection]]  # each organisation's inspections, for its page


def load(site: Site) -> Loaded:
    """The checked supervision files beside the build's registry (read once per build)."""
    if site not in _loaded:
        registry_path = resolve(site.settings, "MULU_REGISTRY")
        supervision = load_supervision(registry_path, site.registry.reference.folder, site.registry,
                                       Path(resolve(site.settings, "MULU_HISTORY")).name)
        by_org = defaultdict(list)
        for inspection in supervision.inspections:
            by_org[inspection.credit_code].append(inspection)
        _loaded[site] = Loaded(supervision, by_org)
    return _loaded[site]


def published_pool(site: Site) -> bool:
    return bool(site.settings["MULU_PUBLISH_INSPECTORS"])


def round_slug(round_name: str) -> str:
    """``2026-双随机-2`` → ``2026-2``: an ASCII address for a draw's files."""
    year, _, number = round_name.split("-")
    return f"{year}-{number}"


def round_folder(draw: Draw) -> str:
    """Where the two lists a round drew from are published."""
    return f"supervision/rounds/{round_slug(draw.round)}/"


def list_urls(site: Site, draw: Draw) -> dict[str, str]:
    folder = round_folder(draw)
    return {"eligible_url": site.url(folder + "eligible.txt"), "focus_url": site.url(folder + "focus.txt")}


# --- what each organisation's page shows ------------------------------------------------------

def org_inspections(site: Site, credit_code: str) -> list[dict]:
    """An organisation's inspections as plain records for its page, the one its removal cites
    marked so that the page can link them."""
    loaded = load(site)
    own = loaded.by_org.get(credit_code)
    if not own:
        return []
    items = loaded.supervision.items
    cited = {m[1].strip() for e in site.registry.organisations[credit_code].events
             if e.event == "移出" and (m := CITATION.search(e.note))}
    return [{"anchor": f"inspection-{number}", "date": i.date, "round": i.round, "kind": i.kind,
             "checked": [f"{code} {items[code].item}" for code in i.items], "result": i.result, "deadline": i.deadline,
             "document": i.document, "note": i.note, "cited": i.document in cited}
            for number, i in enumerate(own, start=1)]


# --- the supervision page ----------------------------------------------------------------------

def pick_record(site: Site, draw: Draw, code: str, focus: bool, results: list[Inspection]) -> dict:
    org = site.registry.organisations[code]
    team = draw.teams[code]
    pool = load(site).supervision.inspectors
    return {"code": code, "name": org.name, "url": site.url(f"org/{code}/"), "focus": focus,
            "inspectors": [f"{pool[i].name}（{i}）" for i in team] if published_pool(site) else [],
            "results": [{"date": i.date, "result": i.result, "document": i.document} for i in results]}


def round_record(site: Site, draw: Draw) -> dict:
    supervision = load(site).supervision
    results = [i for i in supervision.inspections if i.round == draw.round]
    picks = [pick_record(site, draw, code, code in draw.focus_picks, [i for i in results if i.credit_code == code])
             for code in draw.focus_picks + draw.picks]
    return {**draw_cells(draw), "slug": round_slug(draw.round), "key": rfc.key_string(draw.beacon), **list_urls(site, draw),
            "pick_records": picks, "recorded": sum(1 for p in picks if p["results"])}


def other_rounds(site: Site) -> list[dict]:
    """The checks outside the draws (专项、投诉、督导), by round, newest first."""
    supervision = load(site).supervision
    drawn = {d.round for d in supervision.draws}
    rounds: dict[str, list[dict]] = {}
    for i in sorted(supervision.inspections, key=lambda i: i.date, reverse=True):
        if i.round not in drawn:
            org = site.registry.organisations[i.credit_code]
            rounds.setdefault(i.round, []).append({"date": i.date, "kind": i.kind, "name": org.name,
                                                   "url": site.url(f"org/{i.credit_code}/"), "result": i.result,
                                                   "document": i.document})
    return [{"round": name, "inspections": rows} for name, rows in rounds.items()]


def draws_json(site: Site) -> str:
    """What 「自己核对」 draws again from: each round's inputs and published outcome."""
    supervision = load(site).supervision
    rounds = []
    for draw in reversed(supervision.draws):
        record = {name: value for name, value in draw_cells(draw).items() if name != "inspectors" or published_pool(site)}
        rounds.append({**record, **list_urls(site, draw)})
    pool = pool_text(supervision.inspectors) if published_pool(site) else None
    return json.dumps({"algorithm": rfc.ALGORITHM, "rounds": rounds, "pool": pool}, ensure_ascii=False, indent=1)


def write_round_lists(site: Site, draw: Draw) -> None:
    """The two lists a round drew from, as their digests cover them: one code per line."""
    supervision = load(site).supervision
    lists = candidates(site.registry, supervision, draw.date, draw.focus_ratio is not None)
    folder = round_folder(draw)
    site.write(folder + "eligible.txt", rfc.list_text(list(lists.general)))
    site.write(folder + "focus.txt", rfc.list_text(list(lists.focus)))


def write_supervision(site: Site) -> None:
    supervision = load(site).supervision
    for draw in supervision.draws:
        write_round_lists(site, draw)
    site.write(DRAWS_JSON, draws_json(site))
    for relpath, source in VENDORED.items():
        site.write(relpath, source.read_bytes())
    pool = supervision.inspectors.values()
    site.render("supervision.html", PAGE,
                items=[{"code": i.code, "item": i.item, "basis": i.basis, "method": i.method} for i in supervision.items.values()],
                rounds=[round_record(site, d) for d in reversed(supervision.draws)], others=other_rounds(site),
                pool_size=len(supervision.inspectors), pool_units=len({i.unit for i in pool}),
                inspectors=[{"id": i.id, "name": i.name, "unit": i.unit, "excluded": len(i.excluded)} for i in pool]
                if published_pool(site) else [],
                algorithm=rfc.ALGORITHM, draws_url=site.url(DRAWS_JSON), data_date=latest_record(site))


def latest_record(site: Site):
    """The page's data date: its latest draw or inspection (the directory's, before the first)."""
    supervision = load(site).supervision
    return max([d.date for d in supervision.draws] + [i.date for i in supervision.inspections],
               default=site.directory.data_date)


# --- downloads and the feed --------------------------------------------------------------------

def download_tables(site: Site) -> dict[str, tuple[tuple, list[dict[str, str]]]]:
    """File name -> (columns, rows) of each supervision download: the pool only if published,
    and the inspectors of draws and inspections likewise."""
    supervision = load(site).supervision
    hide = () if published_pool(site) else ("inspectors",)
    tables = {
        INSPECTIONS_FILE: (INSPECTION_COLUMNS, [inspection_cells(i) for i in supervision.inspections]),
        DRAWS_FILE: (DRAW_COLUMNS, [draw_cells(d) for d in supervision.draws]),
    }
    if published_pool(site):
        tables[INSPECTORS_FILE] = (INSPECTOR_COLUMNS, [inspector_cells(i) for i in supervision.inspectors.values()])
    return {name: (tuple(c for c in columns if c.name not in hide), rows) for name, (columns, rows) in tables.items()}


def feed_entries(site: Site) -> list[dict]:
    """One feed entry per draw and per inspection result, newest first."""
    supervision = load(site).supervision
    orgs = site.registry.organisations
    entries = [{"date": d.date, "title": f"双随机抽取：{d.round}",
                "summary": f"抽中 {len(d.focus_picks) + len(d.picks)} 个机构；随机数 {d.beacon}（{d.beacon_source}）",
                "link": site.url("supervision/") + f"#round-{round_slug(d.round)}", "id": f"urn:mulu:draw:{d.round}"}
               for d in supervision.draws]
    entries += [{"date": i.date, "title": f"{i.kind}结果：{orgs[i.credit_code].name}",
                 "summary": f"{i.round}，{i.result}；文书编号 {i.document}" + (f"；{i.note}" if i.note else ""),
                 "link": site.url(f"org/{i.credit_code}/") + "#inspections", "id": f"urn:mulu:inspection:{i.document}"}
                for i in supervision.inspections]
    return sorted(entries, key=lambda e: e["date"], reverse=True)
