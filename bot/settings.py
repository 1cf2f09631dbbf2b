"""Settings read once from the environment and an optional .env file, then passed down."""

from __future__ import annotations

import re
from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Every setting of the bot; `tongxing --help` lists them with these descriptions."""

    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    bot_token: SecretStr | None = Field(
        None, description="Telegram bot token; without it the bot runs as a console chat"
    )
    telegram_api_base: str | None = Field(None, description="another Bot API server, e.g. http://127.0.0.1:8081")
    database_url: str | None = Field(None, description="SQLAlchemy URL; default: SQLite file data/tongxing.db")
    redis_url: str | None = Field(None, description="Redis URL for shared FSM state when several instances run")
    webhook_url: str | None = Field(None, description="public HTTPS URL Telegram posts updates to (webhook mode)")
    webhook_secret: SecretStr | None = Field(None, description="secret token Telegram sends with every webhook call")
    webhook_host: str = Field("0.0.0.0", description="address the webhook server listens on")
    webhook_port: int = Field(8080, description="port the webhook server listens on")
    log_level: str = Field("INFO", description="logging level")
    throttle_rate: float = Field(1.0, ge=0, description="messages per second one user may send on average (0: off)")
    throttle_burst: int = Field(10, ge=1, description="messages one user may send at once before being slowed")
    shutdown_grace: float = Field(20.0, ge=0, description="seconds SIGTERM waits for updates being handled")
    seen_updates_hours: float = Field(48.0, ge=24, description="hours an update_id is remembered to drop repeats")
    data_dir: Path = Field(Path("data"), description="folder for the SQLite file, the dev key file and backups")
    encryption_keys: SecretStr | None = Field(
        None, description="Fernet keys for data at rest, comma-separated, newest first (tongxing keys rotate)"
    )
    pseudonym_key: SecretStr | None = Field(None, description="secret for pseudonymous ids in logs and look-ups")
    fsm_ttl_days: float = Field(
        7, gt=0, description="days an unfinished questionnaire (FSM state) is kept after its last step"
    )
    redis_prefix: str = Field("tongxing", description="prefix of all Redis keys (several apps may share one)")
    # -- key-care ledger (issue 5) and data protection (issue 6) -------------------------------------------------
    operators_chat_id: int | None = Field(
        None, description="chat of the bureau's operators: requests no one else can take, undeliverable notices"
    )
    visit_interval_days: int = Field(30, gt=0, description="days between visits to a child in the ledger")
    first_visit_hours_urgent: float = Field(24, gt=0, description="hours to the first visit of an urgent entry")
    first_visit_days_high: float = Field(3, gt=0, description="days to the first visit of a high-priority entry")
    first_visit_days_normal: float = Field(7, gt=0, description="days to the first visit of any other entry")
    reminder_lead_days: float = Field(1, ge=0, description="days before a visit is due that its director is reminded")
    overdue_grace_days: float = Field(
        3, ge=0, description="days past a missed visit (or first-visit deadline) before the supervisor is told"
    )
    invite_valid_days: float = Field(14, gt=0, description="days a director's invite code can be redeemed")
    closed_retention_days: int = Field(
        1095, gt=0, description="days a closed entry keeps who the child is (the bureau sets it), then anonymised"
    )
    audit_retention_days: int = Field(1095, ge=1095, description="days audit rows are kept (at least 3 years)")
    outbox_retention_days: int = Field(30, gt=0, description="days a delivered notification is kept")
    question_log_retention_days: int = Field(365, gt=0, description="days an unanswered question is kept")
    invite_retention_days: int = Field(90, gt=0, description="days a used or expired invite is kept")
    outbox_max_attempts: int = Field(
        8, gt=0, description="failed sends of a notification before it is escalated to a person (never dropped)"
    )
    outbox_rate: float = Field(25, gt=0, description="notifications per second this process sends at most")
    outbox_chat_interval: float = Field(1.0, ge=0, description="seconds between two notifications to one chat")
    jobs_interval_minutes: float = Field(
        30, gt=0, description="minutes between runs of the visit reminders and the retention purge in the bot"
    )

    def sqlite_path(self) -> Path:
        return self.data_dir.resolve() / "tongxing.db"


SECRET_FORMAT = re.compile(r"^[A-Za-z0-9_-]{1,256}$")  # what Telegram accepts as secret_token


def webhook_problem(settings: Settings) -> str | None:
    """Why webhook mode must not start, or None."""
    if settings.bot_token is None:
        return "BOT_TOKEN is not set"
    if not settings.webhook_url:
        return "WEBHOOK_URL is not set (the public HTTPS address Telegram posts updates to)"
    secret = settings.webhook_secret.get_secret_value() if settings.webhook_secret else ""
    if not secret:
        return "WEBHOOK_SECRET is not set: without it anyone could post fake updates (aiogram accepts all)"
    if not SECRET_FORMAT.match(secret):
        return "WEBHOOK_SECRET may use only A-Z, a-z, 0-9, _ and - (1 to 256 characters)"
    return None


def settings_help() -> str:
    """One line per setting, for `tongxing --help`."""
    lines = []
    for name, field in Settings.model_fields.items():
        lines.append(f"{name.upper():<22} {field.description or ''}")
    return "\n".join(lines)
