"""The SMTP adapter against a real aiosmtpd server: what arrives, and how the server's answers map
to a refusal or a deferral."""

from __future__ import annotations

from typing import Any

import pytest

from channels.smtp import SmtpSender
from contact_center.domain.errors import InvalidInputError
from contact_center.mail import MailDeferredError, MailRefusedError, OutgoingMail, new_message_id
from contact_center.settings import MailSettings
from tests.channels.smtp_server import SmtpServer, free_port, mail_settings


def sender_for(server: SmtpServer, **overrides: Any) -> SmtpSender:
    return SmtpSender(MailSettings.model_validate(mail_settings(server, **overrides)))


def a_mail(**fields: Any) -> OutgoingMail:
    values: dict[str, Any] = {
        "to": "ada@example.com",
        "subject": "您与我们的聊天记录（2026年3月1日）",
        "text": "你好，Ada! Ünïcode and a long line " + "x" * 200,
        "html": "<p>你好 &lt;script&gt;</p>",
        "message_id": new_message_id("shop.example", "test"),
        "headers": (("Auto-Submitted", "auto-generated"), ("In-Reply-To", "<earlier@shop.example>")),
        "language": "zh-CN",
    }
    return OutgoingMail(**(values | fields))


async def test_the_mail_arrives_with_its_headers_and_both_bodies_in_utf8(smtp_server: SmtpServer) -> None:
    mail = a_mail()
    await sender_for(smtp_server).send(mail)
    [got] = await smtp_server.until_received()
    assert got.sender == "help@shop.example" and got.recipients == ("ada@example.com",)
    assert got.raw.isascii()  # every header and body encoded for any 7-bit server
    message = got.message
    assert message["Subject"] == "您与我们的聊天记录（2026年3月1日）"
    assert message["From"].addresses[0].display_name == "Shop 客服"
    assert message["From"].addresses[0].addr_spec == "help@shop.example"
    assert message["To"] == "ada@example.com"
    assert message["Message-ID"] == mail.message_id
    assert message["Content-Language"] == "zh-CN"
    assert message["Auto-Submitted"] == "auto-generated"
    assert message["In-Reply-To"] == "<earlier@shop.example>"
    assert message["Date"] is not None
    assert message.get_content_type() == "multipart/alternative"
    text = message.get_body(preferencelist=("plain",))
    html = message.get_body(preferencelist=("html",))
    assert text is not None and html is not None
    assert text.get_content().replace("\r\n", "\n") == mail.text + "\n"
    assert html.get_content().replace("\r\n", "\n") == "<p>你好 &lt;script&gt;</p>\n"
    assert text.get_content_charset() == "utf-8"


async def test_a_mail_without_html_is_plain_text(smtp_server: SmtpServer) -> None:
    await sender_for(smtp_server).send(a_mail(html=None, text="plain only"))
    [got] = await smtp_server.until_received()
    assert got.message.get_content_type() == "text/plain"
    assert got.message.get_content().replace("\r\n", "\n") == "plain only\n"


async def test_a_5xx_answer_is_a_refusal_with_the_servers_reason(smtp_server: SmtpServer) -> None:
    smtp_server.answer_next("550 5.1.1 <ada@example.com>: no such mailbox")
    with pytest.raises(MailRefusedError) as refused:
        await sender_for(smtp_server).send(a_mail())
    assert refused.value.message == "550 5.1.1 <ada@example.com>: no such mailbox"
    assert smtp_server.received == []


async def test_a_4xx_answer_is_a_deferral_and_the_next_attempt_goes_through(smtp_server: SmtpServer) -> None:
    smtp_server.answer_next("451 4.3.0 try again later")
    sender = sender_for(smtp_server)
    with pytest.raises(MailDeferredError, match=r"451 4\.3\.0 try again later"):
        await sender.send(a_mail())
    await sender.send(a_mail())
    assert len(await smtp_server.until_received()) == 1


async def test_no_server_listening_is_a_deferral() -> None:
    settings = MailSettings(host="127.0.0.1", port=free_port(), security="none", from_address="a@b.example")
    with pytest.raises(MailDeferredError):
        await SmtpSender(settings).send(a_mail())


async def test_asking_for_starttls_from_a_server_without_it_is_a_refusal(smtp_server: SmtpServer) -> None:
    with pytest.raises(MailRefusedError) as refused:
        await sender_for(smtp_server, security="starttls").send(a_mail())
    assert refused.value.code == "mail_not_supported"
    assert smtp_server.received == []


async def test_the_sender_logs_in_when_the_settings_name_a_user() -> None:
    logins: list[tuple[bytes, bytes]] = []

    def authenticator(server: Any, session: Any, envelope: Any, mechanism: str, auth_data: Any) -> Any:
        from aiosmtpd.smtp import AuthResult

        logins.append((auth_data.login, auth_data.password))
        return AuthResult(success=auth_data.password == b"right", handled=False)  # the server answers 535

    server = SmtpServer(authenticator=authenticator, auth_require_tls=False)
    server.start()
    try:
        await sender_for(server, username="shop", password="right").send(a_mail())
        assert len(await server.until_received()) == 1
        with pytest.raises(MailRefusedError, match="535"):
            await sender_for(server, username="shop", password="wrong").send(a_mail())
    finally:
        server.stop()
    # The client tries each method the server offers before it gives up (PLAIN, then LOGIN).
    assert logins[0] == (b"shop", b"right") and set(logins[1:]) == {(b"shop", b"wrong")}


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("subject", "hello\r\nBcc: everyone@example.com"),
        ("to", "ada@example.com\nBcc: x@example.com"),
        ("to", "not an address"),
        ("message_id", "no-brackets@example.com"),
        ("headers", (("Bcc", "x@example.com"),)),
        ("headers", (("X-Note", "one\r\nBcc: x@example.com"),)),
        ("headers", (("Bad Name", "x"),)),
    ],
)
def test_a_mail_that_could_add_headers_of_its_own_is_refused(field: str, value: Any) -> None:
    with pytest.raises(InvalidInputError):
        a_mail(**{field: value})
