"""What a deploy moves after a one-organisation change: the built site deployed with
``invoke deploy``'s own code (:mod:`mulu.deploy`) to a real S3 server on 127.0.0.1
(``rclone serve s3`` over a folder), then rebuilt with the change and deployed again."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Callable

from mulu.deploy import Plan, Rclone, make_plan, rclone_executable, run

from .servers import LocalS3

REMOTE = "mulubench"


def deploy(rclone: Rclone, output: Path) -> Plan:
    plan = make_plan(output, rclone.listing())
    run(rclone, output, plan, lambda _: None)
    return plan


def moved(output: Path, build: Callable[[Path], None], data: Path, changed: Path, work: Path) -> dict:
    """Build ``output`` from ``data`` and deploy it; build it from ``changed`` and deploy again:
    the files that second deploy uploads or deletes, and the bytes it uploads."""
    shutil.rmtree(work, ignore_errors=True)
    (work / "s3").mkdir(parents=True)
    server = LocalS3(work / "s3", REMOTE)
    try:
        rclone = Rclone(rclone_executable(), f"{REMOTE}:site/directory", server.env)
        build(data)
        deploy(rclone, output)
        build(changed)
        plan = deploy(rclone, output)
    finally:
        server.close()
    return {"deploy_files": len(plan.uploads) + len(plan.stale), "deploy_bytes": plan.upload_bytes}
