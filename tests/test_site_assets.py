"""Theme files under names made from their content, so that servers can cache them for a year;
and the compressed copies beside the site's text files, which servers send as they are."""

from __future__ import annotations

import gzip
import hashlib
import json
import re
import shutil
from pathlib import Path

import brotli
import pytest

from mulu.settings import SettingsError, check_settings

from conftest import ROOT, SAMPLE_DAY
from test_site_rebuild import build, tree

STATIC = ROOT / "theme" / "static"
HASHED = re.compile(r"^theme/(?P<folder>.+)/(?P<stem>[^/]+)\.(?P<digest>[0-9a-f]{10})\.(?P<suffix>[a-z]+)$")
COPIES = {".gz": gzip.decompress, ".br": brotli.decompress}


def theme_files(site: dict[str, bytes]) -> dict[str, bytes]:
    return {path: data for path, data in site.items() if path.startswith("theme/") and not path.endswith((".gz", ".br"))}


def test_each_theme_file_is_published_once_under_a_digest_of_its_bytes(fixture_site):
    published = theme_files(tree(fixture_site))
    names = []
    for path, data in published.items():
        match = HASHED.match(path)
        assert match, path
        assert match["digest"] == hashlib.sha256(data).hexdigest()[:10]
        names.append(f"{match['folder']}/{match['stem']}.{match['suffix']}")
    assert sorted(names) == sorted(p.relative_to(STATIC).as_posix() for p in STATIC.rglob("*") if p.is_file())


def test_pages_load_the_published_names(fixture_site):
    page = (fixture_site / "verify" / "index.html").read_text(encoding="utf-8")
    loaded = re.findall(r'(?:src|href)="/(theme/[^"]+)"', page)
    assert [HASHED.match(path)["stem"] for path in loaded] == ["mulu", "contrast", "modes", "early", "status", "verify-core",
                                                                "verify"]
    assert all((fixture_site / path).is_file() for path in loaded)


def test_a_changed_script_changes_only_the_pages_that_load_it(fixture_files, fixture_site, tmp_path):
    theme = tmp_path / "theme"
    shutil.copytree(ROOT / "theme", theme)
    built = tmp_path / "site"
    build(built, fixture_files, SAMPLE_DAY, f"THEME={json.dumps(str(theme))}")
    before = tree(built)
    assert before == tree(fixture_site)  # the same bytes, compressed copies included, in every build
    script = theme / "static" / "js" / "verify.js"
    script.write_text(script.read_text(encoding="utf-8") + "\nwindow.muluVersion = 2;\n", encoding="utf-8")
    build(built, fixture_files, SAMPLE_DAY, f"THEME={json.dumps(str(theme))}")
    after = tree(built)
    changed_pages = {path for path in after if path.endswith(".html") and before.get(path) != after[path]}
    assert changed_pages == {"verify/index.html"}
    old, new = (sorted(set(theme_files(a)) - set(theme_files(b))) for a, b in ((before, after), (after, before)))
    assert [HASHED.match(path)["stem"] for path in old + new] == ["verify", "verify"]
    assert new[0] in after["verify/index.html"].decode() and old[0] not in after["verify/index.html"].decode()
    assert not any(path.startswith(old[0]) for path in after)  # the old script and its copies are gone


def test_compressed_copies_decompress_to_exactly_their_file(fixture_site):
    site = tree(fixture_site)
    copies = [path for path in site if path.endswith(tuple(COPIES))]
    assert len(copies) > 100
    for path in copies:
        original, suffix = path[:-3], path[-3:]
        assert COPIES[suffix](site[path]) == site[original], path
        assert len(site[path]) <= 0.95 * len(site[original])


def test_text_browsers_load_has_both_copies_what_programs_fetch_gzip_alone_and_no_other_file_any(fixture_site):
    site = tree(fixture_site)
    text = {path for path in site if Path(path).suffix in {".html", ".css", ".js", ".json", ".xml", ".csv", ".txt", ".svg"}}
    worth = {path for path in text if len(site[path]) >= 1024}
    for_programs = {path for path in worth
                    if path.startswith(("data/", "feeds/")) or path == "sitemap.xml" or re.fullmatch(r"org/[^/]+\.json", path)}
    assert {"data/registry.csv", "data/registry.json", "feeds/events.atom.xml"} <= for_programs
    assert any(path.startswith("org/") and path.endswith(".json") for path in for_programs)
    assert {"index.html", "orgs/rows.json", "search/index/0.txt", "verify/index.html"} <= worth - for_programs
    assert all(f"{path}.gz" in site and f"{path}.br" in site for path in worth - for_programs)
    assert all(f"{path}.gz" in site and f"{path}.br" not in site for path in for_programs)
    originals = {path[:-3] for path in site if path.endswith(tuple(COPIES))}
    assert originals <= text and "data/registry.xlsx" not in originals


def test_gzip_copies_carry_no_time_and_no_file_name(fixture_site):
    header = (fixture_site / "index.html.gz").read_bytes()[:10]
    flags, mtime = header[3], int.from_bytes(header[4:8], "little")
    assert (flags & 0x08, mtime) == (0, 0)  # FNAME unset, MTIME zero


@pytest.mark.parametrize("cache", ["true", "false"])
def test_switched_off_or_on_a_rebuild_leaves_what_a_clean_build_with_the_switch_leaves(fixture_files, tmp_path, cache):
    clean = {}
    for switch in ("false", "true"):
        clean[switch] = tmp_path / f"clean-{switch}"
        build(clean[switch], fixture_files, SAMPLE_DAY, f"MULU_PRECOMPRESS={switch}")
    assert not any(path.endswith(tuple(COPIES)) for path in tree(clean["false"]))
    site = tmp_path / "site"
    build(site, fixture_files, SAMPLE_DAY, f"MULU_BUILD_CACHE={cache}")
    for switch in ("false", "true"):  # no page changes: only the copies may
        build(site, fixture_files, SAMPLE_DAY, f"MULU_PRECOMPRESS={switch}", f"MULU_BUILD_CACHE={cache}")
        assert tree(site) == tree(clean[switch])


def test_a_page_a_build_cut_short_wrote_without_its_copies_gets_them_from_the_next_build(fixture_files, tmp_path):
    """Copies are made in batches after their pages: a build stopped in between leaves pages
    whose copies are the last build's, and the next build, finding those pages as it makes them,
    must still replace the copies."""
    later = "2027-06-30"
    clean = tmp_path / "clean"
    build(clean, fixture_files, later)
    site = tmp_path / "site"
    build(site, fixture_files, SAMPLE_DAY)
    before = tree(site)
    pages = [path for path, data in tree(clean).items() if path.endswith(".html") and before.get(path) != data]
    assert pages
    for path in pages:  # what the build cut short had written
        shutil.copyfile(clean / path, site / path)
    build(site, fixture_files, later)
    assert tree(site) == tree(clean)


def test_the_switch_takes_only_true_or_false():
    with pytest.raises(SettingsError, match="MULU_PRECOMPRESS 必须是 True 或 False"):
        check_settings({"MULU_PRECOMPRESS": "yes"})
