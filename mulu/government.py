"""What a government site in mainland China must carry on every page: the footer's marks and
links and the ``<head>`` metadata, from the ``MULU_*`` settings (see ``docs/deploy.md``).

A setting a bureau has not filled in yet is shown as a marked placeholder; a value of the wrong
shape is refused at start-up; ``invoke publish`` of real data refuses a missing one as well
(:func:`problems`)."""

from __future__ import annotations

import base64
import mimetypes
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Callable
from urllib.parse import quote, urlsplit

from markupsafe import Markup, escape

# The footer and metadata partials every page and receipt shares.
TEMPLATES = Path(__file__).parent / "templates"
PLACEHOLDER = Markup('<span class="placeholder">〔示例占位：上线前填写 {}〕</span>')
# The placeholder images the project ships: a bureau replaces them with the official files.
PLACEHOLDER_MARK = "theme/marks/gov-mark-placeholder.svg"
PLACEHOLDER_EMBLEM = "theme/marks/psb-emblem-placeholder.svg"
IMAGE_TYPES = (".svg", ".png", ".gif", ".jpg", ".jpeg")
# Where the site publishes the two images (the settings may name files of any of IMAGE_TYPES).
MARK_PATH = "marks/gov-mark{suffix}"
EMBLEM_PATH = "marks/psb-emblem{suffix}"


def is_url(value: str) -> bool:
    parts = urlsplit(value)
    return parts.scheme in ("http", "https") and bool(parts.netloc) and " " not in value


def is_site_url(value: str) -> bool:
    return is_url(value) and not value.endswith("/") and not urlsplit(value).query


def is_phone(value: str) -> bool:
    return re.fullmatch(r"\d[\d-]{3,18}\d", value) is not None


def is_email(value: str) -> bool:
    return re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s.]+", value) is not None


def is_site_id_code(value: str) -> bool:
    """Ten characters: ten digits for a local government's site, ``bm`` and eight for a ministry's."""
    return re.fullmatch(r"\d{10}|bm\d{8}", value) is not None


def is_icp_number(value: str) -> bool:
    return re.fullmatch(r"[\u4e00-\u9fff]ICP备\d{6,10}号(-\d{1,3})?", value) is not None


def is_psb_number(value: str) -> bool:
    return re.fullmatch(r"[\u4e00-\u9fff]公网安备 ?\d{14}号", value) is not None


def has_fields(*names: str) -> Callable[[str], bool]:
    """A check that a link template names only the fields it may (``{code}``…) and is a URL."""
    def check(value: str) -> bool:
        used = set(re.findall(r"{(\w*)}", value))
        return used <= set(names) and is_url(value.format(**{name: "0" for name in names}))
    return check


@dataclass(frozen=True)
class Rule:
    label: str
    shape: str  # how a valid value looks, for the message
    valid: Callable[[str], bool]


RULES: dict[str, Rule] = {
    "MULU_SITE_URL": Rule("网站地址", "以 https:// 开头的完整地址，末尾不带 /，如 https://rsj.sh.gov.cn/mulu", is_site_url),
    "MULU_SITE_HOST": Rule("主办单位", "单位全称", bool),
    "MULU_CONTACT_PHONE": Rule("联系电话", "数字和连字符，如 021-12345678", is_phone),
    "MULU_CONTACT_ADDRESS": Rule("联系地址", "通信地址", bool),
    "MULU_CONTACT_EMAIL": Rule("联系邮箱", "电子邮箱，如 webmaster@rsj.sh.gov.cn", is_email),
    "MULU_SITE_ID_CODE": Rule("政府网站标识码", "10 位，如 3100000001（部委网站为 bm 加 8 位数字）", is_site_id_code),
    "MULU_ICP_NUMBER": Rule("ICP备案号", "省级简称、ICP备、数字和号，如 沪ICP备12345678号 或 沪ICP备12345678号-1", is_icp_number),
    "MULU_ICP_QUERY_URL": Rule("ICP备案查询地址", "完整网址", is_url),
    "MULU_PSB_NUMBER": Rule("公安机关备案号", "省级简称、公网安备、14 位数字和号，如 沪公网安备31010402001234号", is_psb_number),
    "MULU_PSB_QUERY_URL": Rule("公安备案查询地址", "完整网址，可含 {code}", has_fields("code")),
    "MULU_GOV_MARK_URL": Rule("党政机关网站标识的证书链接", "完整网址，如 https://bszs.conac.cn/sitename?method=show&id=…", is_url),
    "MULU_ERROR_REPORT_URL": Rule("「我为政府网站找错」链接", "完整网址，可含 {site_code} 与 {url}",
                                  has_fields("site_code", "url")),
    "MULU_COMPLAINT_PHONE": Rule("投诉举报电话", "数字和连字符，如 12333", is_phone),
    "MULU_COMPLAINT_URL": Rule("网上投诉举报渠道", "完整网址", is_url),
}
IMAGES = {"MULU_GOV_MARK": "党政机关网站标识图片", "MULU_PSB_EMBLEM": "公安机关备案图标"}


