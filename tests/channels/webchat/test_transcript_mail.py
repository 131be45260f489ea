"""Through the real websocket: a visitor who rates the chat with an address gets its transcript at a
real SMTP server (aiosmtpd), in the language the widget spoke."""

from __future__ import annotations

from pathlib import Path

from contact_center.settings import MailSettings
from tests.channels.smtp_server import SmtpServer, mail_settings
from tests.channels.webchat.conftest import agent_reply, chat_settings, serving


async def test_a_rating_with_an_address_mails_the_transcript(
    database_url: str, tmp_path: Path, smtp_server: SmtpServer
) -> None:
    settings = chat_settings(database_url, tmp_path / "uploads").model_copy(
        update={"mail": MailSettings.model_validate(mail_settings(smtp_server))}
    )
    async with serving(settings) as served:
        visitor = await served.visitor()
        welcome = await visitor.hello(lang="zh-CN")
        assert welcome["lang"] == "zh-CN"
        ack = await visitor.say("t1", "我的订单 <script>alert(1)</script> 在哪里？")
        await agent_reply(served.container, ack["interaction_id"], "正在为您查询")
        await visitor.send({"type": "end"})
        await visitor.until("ended")
        await visitor.send({"type": "rate", "score": 5, "transcript_email": "Visitor@Example.com"})
        rated = await visitor.until("rated")
        assert rated["transcript"] == "queued"
        [got] = await smtp_server.until_received()
        await visitor.close()
    assert got.recipients == ("visitor@example.com",)
    message = got.message
    assert message["Subject"].startswith("您与我们的聊天记录")
    text = message.get_body(preferencelist=("plain",)).get_content()  # type: ignore[union-attr]
    html = message.get_body(preferencelist=("html",)).get_content()  # type: ignore[union-attr]
    assert "我: 我的订单 <script>alert(1)</script> 在哪里？" in text and "客服: 正在为您查询" in text
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
