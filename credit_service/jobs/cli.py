"""``flask credit expire | publish | disclose | scheduler`` — thin wrappers over jobs.services."""

from __future__ import annotations

import re

import click
from flask import current_app


def _print(result, what: str) -> None:
    if result is None:
        click.echo(f"{what}：本周期已执行过，未做任何更改。")
    else:
        click.echo(f"{what}：{result}")


def register(group) -> None:
    @group.command("expire")
    @click.option("--date", "on", type=click.DateTime(["%Y-%m-%d"]), default=None,
                  help="按该日期执行（默认今天，Asia/Shanghai）")
    def expire(on):
        """名单到期移出、守信记录和失信记录有效期届满后重新评价（每日一次）。"""
        from credit_service.jobs.services import run_expire, run_reminders

        day = on.date() if on else None
        _print(run_expire(day), "到期处理")
        _print(run_reminders(day), "期限提醒")

    @group.command("publish")
    def publish():
        """生成缺失的名单文书并重新生成内容已变化的文件（逐个显示进度）。"""
        from credit_service.jobs.services import run_publish

        done = []

        def progress(kind: str, key: str) -> None:
            done.append(kind)
            click.echo(f"  [{len(done)}] 已生成 {kind} {key}".rstrip())

        click.echo("文件生成：检查各文件的数据是否变化……")
        _print(run_publish(force=True, progress=progress), "文件生成")

    @group.command("disclose")
    @click.option("--period", default=None, help="如 2026Q3；默认为上一个季度")
    def disclose(period):
        """起草季度重大劳动保障违法行为社会公布（人社部令第29号）。"""
        from credit_service.jobs.services import run_disclose

        if period and not re.fullmatch(r"\d{4}Q[1-4]", period):
            raise click.BadParameter("期间格式应为 2026Q3", param_hint="--period")
        _print(run_disclose(period), f"社会公布草稿 {period or ''}".strip())

    @group.command("scheduler")
    def scheduler():
        """在本进程中运行定时任务（APScheduler）；Web 进程从不启动定时任务。"""
        import logging
        import signal
        import sys

        from credit_service.jobs.scheduler import build_scheduler

        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
        # SIGTERM (systemd, docker stop) ends the scheduler like Ctrl-C does.
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
        sched = build_scheduler(current_app._get_current_object())
        click.echo("定时任务已启动：" + "，".join(job.id for job in sched.get_jobs()))
        try:
            sched.start()
        except (KeyboardInterrupt, SystemExit):
            click.echo("定时任务已停止。")

