"""The speedups (plugins/mulu_directory/speedups) change how fast a site is built, never what is
built: two processes make the same site as one, the cached build the same as a build without the
cache, whichever way the cache is turned off; every file written is announced to Pelican's
``content_written`` receivers; a template reads only what its page's context gives it."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from conftest import ROOT, SAMPLE_DAY, run_build
from test_site_rebuild import Pair, times, tree

RECORDER = '''
import os
from pelican import signals


def record(path, context):
    with open(os.environ["MULU_TEST_WRITTEN"], "a", encoding="utf-8") as handle:
        handle.write(path + "\\n")


def register():
    signals.content_written.connect(record)
'''


def pelican(output: Path, *overrides: str, options: tuple[str, ...] = (), env: dict | None = None,
            data: Path | None = None) -> subprocess.CompletedProcess:
    settings = [f"MULU_TODAY={json.dumps(SAMPLE_DAY)}", *overrides]
    if data:
        settings += [f"MULU_REGISTRY={json.dumps(str(data / 'registry.csv'))}",
                     f"MULU_HISTORY={json.dumps(str(data / 'history.csv'))}"]
    argv = [sys.executable, "-m", "pelican", "content", "-s", "pelicanconf.py", "-o", str(output), *options, "-e", *settings]
    return subprocess.run(argv, cwd=ROOT, capture_output=True, text=True, env=env)


def test_one_process_builds_the_same_files_as_two_and_a_new_folder_gets_its_cache(built_site, sample_files, tmp_path):
    output = tmp_path / "new" / "site"  # neither it nor its parent made yet
    result = pelican(output, "MULU_BUILD_PROCESSES=1", data=sample_files)
    assert result.returncode == 0, result.stderr
    assert tree(output) == tree(built_site)
    assert (output.parent / "site.build-cache").is_dir(), result.stdout + result.stderr


def test_every_way_of_turning_the_cache_off_builds_the_same_site_and_leaves_no_cache(built_site, sample_files, tmp_path):
    ways = {
        "task": lambda output: run_build(output, sample_files / "registry.csv", sample_files / "history.csv",
                                         options=("--no-cache",)),
        "setting": lambda output: pelican(output, "MULU_BUILD_CACHE=false", data=sample_files),
        "pelican": lambda output: pelican(output, options=("--ignore-cache",), data=sample_files),
    }
    for name, build in ways.items():
        output = tmp_path / name
        result = build(output)
        assert result.returncode == 0, result.stdout + result.stderr
        assert tree(output) == tree(built_site), name
        assert not (tmp_path / f"{name}.build-cache").exists(), name
    assert (built_site.parent / f"{built_site.name}.build-cache").is_dir()  # the cached build keeps one


def test_a_build_without_the_cache_neither_reads_nor_changes_it(fixture_files, tmp_path):
    output = tmp_path / "site"
    assert run_build(output, fixture_files / "registry.csv", fixture_files / "history.csv").returncode == 0
    cache = tmp_path / "site.build-cache"
    kept = tree(cache)
    (cache / "files.pickle").write_bytes(b"not a pickle")  # read, it would be reported as damaged
    result = run_build(output, fixture_files / "registry.csv", fixture_files / "history.csv", options=("--no-cache",))
    assert result.returncode == 0 and "无法读取" not in result.stdout + result.stderr
    assert tree(cache) == {**kept, "files.pickle": b"not a pickle"}


def test_compiled_templates_are_kept_once_for_the_code_and_settings_of_the_last_build(fixture_files, tmp_path):
    output = tmp_path / "site"
    kept = tmp_path / "site.build-cache" / "templates"
    names = []
    for title in ("目录", "另一个目录", "另一个目录"):
        result = pelican(output, f"SITENAME={json.dumps(title)}", data=fixture_files)
        assert result.returncode == 0, result.stderr
        names.append({path.name: path.stat().st_mtime_ns for path in kept.iterdir()})
    assert len(names[0]) >= 5  # every template the site renders, compiled
    assert not names[0].keys() & names[1].keys()  # another setting: compiled again, the old ones deleted
    assert names[1] == names[2]  # the same: read back, not compiled (nor written) again
    assert "另一个目录" in (output / "index.html").read_text(encoding="utf-8")


def test_content_written_receivers_hear_of_every_file_written(fixture_files, tmp_path):
    plugins = tmp_path / "plugins"
    (plugins / "recorder").mkdir(parents=True)
    (plugins / "recorder" / "__init__.py").write_text(RECORDER, encoding="utf-8")
    heard = tmp_path / "heard.txt"
    env = {**os.environ, "MULU_TEST_WRITTEN": str(heard)}
    overrides = [f"PLUGIN_PATHS={json.dumps(['plugins', str(plugins)])}", 'PLUGINS=["mulu_directory", "recorder"]']
    site = tmp_path / "site"

    def announced(data: Path) -> set[str]:
        heard.write_text("", encoding="utf-8")
        result = pelican(site, *overrides, env=env, data=data)
        assert result.returncode == 0, result.stderr
        return {Path(line).relative_to(site).as_posix() for line in heard.read_text(encoding="utf-8").split()}

    assert announced(fixture_files) == written_by_the_build(tree(site))  # a first build writes every file
    pair = Pair(fixture_files, tmp_path)
    pair.record(pair.filed()[0], "更正", phone="021-64881234")
    before = times(site)
    heard_now = announced(pair.save("phone"))
    rewritten = written_by_the_build({path for path, mtime in times(site).items() if before.get(path) != mtime})
    assert heard_now == rewritten and f"org/{pair.filed()[0]['credit_code']}/index.html" in heard_now


def written_by_the_build(paths) -> set[str]:
    """The files but the compressed copies, which a content_written receiver writes itself."""
    return {path for path in paths if not path.endswith((".gz", ".br"))}


def test_a_template_reading_what_its_page_is_not_given_stops_the_build(fixture_files, tmp_path):
    theme = tmp_path / "theme"
    shutil.copytree(ROOT / "theme", theme)
    index = theme / "templates" / "occupations.html"
    # The index is given each occupation's code, title and count; its holders are not in its key.
    index.write_text(index.read_text(encoding="utf-8").replace("{{ view.title }}", "{{ view.title }}{{ view.pending }}"),
                     encoding="utf-8")
    result = pelican(tmp_path / "site", f"THEME={json.dumps(str(theme))}", data=fixture_files)
    assert result.returncode != 0
    assert "UndefinedError" in result.stdout + result.stderr and "pending" in result.stdout + result.stderr
