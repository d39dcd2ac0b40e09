"""invoke deploy against a real S3 server: ``rclone serve s3`` on 127.0.0.1 over a temporary folder
(a bucket is a folder in it, an object a file), started and stopped here. A first deploy
uploads every built file; after a one-organisation change (its credit code corrected, so its
page moves) a second uploads only the changed files and leaves no stale one; a deploy killed
midway leaves no published page referring to a missing file; the credentials stay secret."""

from __future__ import annotations

import json
import os
import secrets
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from benchmarks.servers import LocalS3
from mulu.codes import uscc_check_char
from mulu.deploy import IMMUTABLE, REVALIDATE, cache_control, content_type, rclone_executable, size_text
from mulu.store import write_pair
from registry_files import read_rows
from site_links import broken_links

from conftest import ROOT
from test_site_rebuild import times, tree

REMOTE = "mulutest"
COPIES = (".gz", ".br")


def corrected_credit_code(code: str) -> str:
    """Another valid credit code differing in one character: a typo staff corrected."""
    digit = str((int(code[15]) + 1) % 10) if code[15].isdigit() else "0"
    first17 = code[:15] + digit + code[16]
    return first17 + uscc_check_char(first17)


def with_corrected_code(source: Path, target: Path) -> tuple[str, str]:
    """The pair in ``source`` with one filed organisation's credit code corrected in its row
    and its history, written to ``target``; the old and the new code."""
    rows, events = read_rows(source / "registry.csv"), read_rows(source / "history.csv")
    row = [r for r in rows if r["status"] == "已备案"][-1]
    old, new = row["credit_code"], corrected_credit_code(row["credit_code"])
    for record in [row, *(e for e in events if e["credit_code"] == old)]:
        record["credit_code"] = new
    target.mkdir()
    write_pair(target / "registry.csv", rows, target / "history.csv", events)
    return old, new


def published(site: Path) -> dict[str, bytes]:
    """What a deploy publishes of a built site: every file but the compressed copies."""
    return {path: data for path, data in tree(site).items() if not path.endswith(COPIES)}


@pytest.fixture(scope="module")
def sites(tmp_path_factory, fixture_files, build_site):
    """The fixture registry built (``before``), and again after a credit code correction (``after``)."""
    folder = tmp_path_factory.mktemp("deploy-sites")
    old, new = with_corrected_code(fixture_files, folder / "corrected")
    for name, data in (("before", fixture_files), ("after", folder / "corrected")):
        result = build_site(folder / name, data / "registry.csv", data / "history.csv")
        assert result.returncode == 0, result.stderr
    return folder / "before", folder / "after", old, new


class S3(LocalS3):
    """The local S3 server as the remote ``mulutest``, and ``invoke deploy`` to it."""

    def __init__(self, root: Path):
        super().__init__(root, REMOTE)

    def folder(self, bucket: str) -> Path:
        return self.root / bucket / "pjzz"

    def deploy_argv(self, bucket: str, output: Path, *extra: str) -> list[str]:
        return [sys.executable, "-m", "invoke", "deploy", "--to", f"{REMOTE}:{bucket}/pjzz", "--output", str(output), *extra]

    def deploy(self, bucket: str, output: Path, *extra: str, env: dict | None = None) -> subprocess.CompletedProcess:
        done = subprocess.run(self.deploy_argv(bucket, output, *extra), cwd=ROOT, capture_output=True, text=True,
                              env=env or self.env)
        assert self.secret not in done.stdout + done.stderr and self.key not in done.stdout + done.stderr
        return done

    def metadata(self, bucket: str, relpath: str) -> dict[str, str]:
        folder, _, name = f"{bucket}/pjzz/{relpath}".rpartition("/")
        listed = subprocess.run([rclone_executable(), "-q", "lsjson", "--metadata", f"{REMOTE}:{folder}"],
                                env=self.env, capture_output=True, text=True, check=True)
        return next(item["Metadata"] for item in json.loads(listed.stdout) if item["Name"] == name)


@pytest.fixture(scope="module")
def s3(tmp_path_factory):
    root = tmp_path_factory.mktemp("s3") / "root"
    root.mkdir()
    server = S3(root)
    yield server
    server.close()


def test_a_first_deploy_uploads_every_built_file_but_the_compressed_copies(s3, sites):
    before = sites[0]
    done = s3.deploy("first", before)
    assert done.returncode == 0, done.stderr
    expected = published(before)
    assert tree(s3.folder("first")) == expected
    assert f"完成：已上传 {len(expected)} 个文件" in done.stdout
    again = s3.deploy("first", before)
    assert "将上传 0 个文件" in again.stdout and f"{len(expected)} 个文件未变" in again.stdout


def test_objects_get_the_content_type_and_cache_control_of_their_kind(s3, sites):
    before = sites[0]
    assert s3.deploy("headers", before).returncode == 0
    theme = next(path for path in published(before) if path.startswith("theme/css/"))
    cases = {"index.html": ("text/html; charset=utf-8", REVALIDATE),
             "orgs/rows.json": ("application/json; charset=utf-8", REVALIDATE),
             "data/registry.csv": ("text/csv; charset=utf-8", REVALIDATE),
             "data/registry.xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", REVALIDATE),
             theme: ("text/css; charset=utf-8", IMMUTABLE)}
    for path, (kind, caching) in cases.items():
        assert (content_type(path), cache_control(path)) == (kind, caching)
        metadata = s3.metadata("headers", path)
        assert (metadata["content-type"], metadata["cache-control"]) == (kind, caching), path


