"""Mail to units (optional), against a local SMTP sink (aiosmtpd) started here: a unit's
contacts get its new findings once and a reminder before the deadline; without
``supervision.notify`` nothing is sent and nothing fails; a mail server that does not answer
never fails the checks; the new registry keys are checked with file:line errors."""
from __future__ import annotations

import email
from datetime import date, datetime, timedelta, timezone
from email.policy import default as default_policy
from pathlib import Path

import pytest
from sqlalchemy import select

from harvester.registry import RegistryError, load_registry
from interaction.calendar import add_workdays
from supervision import notify, service
from supervision.models import Finding, FindingEvent
from tests.sitekit import HTML, Site
from tests.supervision.federation import free_port, prepared

aiosmtpd = pytest.importorskip("aiosmtpd.controller")


class Sink:
    def __init__(self) -> None:
        self.messages: list[email.message.EmailMessage] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's hook name)
        self.messages.append(email.message_from_bytes(envelope.content, policy=default_policy))
        self.messages[-1]["X-Envelope-To"] = ", ".join(envelope.rcpt_tos)
        return "250 OK"


@pytest.fixture
def sink():
    handler = Sink()
    controller = aiosmtpd.Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield handler, controller.port
    controller.stop()


def write(path: Path, site: Site, notify_line: str, contacts: bool = True) -> Path:
    path.write_text(
        "portal: {name: 测试市, timezone: Asia/Shanghai}\nharvest: {per_host: {concurrency: 1, delay: 0}}\n"
        f"supervision: {{link_checks: {{external: false}}{notify_line}}}\ncolumns:\n  - {{id: xw, name: 新闻}}\n"
        f"units:\n  - id: zg\n    name: 整改单位\n    kind: department\n    homepage: {site.url}/\n    allow_private: true\n"
        + ("    contacts:\n      - {name: 张三, email: zhangsan@zg.example.gov.cn}\n" if contacts else ""),
        encoding="utf-8")
    return path


@pytest.fixture
def site():
    home = ("<html><head><meta charset='utf-8'><title>整改单位</title></head><body><ul>"
            f"<li><a href='/zt/gone.html'>专题：惠民政策解读</a><span>{date.today().isoformat()}</span></li></ul></body></html>")
    site = Site({"/": (200, HTML, home.encode("utf-8")), "/zt/gone.html": (404, HTML, b"<html>404</html>")})
    yield site
    site.stop()


def test_new_findings_once_then_a_reminder(sink, site, tmp_path, sqlite_url):
    handler, port = sink
    registry, sessions, engine = prepared(
        write(tmp_path / "r.yaml", site, f", notify: {{smtp: 'smtp://127.0.0.1:{port}', from: jianguan@example.gov.cn}}"), sqlite_url)
    service.check(registry, sessions)
    assert len(handler.messages) == 1
    mail = handler.messages[0]
    assert mail["X-Envelope-To"] == "zhangsan@zg.example.gov.cn" and "整改单位" in mail["Subject"]
    body = mail.get_content()
    assert "gone.html" in body and "整改期限" in body

    service.check(registry, sessions)  # the same problem again: no second mail
    assert len(handler.messages) == 1

    with sessions.begin() as s:  # the deadline comes near: one reminder
        finding = s.scalars(select(Finding).where(Finding.kind == "broken_link")).one()
        today = datetime.now(timezone(timedelta(hours=8))).date()
        finding.deadline = add_workdays(today, 1)
    assert notify.deliver(registry, sessions)["remind"] == 1
    assert "即将到期" in handler.messages[-1]["Subject"]
    assert notify.deliver(registry, sessions) == {"new": 0, "remind": 0, "failed": 0}
    with sessions() as s:
        assert [e.action for e in s.scalars(select(FindingEvent).order_by(FindingEvent.id))] == ["open", "notify", "remind"]
    engine.dispose()


def test_without_notify_nothing_is_sent_and_nothing_fails(sink, site, tmp_path, sqlite_url):
    handler, _ = sink
    registry, sessions, engine = prepared(write(tmp_path / "r.yaml", site, ""), sqlite_url)
    service.check(registry, sessions)
    assert handler.messages == [] and notify.deliver(registry, sessions) == {"new": 0, "remind": 0, "failed": 0}
    engine.dispose()


def test_a_mail_server_that_does_not_answer_never_fails_the_checks(site, tmp_path, sqlite_url):
    registry, sessions, engine = prepared(
        write(tmp_path / "r.yaml", site, f", notify: {{smtp: 'smtp://127.0.0.1:{free_port()}', from: a@example.gov.cn}}"), sqlite_url)
    reports = service.check(registry, sessions)
    assert reports[0].opened
    assert notify.deliver(registry, sessions)["failed"] == 1  # still due: tried again next round
    engine.dispose()


def test_bad_notify_keys_name_file_and_line(site, tmp_path):
    path = write(tmp_path / "r.yaml", site, ", notify: {smtp: 'http://mail.example', from: nobody}")
    path.write_text(path.read_text(encoding="utf-8").replace("zhangsan@zg.example.gov.cn", "not-an-address"), encoding="utf-8")
    with pytest.raises(RegistryError) as caught:
        load_registry(path)
    text = "\n".join(str(p) for p in caught.value.problems)
    assert f"{path}:3:" in text and "smtp" in text and "e-mail address" in text
    assert f"{path}:" in text and "contacts" in text
