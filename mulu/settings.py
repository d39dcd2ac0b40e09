"""Settings: one dict of namespaced defaults, overridden by ``pelicanconf.py`` and checked once.

Pelican reads ``pelicanconf.py`` for the site; the staff scripts read the same file through
:func:`load_settings`, so the city, the file paths and the process rules are stated once.
"""

from __future__ import annotations

import datetime as dt
import runpy
from pathlib import Path

from .government import PLACEHOLDER_EMBLEM, PLACEHOLDER_MARK, problems

DEFAULTS: dict[str, object] = {
    # The city whose bureau runs the directory.
    "MULU_CITY_NAME": "上海市",
    "MULU_CITY_SHORT": "上海",
    "MULU_PROVINCE_CODE": "31",
    "MULU_BUREAU": "上海市人力资源和社会保障局",
    "MULU_CENTRE": "上海市职业技能鉴定中心",
    # Files, relative to the project root unless absolute.
    "MULU_REGISTRY": "registry.csv",
    "MULU_HISTORY": "history.csv",
    "MULU_REFERENCE_DIR": "reference",
    "MULU_RECEIPTS_DIR": "receipts",
    # The process.
    "MULU_NOTICE_WORKING_DAYS": 5,
    "MULU_TERM_YEARS": 3,
    "MULU_EXPIRY_WARNING_DAYS": 90,
    # Working-day calendar for the 公示 period: public holidays on weekdays, and the weekend days
    # worked in their place (调休), as YYYY-MM-DD strings.
    "MULU_HOLIDAYS": (),
    "MULU_WORKDAYS": (),
    # Whether the site shows the inspector pool (names, units, whom each must not inspect) and who
    # was drawn to inspect whom; False shows only how many inspectors the pool holds.
    "MULU_PUBLISH_INSPECTORS": False,
    # The date statuses are computed for; None means the day of the build.
    "MULU_TODAY": None,
    # Marks every page as sample data while the shipped registry is fictional.
    "MULU_SAMPLE_DATA": False,
    # Processes that build the site: 2 renders on two cores (a forked worker), 1 in one process.
    "MULU_BUILD_PROCESSES": 2,
    # The build cache beside the output folder (<output>.build-cache): a rebuild makes again only
    # what changed. False (or Pelican's --ignore-cache, or invoke build --no-cache) builds from
    # scratch without reading or writing it.
    "MULU_BUILD_CACHE": True,
    # The headless Chromium that prints receipts as PDF (Debian's; ./dev setup installs it).
    "MULU_CHROMIUM": "/usr/bin/chromium",
    # What a government site must carry (mulu/government.py; docs/deploy.md says what to fill in).
    # The directory's public address, e.g. https://rsj.example.gov.cn/mulu (no trailing slash):
    # SiteDomain, the receipts' QR code and the error-report link come from it.
    "MULU_SITE_URL": "",
    "MULU_SITE_HOST": "",  # 主办单位
    "MULU_CONTACT_PHONE": "",
    "MULU_CONTACT_ADDRESS": "",
    "MULU_CONTACT_EMAIL": "",
    "MULU_SITE_ID_CODE": "",  # 政府网站标识码
    "MULU_ICP_NUMBER": "",  # e.g. 沪ICP备12345678号-1
    "MULU_ICP_QUERY_URL": "https://beian.miit.gov.cn/",
    "MULU_PSB_NUMBER": "",  # e.g. 沪公网安备31010402001234号
    # {code}: the 14 digits of the public-security number.
    "MULU_PSB_QUERY_URL": "https://beian.mps.gov.cn/#/query/webSearch?code={code}",
    "MULU_PSB_EMBLEM": PLACEHOLDER_EMBLEM,
    "MULU_GOV_MARK": PLACEHOLDER_MARK,  # 党政机关网站标识, an image file in the repository
    "MULU_GOV_MARK_URL": "",  # its certificate page, https://bszs.conac.cn/sitename?method=show&id=…
    # {site_code}: MULU_SITE_ID_CODE; {url}: MULU_SITE_URL, percent-encoded.
    "MULU_ERROR_REPORT_URL": "https://zfwzgl.www.gov.cn/exposure/jiucuo.html?site_code={site_code}&url={url}",
    "MULU_COMPLAINT_PHONE": "12333",
    "MULU_COMPLAINT_URL": "",  # the bureau's online complaint channel
    # Write X.gz and X.br beside each text file X of the site, for servers to send as they are
    # (docs/deploy.md). Switched off, the copies of each file that changes are removed.
    "MULU_PRECOMPRESS": True,
}


