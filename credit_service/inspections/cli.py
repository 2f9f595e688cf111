"""``flask credit draw --plan ID [--seed S]``: run (or replay) a 双随机 draw from the shell."""

from __future__ import annotations

import click


def register(group: click.Group) -> None:
    @group.command("draw")
    @click.option("--plan", "plan_id", type=int, required=True, help="抽查计划编号")
    @click.option("--seed", default=None, help="随机种子（不填则使用计划已公布的种子或随机生成）")
    @click.option("--replay", is_flag=True,
                  help="仅用抽取时保存的输入和种子重算，核对抽查对象和人员配对，不写入")
    def draw_command(plan_id: int, seed: str | None, replay: bool) -> None:
        """双随机抽取：按信用等级比例抽取检查对象并随机选派检查人员。"""
        from credit_service.audit.context import acting_as
        from credit_service.core.errors import DomainError
        from credit_service.inspections import services

        try:
            with acting_as("cli"):
                plan = services.get_plan(plan_id)
                if replay:
                    report = services.replay_draw(plan)
                    verdict = "一致" if report.consistent else "不一致"
                    click.echo(f"种子 {plan.seed}：按抽取时保存的输入重算，结果与保存结果{verdict}")
                    for what, same in (("随机种子", report.same_seed),
                                       ("抽查对象", report.same_targets),
                                       ("人员配对", report.same_pairings)):
                        click.echo(f"  {what}：{'一致' if same else '不一致'}")
                    if report.error:
                        click.echo(f"  重算失败：{report.error}")
                    if not report.consistent:
                        raise SystemExit(1)
                    return
                services.run_draw(plan, None, seed=seed)
        except DomainError as exc:
            raise click.ClickException(exc.message + "".join(
                f"\n  {field}: {'；'.join(msgs)}" for field, msgs in exc.errors.items())) from exc
        click.echo(f"计划 {plan.id}「{plan.name}」已抽取，随机种子：{plan.seed}")
        for target in plan.targets:
            click.echo(f"  {target.agency.uscc}  {target.grade.value:<3}  {target.agency.name}  "
                       f"检查人员编号 {','.join(map(str, target.inspector_ids))}")
        click.echo(f"共抽取 {len(plan.targets)} 家机构")
