"""One frozen settings object: `config/*.toml`, then environment variables on top, checked once.

Environment: `DATABASE_URL`, `REDIS_URL`, and `CC_<SECTION>__<KEY>` for anything else (e.g.
`CC_HTTP__PORT=9000`). `CC_CONFIG` names the TOML file (default `config/contact_center.toml` when it
exists). Every problem found goes into one `ConfigError` message naming the key.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from contact_center.domain.errors import ConfigError
from contact_center.settings_channels import MailSettings, WebchatSettings, WebchatSite

__all__ = [
    "DatabaseSettings",
    "DeskSettings",
    "HttpSettings",
    "JobSettings",
    "MailSettings",
    "PeriodicSettings",
    "PrivacySettings",
    "RedisSettings",
    "SchedulerSettings",
    "SessionSettings",
    "Settings",
    "SimulatorSettings",
    "SlFormula",
    "WebchatSettings",
    "WebchatSite",
    "load_settings",
]

#: The two service-level formulas of docs/metrics.md.
SlFormula = Literal["offered", "answered"]

DEFAULT_CONFIG = Path("config/contact_center.toml")


class _Section(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class DatabaseSettings(_Section):
    url: str = "sqlite:///var/contact_center.db"
    #: PostgreSQL: connections kept open (SQLite: reading connections; it always has one writer).
    pool_size: int = Field(default=10, ge=1, le=200)
    #: PostgreSQL: connections opened beyond `pool_size` under a burst, closed when returned.
    max_overflow: int = Field(default=10, ge=0, le=200)
    echo: bool = False

    @field_validator("url")
    @classmethod
    def _known_database(cls, value: str) -> str:
        try:
            backend = make_url(value).get_backend_name()
        except ArgumentError as exc:
            raise ValueError(f"not a database URL: {value!r}") from exc
        if backend not in ("sqlite", "postgresql"):
            raise ValueError(f"use a sqlite:// or postgresql:// URL, not {backend}://")
        return value

    @property
    def is_sqlite(self) -> bool:
        return make_url(self.url).get_backend_name() == "sqlite"


class RedisSettings(_Section):
    url: str | None = None
    stream: str = "cc:events"
    rq_queue: str = "contact_center"

    @field_validator("url")
    @classmethod
    def _redis_scheme(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(("redis://", "rediss://", "unix://")):
            raise ValueError("use a redis://, rediss:// or unix:// URL")
        return value


class HttpSettings(_Section):
    host: str = "127.0.0.1"
    port: int = Field(default=8080, ge=1, le=65535)
    max_body_bytes: int = Field(default=1024 * 1024, ge=1024)
    #: How long an Idempotency-Key is remembered (24 hours, as Stripe keeps them).
    idempotency_key_ttl_s: int = Field(default=24 * 3600, ge=60)
    public_base_url: str | None = None
    cookie_secure: bool = False


class SessionSettings(_Section):
    """How long a signed-in session (a token from sign-in) lasts; operator-made tokens last until
    revoked. Enforced by the token cache (`api/principals.py`)."""

    #: Refused after this long without a request (a shift's gap; the page's sockets don't count).
    idle_timeout_s: int = Field(default=8 * 3600, ge=60)
    #: Refused this long after sign-in, however busy: sign in again.
    max_age_s: int = Field(default=30 * 24 * 3600, ge=60)


class SimulatorSettings(_Section):
    mean_interval_s: float = Field(default=2.0, gt=0)
    seed: int | None = None


class DeskSettings(_Section):
    """The agent desk's server side (docs/agent-desk.md): what happens when an agent's desk (the
    page's `/ws/events?desk=1` socket) goes away, wrap-up time, transfers."""

    #: How long the last desk of an agent may stay closed (a reload, a network blip) before the
    #: agent is taken out of routing.
    disconnect_grace_s: float = Field(default=60.0, ge=0, le=3600)
    #: What they become then: away (no offers; their chats stay theirs for now) or offline.
    disconnect_presence: Literal["away", "offline"] = "away"
    #: How long after the desk closed their open chats are handled as `orphaned_chat_action` says.
    orphaned_chat_after_s: float = Field(default=120.0, ge=0, le=24 * 3600)
    #: requeue: offered again to another agent; flag: left with them and flagged to supervisors.
    orphaned_chat_action: Literal["requeue", "flag"] = "requeue"
    #: How long an interaction may stay in wrap-up before the system closes it with the code
    #: "wrap_up_timeout", so its agent gets the next offer.
    wrap_up_limit_s: int = Field(default=120, ge=5, le=24 * 3600)
    #: How often the server looks for interactions past their wrap-up time.
    wrap_up_sweep_s: float = Field(default=2.0, gt=0, le=300)
    #: A transfer to one agent waits for that agent this long, then any agent of the queue may get it.
    transfer_reserve_s: int = Field(default=60, ge=0, le=24 * 3600)
    #: While an offer or a customer's message is unseen on a hidden desk, its sound and browser
    #: notification come again this often.
    alert_repeat_s: float = Field(default=15.0, ge=0.5, le=3600)


class PrivacySettings(_Section):
    """docs/privacy.md, Retention."""

    #: Message bodies older than this many days are purged (the row, its times and channel stay);
    #: none (the default) keeps them.
    message_retention_days: int | None = Field(default=None, ge=1)
    #: How often the scheduler runs the purge, unless `[scheduler.retention]` says otherwise.
    retention_interval_s: int = Field(default=3600, ge=60)


class JobSettings(_Section):
    """Background jobs (contact_center/jobs.py, docs/architecture.md, Jobs)."""

    #: A running job renews its lease every third of this; a job whose lease lapsed lost its
    #: worker, and the scheduler runs it again.
    lease_s: float = Field(default=30.0, ge=0.5, le=3600)
    #: Runs of a job whose worker keeps being lost, the first included, before it is failed.
    max_attempts: int = Field(default=3, ge=1, le=20)
    #: Extra modules imported where jobs run, registering their own `@job`s (plug-ins, tests).
    modules: list[str] = []

    @field_validator("modules", mode="before")
    @classmethod
    def _comma_separated(cls, value: object) -> object:
        """From the environment: `CC_JOBS__MODULES=a.b,c.d`."""
        return [m.strip() for m in value.split(",") if m.strip()] if isinstance(value, str) else value


HH_MM = r"^([01][0-9]|2[0-3]):[0-5][0-9]$"


class PeriodicSettings(_Section):
    """When one periodic job runs: every so many seconds, or once a day at a UTC time."""

    every_s: int | None = Field(default=None, ge=1)
    #: "HH:MM", UTC.
    at: str | None = Field(default=None, pattern=HH_MM)
    enabled: bool = True

    @model_validator(mode="after")
    def _one_rhythm(self) -> PeriodicSettings:
        if self.every_s is not None and self.at is not None:
            raise ValueError("give every_s or at, not both")
        return self


class SchedulerSettings(_Section):
    """Periodic jobs, each run once per due time however many schedulers run (docs/architecture.md,
    Scheduler). Unset rhythms take the defaults named here."""

    #: How often lost jobs (a worker killed mid-job) are looked for.
    reap_every_s: float = Field(default=10.0, gt=0, le=3600)
    #: Empties old message bodies when `privacy.message_retention_days` is set; every
    #: `privacy.retention_interval_s` unless given here.
    retention: PeriodicSettings = PeriodicSettings()
    #: Marks follow-ups past their due time and tells their owners' desks.
    overdue_follow_ups: PeriodicSettings = PeriodicSettings(every_s=60)
    #: Opens and clears the queues' alert episodes and mails each once (docs/supervisor.md).
    wallboard_alerts: PeriodicSettings = PeriodicSettings(every_s=30)


class Settings(_Section):
    environment: Literal["development", "production", "test"] = "development"
    log_format: Literal["auto", "json", "text"] = "auto"
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    default_region: str = Field(default="US", min_length=2, max_length=2)
    #: What service level divides the answered within the threshold by (docs/metrics.md): the
    #: offered less short abandons (default), or the answered.
    service_level_formula: SlFormula = "offered"
    database: DatabaseSettings = DatabaseSettings()
    redis: RedisSettings = RedisSettings()
    http: HttpSettings = HttpSettings()
    sessions: SessionSettings = SessionSettings()
    simulator: SimulatorSettings = SimulatorSettings()
    privacy: PrivacySettings = PrivacySettings()
    desk: DeskSettings = DeskSettings()
    webchat: WebchatSettings = WebchatSettings()
    mail: MailSettings = MailSettings()
    jobs: JobSettings = JobSettings()
    scheduler: SchedulerSettings = SchedulerSettings()

    @model_validator(mode="after")
    def _mode_is_coherent(self) -> Settings:
        if self.redis.url and self.database.is_sqlite:
            raise ValueError("redis.url needs a PostgreSQL database.url: SQLite serves one process only")
        mail = self.mail
        if self.environment == "production" and mail.password is not None and mail.security == "none":
            raise ValueError("mail.security: 'none' would send the password unencrypted; use starttls or tls")
        return self

    @property
    def is_distributed(self) -> bool:
        """Several processes (web, router, rq workers) share PostgreSQL and Redis."""
        return self.redis.url is not None


def load_settings(environ: Mapping[str, str] | None = None, config_file: Path | None = None) -> Settings:
    environ = os.environ if environ is None else environ
    data: dict[str, Any] = {}
    path = config_file or (Path(environ["CC_CONFIG"]) if "CC_CONFIG" in environ else None)
    if path is None and DEFAULT_CONFIG.exists():
        path = DEFAULT_CONFIG
    if path is not None:
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError as exc:
            raise ConfigError(f"invalid config: CC_CONFIG: no file {path}") from exc
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"invalid config: {path}: {exc}") from exc
    _overlay(data, environ)
    try:
        return Settings.model_validate(data)
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            key = ".".join(str(p) for p in err["loc"])
            message = err["msg"].removeprefix("Value error, ")
            problems.append(f"{key}: {message}" if key else message)  # a cross-field rule names its keys
        raise ConfigError(f"invalid config: {'; '.join(problems)}") from None


def _overlay(data: dict[str, Any], environ: Mapping[str, str]) -> None:
    if url := environ.get("DATABASE_URL"):
        data.setdefault("database", {})["url"] = url
    if url := environ.get("REDIS_URL"):
        data.setdefault("redis", {})["url"] = url
    for name, value in environ.items():
        if not name.startswith("CC_") or name == "CC_CONFIG":
            continue
        parts = name[3:].lower().split("__")
        if parts[0] not in Settings.model_fields:
            # Not ours (CC_TEST_PG_ADMIN, another tool's CC_*); a typo inside a section still fails.
            continue
        target = data
        for part in parts[:-1]:
            node = target.setdefault(part, {})
            if not isinstance(node, dict):
                raise ConfigError(f"invalid config: {name}: {part} is not a section")
            target = node
        target[parts[-1]] = value
