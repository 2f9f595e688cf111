"""Admin system settings: rule-set versions, checking a candidate rule file, scheduled jobs
and running one now (idempotent, audited)."""

from __future__ import annotations

import io
from pathlib import Path

from sqlalchemy import func, select

from credit_service.audit.models import AuditEvent
from credit_service.jobs.models import JobRun

RULES = Path(__file__).resolve().parents[2] / "config" / "rules" / "2026-01-01.toml"


def _upload(client, text: str, name: str = "2027-01-01.toml"):
    return client.post("/staff/admin/rules/check", data={
        "file": (io.BytesIO(text.encode("utf-8")), name)}, content_type="multipart/form-data")


def test_settings_page_shows_rule_versions_and_jobs(login, admin):
    page = login(admin).get("/staff/admin").get_data(as_text=True)
    assert "2026.1" in page and "现行" in page and "2026-01-01.toml" in page
    for label in ("到期处理", "期限提醒", "文件生成", "社会公布草稿"):
        assert label in page
    assert "每天 00:05" in page and "尚未运行" in page and "每分钟" in page
    assert page.count(">立即运行</button>") == 3 and "仅后台运行" in page


def test_a_valid_new_version_passes_the_check_and_changes_nothing(login, admin):
    text = RULES.read_text(encoding="utf-8").replace('version = "2026.1"', 'version = "2027.1"') \
        .replace("effective_from = 2026-01-01", "effective_from = 2027-01-01")
    response = _upload(login(admin), text)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "校验通过：版本 2027.1" in page and "2027年1月1日" in page
    assert "2027.1</td>" not in page  # not added to the versions in force


def test_a_broken_rule_file_is_refused_with_the_key_named(login, admin):
    client = login(admin)
    broken = RULES.read_text(encoding="utf-8").replace('version = "2026.1"', 'version = "2027.1"') \
        .replace("effective_from = 2026-01-01", "effective_from = 2027-01-01") \
        .replace("base = 100", "base = \"一百\"")
    response = _upload(client, broken)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "score" in page and "base" in page and "校验通过" not in page
    # the same version number as the file in force
    response = _upload(client, RULES.read_text(encoding="utf-8"))
    assert response.status_code == 422 and "版本号 2026.1 已被" in response.get_data(as_text=True)
    assert _upload(client, "").status_code == 422
    bad_bytes = client.post("/staff/admin/rules/check", data={
        "file": (io.BytesIO(b"\xff\xfe\x00"), "x.toml")}, content_type="multipart/form-data")
    assert bad_bytes.status_code == 422 and "UTF-8" in bad_bytes.get_data(as_text=True)


def test_run_now_claims_the_period_once_and_is_audited(db, login, admin):
    client = login(admin)
    response = client.post("/staff/admin/jobs/remind/run")
    assert response.status_code == 302
    runs = db.session.scalar(select(func.count(JobRun.id)).where(JobRun.job == "remind"))
    assert runs == 1
    page = client.get("/staff/admin").get_data(as_text=True)
    assert "已执行“期限提醒”" in page and "已完成" in page
    # the same day again: the period is already claimed, nothing is done twice
    client.post("/staff/admin/jobs/remind/run")
    assert db.session.scalar(select(func.count(JobRun.id)).where(JobRun.job == "remind")) == 1
    assert "本周期已执行过" in client.get("/staff/admin").get_data(as_text=True)
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "job.run_manual")
                                .order_by(AuditEvent.id)).all()
    assert [e.after["skipped"] for e in events] == [False, True]
    assert all(e.actor_id == admin.id and e.client_addr == "127.0.0.1" for e in events)
    assert client.post("/staff/admin/jobs/nonsense/run").status_code == 404
    # PDFs are never rendered on a web request: publish runs only in the background
    assert client.post("/staff/admin/jobs/publish/run").status_code == 404


def test_only_admins(login, clerk, reviewer):
    for user in (clerk, reviewer):
        client = login(user)
        assert client.get("/staff/admin").status_code == 403
        assert client.post("/staff/admin/jobs/remind/run").status_code == 403
