"""invoke publish, before building: a site of real data (MULU_SAMPLE_DATA = False) must carry
every item a government site is checked for. Lists every missing or malformed setting at once
and exits 2, so that nothing is built or written."""

from __future__ import annotations

import argparse
import sys

from mulu.government import problems
from mulu.settings import DEFAULTS, SettingsError, read_settings, settings_of

from .common import EXIT_OK, EXIT_USAGE, fail


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description="发布前检查政府网站必须填写的设置")
    p.add_argument("--conf", default="publishconf.py", help="设置文件（默认 publishconf.py）")
    args = p.parse_args(argv)
    values, root = read_settings(args.conf)
    settings = {**DEFAULTS, **{key: value for key, value in values.items() if key in DEFAULTS}}
    # A sample site shows the settings not filled in as marked placeholders.
    lines = problems(settings, root, publishing=not settings["MULU_SAMPLE_DATA"])
    for line in lines:
        print(f"{args.conf}: {line}", file=sys.stderr)
    if lines:
        return fail(f"共 {len(lines)} 项设置缺失或有误，未构建，未写入任何文件。请按 docs/deploy.md"
                    f"「上线前必须填写的设置」填写后重新运行 invoke publish。", EXIT_USAGE)
    try:
        settings_of(values, root)  # every other setting, as the build will check them
    except SettingsError as exc:
        return fail(f"设置错误：{exc}", EXIT_USAGE)
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
