"""Staff page /staff/statistics: pick a period, see every cell with its provenance,
enter the figures the service does not hold, download PDF and XLSX."""

from __future__ import annotations

import datetime as dt

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for

from credit_service.auth.permissions import Capability, require
from credit_service.core.errors import ValidationFailed
from credit_service.core.web import today_local
from credit_service.inspections.web import actor, parse_date, staff_layout
from credit_service.statistics import services
from credit_service.statistics import table as spec

bp = Blueprint("statistics", __name__, template_folder="templates")


@bp.context_processor
def _layout():
    return {"staff_layout": staff_layout()}


# The 2021 plan (§四 实施步骤) asks for the table twice a year: by 15 June (阶段性评估) and
# by 13 October (总结评估), each covering the year so far.
INTERIM_DUE = (6, 15)
FINAL_DUE = (10, 13)


def default_period(today: dt.date) -> tuple[dt.date, dt.date]:
    """1 January of ``today``'s year up to the next report due: 15 June (the interim
    table) until that day, then 13 October (the final table) for the rest of the year."""
    due = INTERIM_DUE if (today.month, today.day) <= INTERIM_DUE else FINAL_DUE
    return dt.date(today.year, 1, 1), dt.date(today.year, *due)


def _period() -> tuple[dt.date, dt.date]:
    """``from`` and ``to`` from the query string (both, YYYY-MM-DD); when neither is given,
    :func:`default_period` of today (e.g. 2021-01-01 to 2021-06-15 in May 2021)."""
    args = request.values
    if not args.get("from") and not args.get("to"):
        return default_period(today_local())
    return parse_date(args.get("from"), "from"), parse_date(args.get("to"), "to")


@bp.get("/staff/statistics")
@require(Capability.VIEW)
def staff_index():
    date_from, date_to = _period()
    table = services.build_table(date_from, date_to)
    return render_template("statistics/staff_table.html", table=table, spec=spec, errors={})


@bp.post("/staff/statistics/entries")
@require(Capability.ENTER)
def staff_save_entries():
    date_from, date_to = _period()
    try:
        for code in spec.ENTERED_ROWS:
            value = request.form.get(f"value-{code}", "").strip()
            if value:
                services.save_entry(row_code=code, period_from=date_from, period_to=date_to,
                                    value=value, source_note=request.form.get(f"note-{code}", ""),
                                    actor=actor())
    except ValidationFailed as exc:
        table = services.build_table(date_from, date_to)
        return render_template("statistics/staff_table.html", table=table, spec=spec,
                               errors=exc.errors), 422
    flash("人工填报数据已保存", "success")
    return redirect(url_for("statistics.staff_index", **{"from": date_from.isoformat(),
                                                         "to": date_to.isoformat()}))


def _download(data: bytes, mimetype: str, ext: str, date_from, date_to):
    name = f"statistics_{date_from.isoformat()}_{date_to.isoformat()}.{ext}"
    return current_app.response_class(data, mimetype=mimetype, headers={
        "Content-Disposition": f"attachment; filename={name}"})


@bp.get("/staff/statistics.xlsx")
@require(Capability.VIEW)
def staff_xlsx():
    date_from, date_to = _period()
    table = services.build_table(date_from, date_to)
    data = services.export_xlsx(table, current_app.config.get("BUREAU_NAME", ""))
    return _download(data, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                     "xlsx", date_from, date_to)


@bp.get("/staff/statistics.pdf")
@require(Capability.VIEW)
def staff_pdf():
    date_from, date_to = _period()
    table = services.build_table(date_from, date_to)
    data = services.export_pdf(table, current_app.config.get("BUREAU_NAME", ""))
    return _download(data, "application/pdf", "pdf", date_from, date_to)
