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
