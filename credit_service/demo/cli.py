"""``flask credit demo``: load the 济源示范区 demo data set, or a scale data set."""

from __future__ import annotations

import sys

import click

from credit_service.demo.generator import (
    DEFAULT_AGENCIES,
    DEFAULT_RECORDS,
    DEFAULT_SEED,
    DEMO_LOGINS,
)


def print_logins() -> None:
    from credit_service.core.enums import Department, Role

    click.echo(" 演示账号 / demo staff logins (development only):")
    for login in DEMO_LOGINS:
        click.echo(
            f"   {login.username:<10} 密码 {login.password:<20} "
            f"{Role(login.role).label}，{Department(login.department).label}"
        )


def register(group: click.Group) -> None:
    @group.command("demo")
    @click.option("--seed", type=int, default=DEFAULT_SEED, show_default=True,
                  help="随机种子：同一种子生成完全相同的数据")
    @click.option("--agencies", type=click.IntRange(min=1), default=None,
                  help=f"机构数量（默认 {DEFAULT_AGENCIES}；大规模如 100000）")
    @click.option("--records", type=click.IntRange(min=0), default=None,
                  help=f"失信记录数量（默认 {DEFAULT_RECORDS}；大规模如 1000000）")
    @click.option("--as-of", "as_of", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
                  help="数据的基准日期（默认今天，北京时间）")
    @click.option("--if-empty", is_flag=True, help="数据库已有数据时跳过（首次启动时使用）")
    @click.option("--force", is_flag=True, help="清空数据库中的全部数据后重新加载")
    @click.option("--regrade/--no-regrade", default=None,
                  help="加载后重新计算信用等级（演示数据默认是，大规模数据默认否）")
    @click.option("--show-logins", is_flag=True, help="只显示演示账号，不加载数据")
    def demo(seed, agencies, records, as_of, if_empty, force, regrade, show_logins):
        """加载济源示范区演示数据（机构、许可证、年报、失信与守信记录、名单、异议、专项行动、工作人员）。"""
        from credit_service.core.errors import Conflict
        from credit_service.demo.loader import database_is_empty
        from credit_service.demo.services import load_demo
        from credit_service.extensions import db

        if show_logins:
            print_logins()
            return
        if if_empty and force:
            raise click.UsageError("--if-empty 与 --force 不能同时使用")
        if if_empty:
            with db.engine.connect() as conn:
                if not database_is_empty(conn):
                    click.echo("数据库已有数据，跳过演示数据加载。")
                    return
        n_agencies = agencies or DEFAULT_AGENCIES
        n_records = DEFAULT_RECORDS if records is None else records
        scale = agencies is not None and agencies > 2000 or (records or 0) > 5000
        if regrade is None:
            regrade = not scale

        bar = None
        state = {"table": None}

        def on_table(table: str, count: int) -> None:
            nonlocal bar
            if bar is not None:
                bar.close()
            state["table"] = table
            bar = _progress_bar(table, count)

        def progress(table: str, n: int) -> None:
            if bar is not None:
                bar.update(n)

        try:
            result = load_demo(
                seed=seed, agencies=n_agencies, records=n_records,
                as_of=as_of.date() if as_of else None, force=force, scale=scale,
                regrade=regrade, progress=progress, on_table=on_table,
            )
        except Conflict as exc:
            raise click.ClickException(exc.message) from None
        finally:
            if bar is not None:
                bar.close()

        rate = result.total_rows / result.seconds if result.seconds else 0
        click.echo(
            f"已加载 {result.counts.get('agencies', 0)} 家机构、{result.counts.get('records', 0)} 条失信记录，"
            f"共 {result.total_rows} 行，用时 {result.seconds:.1f} 秒（{rate:,.0f} 行/秒），种子 {seed}。"
        )
        for table, count in result.counts.items():
            click.echo(f"   {table:<22} {count:>9}")
        if result.regraded:
            click.echo(f"已重新计算全部机构的信用等级（{result.regrade_seconds:.1f} 秒）。")
        else:
            click.echo("未重新计算信用等级；请运行 flask credit regrade。")
        print_logins()


def _progress_bar(table: str, total: int):
    from tqdm import tqdm

    # disable=None: no bar when stderr is not a terminal (logs, tests).
    return tqdm(total=total, desc=f"{table:<20}", unit="行", file=sys.stderr, disable=None,
                leave=False, dynamic_ncols=True)
