"""Identifier formats: 统一社会信用代码 (GB 32100-2015), 备案编号, 职业技能等级证书编号."""

from __future__ import annotations

import re
from dataclasses import dataclass

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
USCC_VALUES = {c: i for i, c in enumerate(USCC_ALPHABET)}
USCC_SHAPE = re.compile(r"[0-9A-HJ-NPQRTUWXY]{18}")

# The first two characters of a credit code name the registering authority and kind of entity.
ORG_TYPE_PREFIXES = {
    "企业": ("91",),
    "行业协会": ("51",),
    "职业院校": ("12", "52"),
    "其他": None,  # any
}

FILING_NO_SHAPE = re.compile(r"S(?P<org>\d{4})(?P<province>\d{2})(?P<seq>\d{6})")
CERTIFICATE_SHAPE = re.compile(
    r"(?P<kind>[SY])(?P<org>\d{4})(?P<province>\d{2})(?P<seq>\d{6})"
    r"(?P<year>\d{2})(?P<level>\d)(?P<serial>\d{6})"
)
LOCAL_ORG_CODE = "0000"


def uscc_check_char(first17: str) -> str:
    """The GB 32100-2015 check character for the first 17 characters of a credit code."""
    total = sum(map(int.__mul__, map(USCC_VALUES.__getitem__, first17), USCC_WEIGHTS))
    return USCC_ALPHABET[(31 - total % 31) % 31]


def uscc_problem(code: str) -> str | None:
    """Why ``code`` is not a valid credit code, in Chinese, or None when it is valid."""
    if len(code) != 18:
        return f"统一社会信用代码应为 18 位，这里是 {len(code)} 位"
    if not USCC_SHAPE.fullmatch(code):
        bad = sorted({c for c in code if c not in USCC_ALPHABET})
        hint = "（字母须大写；I、O、Z、S、V 不会出现）" if bad else ""
        return f"统一社会信用代码含不允许的字符 {''.join(bad)}{hint}"
    expected = uscc_check_char(code[:17])
    if code[17] != expected:
        return f"统一社会信用代码校验位错误：第 18 位应为 {expected}，这里是 {code[17]}，请核对原件"
    return None


def uscc_province(code: str) -> str:
    """The province part (characters 3–4) of a credit code's registration-area code."""
    return code[2:4]


@dataclass(frozen=True)
class FilingNo:
    org: str
    province: str
    seq: str

    def __str__(self) -> str:
        return f"S{self.org}{self.province}{self.seq}"


def parse_filing_no(text: str) -> FilingNo | None:
    match = FILING_NO_SHAPE.fullmatch(text)
    return FilingNo(match["org"], match["province"], match["seq"]) if match else None


@dataclass(frozen=True)
class Certificate:
    kind: str  # S 社会培训评价组织, Y 用人单位
    filing_no: str  # the issuing organisation's 13-character code
    province: str
    year: int  # four digits
    level: int
    serial: str


def normalize_certificate(text: str) -> str:
    """A certificate number as typed: spaces dropped, letters upper-cased."""
    return "".join(text.split()).upper()


def parse_certificate(text: str) -> Certificate | None:
    match = CERTIFICATE_SHAPE.fullmatch(text)
    if not match:
        return None
    return Certificate(
        kind=match["kind"],
        filing_no=text[:13],
        province=match["province"],
        year=2000 + int(match["year"]),
        level=int(match["level"]),
        serial=match["serial"],
    )


# What a reader is told about a certificate number, by kind. The browser fills in the same
# templates (they ship in the authorisation data), so both sides word it identically.
CERTIFICATE_MESSAGES = {
    "empty": "请填写 22 位职业技能等级证书编号",
    "length": "证书编号应为 22 位，这里是 {count} 位",
    "kind": "证书编号第 1 位应为 S（社会培训评价组织）或 Y（用人单位），这里是「{char}」",
    "digit": "证书编号第 {position} 位应为数字，这里是「{char}」",
    "province_unknown": "证书编号第 6–7 位是省份代码，「{province}」不是有效的省份代码",
    "level": "证书编号第 16 位是技能等级，应为 1–5，这里是 {level}",
    "year": "证书编号第 14–15 位是发证年份，{year} 年晚于目录数据所在的 {latest} 年，请核对编号",
    "employer": "这是用人单位自主评价颁发的证书（编号以 Y 开头），发证的是用人单位，"
                "不是社会培训评价组织，因此不在本目录中；请向发证的用人单位核实，"
                "或通过技能人才评价证书全国联网查询系统查询。",
    "other_province": "这张证书由{province_name}备案的评价机构颁发（证书编号第 6–7 位省份代码为 {province}），"
                      "不在{city}的目录中；请向{province_name}人力资源和社会保障部门核实，"
                      "或通过技能人才评价证书全国联网查询系统查询。",
}


@dataclass(frozen=True)
class CertificateCheck:
    """A certificate number read for a reader: the parsed number when it is one of ours."""

    kind: str  # "ok" or a key of CERTIFICATE_MESSAGES
    message: str
    certificate: Certificate | None = None


def check_certificate(text: str, provinces: dict[str, str], home: str, city: str, latest_year: int) -> CertificateCheck:
    """Read a certificate number, saying precisely what is wrong or why it is not ours.

    ``provinces`` maps the two-digit codes to names, ``home`` is this directory's province code
    and ``latest_year`` the year of the data (no certificate can be from later).
    """
    number = normalize_certificate(text)

    def says(kind: str, **values) -> CertificateCheck:
        return CertificateCheck(kind, CERTIFICATE_MESSAGES[kind].format(**values))

    if not number:
        return says("empty")
    if len(number) != 22:
        return says("length", count=len(number))
    if number[0] not in "SY":
        return says("kind", char=number[0])
    for position, char in enumerate(number[1:], start=2):
        if not char.isascii() or not char.isdigit():
            return says("digit", position=position, char=char)
    certificate = parse_certificate(number)
    if certificate.province not in provinces:
        return says("province_unknown", province=certificate.province)
    if not 1 <= certificate.level <= 5:
        return says("level", level=certificate.level)
    if certificate.year > latest_year:
        return says("year", year=certificate.year, latest=latest_year)
    if certificate.kind == "Y":
        return CertificateCheck("employer", CERTIFICATE_MESSAGES["employer"], certificate)
    if certificate.province != home:
        return CertificateCheck("other_province", CERTIFICATE_MESSAGES["other_province"].format(
            province=certificate.province, province_name=provinces[certificate.province], city=city), certificate)
    return CertificateCheck("ok", "", certificate)
