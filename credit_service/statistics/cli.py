"""``flask credit statistics --from 2021-04-01 --to 2021-06-15 [--xlsx PATH] [--pdf PATH]``."""

from __future__ import annotations

import click


def register(group: click.Group) -> None:
    @group.command("statistics")
    @click.option("--from", "date_from", type=click.DateTime(["%Y-%m-%d"]), required=True,
                  help="统计开始日期 YYYY-MM-DD")
    @click.option("--to", "date_to", type=click.DateTime(["%Y-%m-%d"]), required=True,
                  help="统计截止日期 YYYY-MM-DD")
    @click.option("--xlsx", "xlsx_path", type=click.Path(dir_okay=False), help="导出 XLSX 文件路径")
    @click.option("--pdf", "pdf_path", type=click.Path(dir_okay=False), help="导出 PDF 文件路径")
    def statistics_command(date_from, date_to, xlsx_path, pdf_path) -> None:
        """生成劳务中介专项整治行动量化统计表（附件2）。"""
        from flask import current_app

        from credit_service.audit.context import acting_as
        from credit_service.core.errors import DomainError
        from credit_service.statistics import services

        bureau = current_app.config.get("BUREAU_NAME", "")
        try:
            with acting_as("cli"):
                table = services.build_table(date_from.date(), date_to.date())
                for group in table.groups:
                    click.echo(f"【{group.label}】")
                    for cell in group.cells:
                        click.echo(f"  {cell.label}：{cell.value or '（未填报）'}"
                                   f"  [{cell.source_label}]")
                if xlsx_path:
                    with open(xlsx_path, "wb") as fh:
                        fh.write(services.export_xlsx(table, bureau))
                    click.echo(f"已写入 {xlsx_path}")
                if pdf_path:
                    with open(pdf_path, "wb") as fh:
                        fh.write(services.export_pdf(table, bureau))
                    click.echo(f"已写入 {pdf_path}")
        except DomainError as exc:
            raise click.ClickException(exc.message) from exc
