"""The channels' settings sections, `[mail]` and `[webchat]`, part of `settings.Settings`: kept
apart because they are the longest, each with its own checks."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator, model_validator

#: All the pauses between a transcript's attempts together: the job waits them out, and an rq worker
#: stops a job after 900 s (`jobs.RQ_JOB_TIMEOUT_S`).
MAIL_RETRY_BUDGET_S = 600


class _Section(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class MailSettings(_Section):
    """Outgoing mail through an SMTP server (`channels/smtp.py`; README, Mail). Off while `host`
    is unset: then nothing is mailed, and the web chat tells a visitor who asks for a transcript."""

    host: str | None = None
    port: int = Field(default=587, ge=1, le=65535)
    #: starttls: plain connection upgraded by STARTTLS (port 587); tls: TLS from the first byte
    #: (port 465); none: no encryption (a relay on this machine or a test server only).
    security: Literal["starttls", "tls", "none"] = "starttls"
    from_address: str | None = None
    from_name: str = ""
    username: str | None = None
    #: Kept out of logs and reprs (`SecretStr`); set it from the environment (CC_MAIL__PASSWORD).
    password: SecretStr | None = None
    #: Seconds for the connection and for each answer of the server.
    timeout_s: float = Field(default=30.0, gt=0, le=300)
    #: A transcript that the server deferred (4xx, no connection) is tried again after each of these
    #: pauses in turn, then marked failed.
    retry_delays_s: list[float] = Field(default=[30.0, 120.0, 300.0], max_length=10)

    @field_validator("host", "username", "password", mode="before")
    @classmethod
    def _blank_is_unset(cls, value: Any) -> Any:
        return None if value == "" else value  # CC_MAIL__HOST= (empty) turns mail off, as leaving it out does

    @field_validator("from_address")
    @classmethod
    def _an_address(cls, value: str | None) -> str | None:
        if value is not None and (value.count("@") != 1 or any(ch in value for ch in " <>\r\n")):
            raise ValueError(f"not an email address: {value!r}")
        return value

    @field_validator("retry_delays_s")
    @classmethod
    def _delays(cls, value: list[float]) -> list[float]:
        if any(d < 0 for d in value) or sum(value) > MAIL_RETRY_BUDGET_S:
            raise ValueError(f"pauses of 0 s or more, {MAIL_RETRY_BUDGET_S} s in all at most")
        return value

    @model_validator(mode="after")
    def _complete(self) -> MailSettings:
        if self.host is not None and self.from_address is None:
            raise ValueError("from_address is needed when host is set")
        if (self.username is None) != (self.password is None):
            raise ValueError("username and password: set both or neither")
        return self

    @property
    def is_enabled(self) -> bool:
        return self.host is not None

    @property
    def domain(self) -> str:
        """Our side of the Message-IDs we make: the sending address's domain."""
        return (self.from_address or "localhost").rpartition("@")[2]


WEBCHAT_UPLOAD_TYPES = ("image/png", "image/jpeg", "image/gif", "image/webp", "application/pdf", "text/plain")


class WebchatSite(_Section):
    """One website that embeds the chat widget (docs/webchat.md, Settings)."""

    #: Origins (`https://shop.example.com`) whose pages may open the chat; this server's own
    #: origin always may (the demo shop).
    allowed_origins: list[str] = []
    #: Languages the widget offers on this site, the first being the default.
    languages: list[Literal["en", "zh-CN"]] = ["en", "zh-CN"]
    #: Pre-chat fields asked for: `name` (required when listed), `email` and `phone` (optional).
    prechat: list[Literal["name", "email", "phone"]] = ["name", "email"]
    #: Topic shown to the visitor -> the queue its chats wait in; none: the first chat queue.
    topics: dict[str, str] = {}
    #: The widget's colour (#rrggbb, its buttons and header); admins change it on the admin pages.
    colour: str = Field(default="#0b57d0", pattern=r"^#[0-9a-fA-F]{6}$")

    @field_validator("allowed_origins")
    @classmethod
    def _origins(cls, value: list[str]) -> list[str]:
        for origin in value:
            if not origin.startswith(("http://", "https://")) or origin.rstrip("/").count("/") > 2:
                raise ValueError(f"an origin is scheme://host[:port], not {origin!r}")
        return [o.rstrip("/") for o in value]


class WebchatSettings(_Section):
    """The web chat channel (`channels/webchat`, docs/webchat.md)."""

    #: Signs visitor tokens. Unset: one is made up at start (shared through Redis by several
    #: processes), so returning visitors start afresh after a restart: set it in production.
    secret: str | None = Field(default=None, min_length=32)
    #: A visitor token older than this starts a new visitor.
    token_max_age_days: int = Field(default=180, ge=1)
    max_frame_bytes: int = Field(default=8192, ge=512, le=1_048_576)
    #: Customer messages per second per connection (a burst of `message_burst` allowed).
    messages_per_second: float = Field(default=2.0, gt=0)
    message_burst: int = Field(default=8, ge=1)
    connections_per_address: int = Field(default=20, ge=1)
    upload_dir: str = "var/chat-uploads"
    max_upload_bytes: int = Field(default=5 * 1024 * 1024, ge=1024)
    upload_types: list[str] = list(WEBCHAT_UPLOAD_TYPES)
    #: An upload no message carries is deleted once this old (the visitor attached it and left).
    unsent_upload_max_age_s: int = Field(default=24 * 3600, ge=60)
    #: How often each web process looks for such uploads in its upload directory.
    upload_sweep_s: float = Field(default=600.0, gt=0, le=24 * 3600)
    sites: dict[str, WebchatSite] = {"demo": WebchatSite(topics={})}