def problems(settings: dict, root: Path | None, publishing: bool) -> list[str]:
    """One Chinese line per malformed setting and, when ``publishing`` real data, per missing
    one or image that is still the shipped placeholder. The images are looked for in ``root``
    (the settings file's folder), if given."""
    lines = []
    for key, rule in RULES.items():
        value = settings[key]
        if not isinstance(value, str):
            lines.append(f"{key}（{rule.label}）必须是字符串，现为 {value!r}")
        elif value.strip() != value:
            lines.append(f"{key}（{rule.label}）前后不能有空格：{value!r}")
        elif value and not rule.valid(value):
            lines.append(f"{key}（{rule.label}）格式不对：现为「{value}」，应为 {rule.shape}")
        elif not value and publishing:
            lines.append(f"{key}（{rule.label}）未填写：应为 {rule.shape}")
    for key, label in IMAGES.items():
        lines += image_problems(key, label, settings[key], root, publishing)
    return lines


def is_placeholder(image: str) -> bool:
    """One of the shipped placeholder images, wherever the settings say it is."""
    return Path(image).name in (Path(PLACEHOLDER_MARK).name, Path(PLACEHOLDER_EMBLEM).name)


def image_problems(key: str, label: str, value, root: Path | None, publishing: bool) -> list[str]:
    if not isinstance(value, str) or Path(value).suffix.lower() not in IMAGE_TYPES:
        return [f"{key}（{label}）必须是 {'、'.join(IMAGE_TYPES)} 图片文件的路径，现为 {value!r}"]
    if root is not None and not (root / value).is_file():
        return [f"{key}（{label}）的文件 {value} 不存在（路径相对于设置文件所在的文件夹）"]
    if publishing and is_placeholder(value):
        return [f"{key}（{label}）仍是示例占位图 {value}：请放入正式图片文件并填写其路径"]
    return []


@dataclass(frozen=True)
class Government:
    """The footer's and metadata's values as the templates show them ("" when not filled in)."""

    site_url: str
    domain: str
    host: str
    centre: str
    phone: str
    address: str
    email: str
    site_id_code: str
    icp_number: str
    icp_href: str
    psb_number: str
    psb_href: str
    mark_href: str
    mark_placeholder: bool  # the shipped placeholder image is still in use
    error_report_href: str
    complaint_phone: str
    complaint_href: str

    def page_url(self, path: str) -> str:
        """The public address of a site path such as ``org/X/`` ("" without MULU_SITE_URL)."""
        return f"{self.site_url}/{path}" if self.site_url else ""


def filled(value, key: str) -> Markup:
    """A setting's value, or, while a bureau has not filled it in, a marked placeholder naming it.
    A global of the templates (:data:`TEMPLATE_GLOBALS`) rather than an imported macro: Jinja
    compares all the globals with the importing page's on every import, which every page's
    footer would pay for."""
    return escape(value) if value else PLACEHOLDER.format(key)


TEMPLATE_GLOBALS = {"filled": filled}


def government(settings: dict) -> Government:
    site_url = settings["MULU_SITE_URL"]
    site_id = settings["MULU_SITE_ID_CODE"]
    psb = settings["MULU_PSB_NUMBER"]
    return Government(
        site_url=site_url,
        domain=urlsplit(site_url).hostname or "",
        host=settings["MULU_SITE_HOST"],
        centre=settings["MULU_CENTRE"],
        phone=settings["MULU_CONTACT_PHONE"],
        address=settings["MULU_CONTACT_ADDRESS"],
        email=settings["MULU_CONTACT_EMAIL"],
        site_id_code=site_id,
        icp_number=settings["MULU_ICP_NUMBER"],
        icp_href=settings["MULU_ICP_QUERY_URL"],
        psb_number=psb,
        psb_href=settings["MULU_PSB_QUERY_URL"].format(code="".join(re.findall(r"\d", psb))) if psb else "",
        mark_href=settings["MULU_GOV_MARK_URL"],
        mark_placeholder=is_placeholder(settings["MULU_GOV_MARK"]),
        error_report_href=settings["MULU_ERROR_REPORT_URL"].format(
            site_code=quote(site_id, safe=""), url=quote(site_url + "/", safe="")) if site_id and site_url else "",
        complaint_phone=settings["MULU_COMPLAINT_PHONE"],
        complaint_href=settings["MULU_COMPLAINT_URL"],
    )


def image_relpaths(settings: dict) -> dict[str, str]:
    """Setting -> where the site publishes its image."""
    return {key: pattern.format(suffix=Path(settings[key]).suffix.lower())
            for key, pattern in (("MULU_GOV_MARK", MARK_PATH), ("MULU_PSB_EMBLEM", EMBLEM_PATH))}


def data_uri(path: Path) -> str:
    """An image inlined, for a receipt that must show it wherever the file is opened."""
    kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    return f"data:{kind};base64,{base64.b64encode(path.read_bytes()).decode('ascii')}"
