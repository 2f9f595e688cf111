"""``flask credit regrade [--as-of DATE]`` and ``flask credit round --year Y``."""

from __future__ import annotations

import time

import click


def register(group: click.Group) -> None:
    @group.command("regrade")
    @click.option("--as-of", "as_of", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
                  help="评价基准日（默认今天，北京时间）")
    @click.option("--quiet", is_flag=True, help="不显示进度条")
    def regrade(as_of, quiet):
        """按现行规则集重新计算全部机构的信用等级（批量）。"""
        from sqlalchemy import func, select

        from credit_service.agencies.models import Agency
        from credit_service.extensions import db
        from credit_service.grading.services import regrade_all

        day = as_of.date() if as_of else None
        total = db.session.scalar(select(func.count(Agency.id)))
        started = time.perf_counter()
        if quiet:
            summary = regrade_all(as_of=day)
        else:
            with click.progressbar(length=total, label="重新评级", show_pos=True) as bar:
                summary = regrade_all(as_of=day, progress=bar)
        elapsed = time.perf_counter() - started
        click.echo(
            f"评价基准日 {summary['as_of']}，规则集 {summary['ruleset_version']}："
            f"{summary['agencies']} 家机构，{summary['changed']} 家评价结果变化"
            f"（其中等级变化 {summary['grade_changed']} 家），用时 {elapsed:.1f} 秒。"
        )
        grades = summary["grades"]
        click.echo("等级分布：" + "，".join(
            f"{g} {grades.get(g, 0)}" for g in ("A+", "A", "B", "C", "D", "NEW")))

    @group.command("round")
    @click.option("--year", type=click.IntRange(2000, 2100), required=True,
                  help="评价年度（评价基准日为该年 12 月 31 日）")
    def round_(year):
        """年度信用评价：按等级比例（A+ ≤ 10%，A 及以上 ≤ 20%）评定并发布。"""
        from credit_service.core.errors import DomainError
        from credit_service.grading.services import run_round

        try:
            rnd = run_round(year)
        except DomainError as exc:
            raise click.ClickException(exc.message) from exc
        s = rnd.summary or {}
        grades = s.get("grades", {})
        click.echo(
            f"{year} 年度信用评价已发布（基准日 {rnd.as_of.isoformat()}，规则集 {rnd.ruleset_version}）："
            f"参评 {s.get('graded', 0)} 家，因比例限制降级 {s.get('demoted_by_quota', 0)} 家。"
        )
        click.echo("等级分布：" + "，".join(
            f"{g} {grades.get(g, 0)}" for g in ("A+", "A", "B", "C", "D", "NEW")))
