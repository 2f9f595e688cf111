"""``flask credit users create|token`` — thin wrappers over the auth services."""

from __future__ import annotations

import sys

import click

from credit_service.core.enums import Department, Role


def register(group: click.Group) -> None:
    @group.group("users")
    def users() -> None:
        """工作人员账号与 API 令牌。"""

    @users.command("create")
    @click.argument("username")
    @click.option("--role", type=click.Choice(Role.values()), required=True, help="clerk|reviewer|admin")
    @click.option("--department", type=click.Choice(Department.values()), required=True)
    @click.option("--name", "display_name", default=None, help="姓名（缺省为用户名）")
    @click.option("--password", default=None,
                  help="初始密码；缺省时交互输入，非交互环境下自动生成并只打印一次")
    @click.option("--generate", is_flag=True, help="自动生成初始密码并只打印一次")
    def create(username, role, department, display_name, password, generate):
        """创建工作人员账号。"""
        from credit_service.audit.context import acting_as
        from credit_service.auth.services import create_user, generate_password
        from credit_service.core.errors import ValidationFailed

        generated = False
        if password is None:
            if generate or not sys.stdin.isatty():
                password, generated = generate_password(), True
            else:
                password = click.prompt("密码", hide_input=True, confirmation_prompt="再次输入密码")
        try:
            with acting_as("cli"):
                user = create_user({"username": username, "display_name": display_name or username,
                                    "role": role, "department": department, "password": password})
        except ValidationFailed as exc:
            for field, messages in exc.errors.items():
                for message in messages:
                    click.echo(f"错误：{field}：{message}", err=True)
            raise SystemExit(1) from None
        click.echo(f"已创建账号 {user.username}（{user.role.label}，{user.department.label}）")
        if generated:
            click.echo(f"初始密码（只显示这一次）：{password}")

    @users.command("token")
    @click.argument("username")
    @click.option("--label", default="命令行签发", help="用途说明")
    def token(username, label):
        """为账号签发 API 令牌（只打印一次）。"""
        from credit_service.audit.context import acting_as
        from credit_service.auth.services import issue_token, user_by_username
        from credit_service.core.errors import DomainError

        user = user_by_username(username)
        if user is None:
            click.echo(f"错误：没有用户名为 {username} 的账号", err=True)
            raise SystemExit(1)
        try:
            with acting_as("cli"):
                plaintext = issue_token(user, label, None)
        except DomainError as exc:
            click.echo(f"错误：{exc.message}", err=True)
            raise SystemExit(1) from None
        click.echo(plaintext)