class SettingsError(ValueError):
    """A setting has a value mulu cannot work with."""


def check_settings(settings: dict, root: Path | None = None) -> dict:
    """Return the MULU_* settings with defaults filled in, or raise SettingsError. With the
    settings file's folder (``root``), the image files they name must exist too."""
    merged = {key: settings.get(key, default) for key, default in DEFAULTS.items()}
    unknown = sorted(k for k in settings if k.startswith("MULU_") and k not in DEFAULTS)
    if unknown:
        raise SettingsError(f"未知的设置项：{', '.join(unknown)}（可用设置见 mulu/settings.py）")
    code = merged["MULU_PROVINCE_CODE"]
    if not (isinstance(code, str) and len(code) == 2 and code.isdigit()):
        raise SettingsError(f"MULU_PROVINCE_CODE 必须是两位数字的字符串，现为 {code!r}")
    for key in ("MULU_NOTICE_WORKING_DAYS", "MULU_TERM_YEARS", "MULU_EXPIRY_WARNING_DAYS", "MULU_BUILD_PROCESSES"):
        value = merged[key]
        if not (isinstance(value, int) and value > 0):
            raise SettingsError(f"{key} 必须是正整数，现为 {value!r}")
    for key in ("MULU_BUILD_CACHE", "MULU_PRECOMPRESS", "MULU_PUBLISH_INSPECTORS"):
        if not isinstance(merged[key], bool):
            raise SettingsError(f"{key} 必须是 True 或 False，现为 {merged[key]!r}")
    for key in ("MULU_HOLIDAYS", "MULU_WORKDAYS"):
        merged[key] = date_list(key, merged[key])
    today = merged["MULU_TODAY"]
    if isinstance(today, str):
        try:
            merged["MULU_TODAY"] = dt.date.fromisoformat(today)
        except ValueError:
            raise SettingsError(f"MULU_TODAY 必须是 YYYY-MM-DD 日期，现为 {today!r}") from None
    elif today is not None and not isinstance(today, dt.date):
        raise SettingsError(f"MULU_TODAY 必须是日期或 None，现为 {today!r}")
    malformed = problems(merged, root, publishing=False)
    if malformed:
        raise SettingsError("\n".join(malformed))
    return merged


def date_list(key: str, values) -> tuple[dt.date, ...]:
    if isinstance(values, str) or not hasattr(values, "__iter__"):
        raise SettingsError(f"{key} 必须是日期列表，如 ['2026-10-01', '2026-10-02']，现为 {values!r}")
    dates = []
    for value in values:
        try:
            dates.append(value if isinstance(value, dt.date) else dt.date.fromisoformat(value))
        except (TypeError, ValueError):
            raise SettingsError(f"{key} 中的「{value}」不是 YYYY-MM-DD 日期") from None
    return tuple(dates)


def load_settings(conf: str | Path = "pelicanconf.py") -> dict:
    """Read the MULU_* settings (and the site's name, which receipts show) from a Pelican
    settings file (defaults when it is absent)."""
    return settings_of(*read_settings(conf))


def settings_of(values: dict, root: Path) -> dict:
    """A settings file's names as :func:`load_settings` gives them: its MULU_* settings checked
    (defaults filled in), the folder its paths are relative to, and the site's name."""
    settings = check_settings({k: v for k, v in values.items() if k.startswith("MULU_")}, root)
    settings["ROOT"] = root
    settings["SITENAME"] = values.get("SITENAME", "")
    return settings


def read_settings(conf: str | Path) -> tuple[dict, Path]:
    """A Pelican settings file's names, unchecked, and the folder its paths are relative to."""
    path = Path(conf)
    return (runpy.run_path(str(path)) if path.exists() else {}), path.resolve().parent


def resolve(settings: dict, key: str) -> Path:
    """A file setting as a path, relative to the settings file's folder."""
    path = Path(settings[key])
    return path if path.is_absolute() else Path(settings.get("ROOT", ".")) / path
