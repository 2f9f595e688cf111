"""Domain errors raised by services; the web and API layers map them to HTTP."""

from __future__ import annotations


class DomainError(Exception):
    """Base for errors the client caused; never turned into a 500."""

    status = 400

    def __init__(self, message: str, errors: dict[str, list[str]] | None = None, **extra):
        super().__init__(message)
        self.message = message
        self.errors = errors or {}
        self.extra = extra


class ValidationFailed(DomainError):
    status = 422


class NotFound(DomainError):
    status = 404


class PermissionDenied(DomainError):
    status = 403


class Conflict(DomainError):
    """409: an illegal state transition or a duplicate."""

    status = 409


class StaleWrite(Conflict):
    """409: the object changed since the client read it (optimistic locking)."""

    def __init__(self, obj, expected_version: int | None, changed_by: str | None = None):
        message = (
            f"该记录已被他人修改（您提交的版本 {expected_version}，当前版本 {obj.version}），"
            "请核对最新内容后重新提交，您填写的内容已保留。"
        )
        super().__init__(message, current_version=obj.version, changed_by=changed_by)
        self.obj = obj
        self.expected_version = expected_version