def changed_files(before: Path, after: Path) -> set[str]:
    old, new = published(before), published(after)
    return {path for path, data in new.items() if old.get(path) != data}


def test_after_a_one_organisation_change_only_what_changed_moves(s3, sites):
    before, after, old, new = sites
    assert s3.deploy("change", before).returncode == 0
    uploaded = times(s3.folder("change"))
    preview = s3.deploy("change", after, "--dry-run")
    assert preview.returncode == 0 and times(s3.folder("change")) == uploaded
    changed = changed_files(before, after)
    assert {f"org/{new}/index.html", f"org/{new}.json", "orgs/index.html"} <= changed
    assert {line.removeprefix("上传 ") for line in preview.stdout.splitlines() if line.startswith("上传 ")} == changed
    assert {line.removeprefix("删除 ") for line in preview.stdout.splitlines() if line.startswith("删除 ")} == {
        f"org/{old}/index.html", f"org/{old}.json"}

    done = s3.deploy("change", after)
    assert done.returncode == 0, done.stderr
    assert tree(s3.folder("change")) == published(after)  # no stale file left
    rewritten = {path for path, mtime in times(s3.folder("change")).items() if uploaded.get(path) != mtime}
    assert rewritten == changed
    size = sum(len(published(after)[path]) for path in changed)
    assert f"完成：已上传 {len(changed)} 个文件（{size_text(size)}），删除 2 个文件" in done.stdout


def changed_pages_published(folder: Path, before: Path, after: Path) -> bool:
    """Whether a page of both builds that the change altered is now published as the new build has it."""
    old, new = published(before), published(after)
    pages = [path for path in new if path.endswith(".html") and path in old and old[path] != new[path]]
    return any((folder / path).is_file() and (folder / path).read_bytes() == new[path] for path in pages)


def wait_until_settled(folder: Path, quiet: float = 0.5, seconds: float = 20) -> None:
    """Wait for the server to finish or drop the upload the killed client had in flight: until no
    temporary file has been seen for ``quiet`` seconds. rclone's S3 server writes an object to a
    temporary file and, to overwrite one, removes the old file before renaming the new one in, where
    an S3 service replaces an object in one step; the published site is judged once it has settled."""
    deadline = time.monotonic() + seconds
    last_busy = time.monotonic()
    while time.monotonic() - last_busy < quiet:
        assert time.monotonic() < deadline, "the S3 server did not settle after the deploy was killed"
        if any(folder.rglob(".rclone_temp_*")):
            last_busy = time.monotonic()
        time.sleep(0.01)


def test_a_deploy_killed_midway_leaves_no_page_referring_to_a_missing_file(s3, sites):
    """The deploy is slowed down (one transfer at a time, limited bandwidth, both rclone's own
    environment settings) and killed as soon as the first changed page is published: by then
    every file it refers to must be there, and nothing has been deleted yet."""
    before, after, old, new = sites
    assert s3.deploy("killed", before).returncode == 0
    folder = s3.folder("killed")
    slow = {**s3.env, "RCLONE_TRANSFERS": "1", "RCLONE_BWLIMIT": "100k"}
    deploy = subprocess.Popen(s3.deploy_argv("killed", after), cwd=ROOT, env=slow, start_new_session=True,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 120
        while not changed_pages_published(folder, before, after) and deploy.poll() is None and time.monotonic() < deadline:
            time.sleep(0.01)
        assert deploy.poll() is None, "the deploy ended before a changed page was published: nothing to interrupt"
    finally:
        os.killpg(deploy.pid, signal.SIGKILL)
        deploy.wait()
    wait_until_settled(folder)
    assert broken_links(folder)[0] == []
    assert (folder / f"org/{old}/index.html").is_file()  # deleted only once everything else is up
    assert (folder / f"org/{new}/index.html").is_file()

    resumed = s3.deploy("killed", after)
    assert resumed.returncode == 0, resumed.stderr
    assert tree(folder) == published(after)


def test_wrong_credentials_fail_cleanly_without_showing_them(s3, sites):
    wrong = {**s3.env, f"RCLONE_CONFIG_{REMOTE.upper()}_SECRET_ACCESS_KEY": secrets.token_hex(16)}
    done = s3.deploy("denied", sites[0], env=wrong)
    assert done.returncode == 1
    assert "部署未完成" in done.stderr
    assert wrong[f"RCLONE_CONFIG_{REMOTE.upper()}_SECRET_ACCESS_KEY"] not in done.stdout + done.stderr
    assert not (s3.root / "denied").exists()


@pytest.mark.parametrize("argv, code, message", [
    ([], 2, "--to"),
    (["--to", "no-colon"], 2, "远程存储名:存储桶/路径"),
    (["--to", "unknown:bucket/pjzz"], 2, "没有名为「unknown」的 rclone 远程存储"),
    (["--to", f"{REMOTE}:bucket/pjzz", "--output", "no-such-folder"], 1, "不是构建好的网站"),
])
def test_usage_and_input_errors_exit_with_their_codes(s3, argv, code, message):
    done = subprocess.run([sys.executable, "-m", "invoke", "deploy", *argv], cwd=ROOT, env=s3.env,
                          capture_output=True, text=True)
    assert done.returncode == code
    assert message in done.stderr
