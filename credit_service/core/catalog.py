"""The violation catalog (config/catalog/violations.toml), loaded and validated at start-up.

A broken catalog stops the app with a message naming the file and line, because a
grade computed against a half-read catalog would be silently wrong.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from .enums import MajorCaseKind, Severity


class CatalogError(RuntimeError):
    pass


@dataclass(frozen=True)
class ViolationType:
    code: str
    name: str
    prohibited_by: str
    penalty_basis: str
    default_severity: Severity
    veto: bool
    c_cap: bool
    blacklist_candidate: bool
    major_case_kind: MajorCaseKind | None

    @property
    def legal_basis(self) -> str:
        return f"违反{self.prohibited_by}；依据{self.penalty_basis}"


_FIELDS = {
    "code": str,
    "name": str,
    "prohibited_by": str,
    "penalty_basis": str,
    "default_severity": str,
    "veto": bool,
    "c_cap": bool,
    "blacklist_candidate": bool,
    "major_case_kind": str,
}
_CODE_RE = re.compile(r"^[a-z][a-z0-9_]{1,63}$")


def _entry_lines(text: str) -> list[int]:
    return [i for i, line in enumerate(text.splitlines(), start=1) if line.strip() == "[[violation]]"]


def _key_line(text: str, start_line: int, key: str) -> int:
    lines = text.splitlines()
    for i in range(start_line, len(lines)):
        stripped = lines[i].strip()
        if stripped == "[[violation]]":
            break
        if re.match(rf"^{re.escape(key)}\s*=", stripped):
            return i + 1
    return start_line


def parse_catalog(text: str, source: str = "violations.toml") -> dict[str, ViolationType]:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise CatalogError(f"违法行为目录 {source} 格式错误：{exc}") from exc
    entries = data.get("violation")
    if not isinstance(entries, list) or not entries:
        raise CatalogError(f"违法行为目录 {source} 中没有任何 [[violation]] 条目")
    starts = _entry_lines(text)
    catalog: dict[str, ViolationType] = {}
    for index, entry in enumerate(entries):
        line = starts[index] if index < len(starts) else 1

        def fail(msg: str, key: str | None = None, *, _line=line) -> None:
            where = _key_line(text, _line, key) if key else _line
            raise CatalogError(f"违法行为目录 {source} 第{where}行：{msg}")

        unknown = set(entry) - set(_FIELDS)
        if unknown:
            key = sorted(unknown)[0]
            fail(f"未知字段 {key!r}", key)
        for key, typ in _FIELDS.items():
            if key not in entry:
                fail(f"缺少字段 {key!r}")
            if not isinstance(entry[key], typ):
                fail(f"字段 {key!r} 应为{'布尔值' if typ is bool else '字符串'}", key)
        code = entry["code"]
        if not _CODE_RE.match(code):
            fail(f"代码 {code!r} 只能由小写字母、数字和下划线组成", "code")
        if code in catalog:
            fail(f"代码 {code!r} 重复", "code")
        if not entry["name"].strip():
            fail("名称不能为空", "name")
        try:
            severity = Severity(entry["default_severity"])
        except ValueError:
            fail(
                f"default_severity {entry['default_severity']!r} 无效，应为 minor/general/serious",
                "default_severity",
            )
        major = entry["major_case_kind"]
        if major and major not in MajorCaseKind.values():
            fail(f"major_case_kind {major!r} 不是29号令第五条规定的类型", "major_case_kind")
        catalog[code] = ViolationType(
            code=code,
            name=entry["name"],
            prohibited_by=entry["prohibited_by"],
            penalty_basis=entry["penalty_basis"],
            default_severity=severity,
            veto=entry["veto"],
            c_cap=entry["c_cap"],
            blacklist_candidate=entry["blacklist_candidate"],
            major_case_kind=MajorCaseKind(major) if major else None,
        )
    return catalog


def load_catalog(path: str | Path) -> dict[str, ViolationType]:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise CatalogError(f"无法读取违法行为目录 {path}：{exc}") from exc
    return parse_catalog(text, str(path))


def get_catalog() -> dict[str, ViolationType]:
    """The catalog loaded by the running app."""
    from flask import current_app

    return current_app.extensions["credit_catalog"]
