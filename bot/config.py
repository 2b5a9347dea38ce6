"""Settings read once at start from environment variables and an optional `.env` file."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from bot.domain.chat_cleanup import MAX_MINUTES

Locale = Literal["pl", "en"]
# BotFather's tokens: the bot's numeric id, a colon, then letters, digits, `_` and `-`.
TOKEN_SHAPE = re.compile(r"\d+:[A-Za-z0-9_-]+")


class ConfigError(Exception):
    """A configuration value is missing or malformed; the message names the variable."""


class Settings(BaseSettings):
    """Everything the bot needs to know about its environment."""

    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    telegram_bot_token: SecretStr | None = None
    telegram_api_base_url: str = "https://api.telegram.org/bot"
    database_path: Path = Path("./data/familybot.sqlite3")
    database_key: SecretStr | None = None
    database_key_file: Path | None = None  # Docker secrets, systemd credentials
    backup_dir: Path | None = None
    backup_keep: int = Field(default=14, ge=1)
    admin_telegram_ids: Annotated[frozenset[int], NoDecode] = Field(default_factory=frozenset)
    timezone: str = "Europe/Warsaw"
    default_locale: Locale = "pl"
    escalate_after_days: int = Field(default=14, ge=1, le=365)  # no visit this long: escalate
    # How long a closed family's data is kept: the centre decides, with its data protection
    # officer, by the rules for its documentation (README, "Keep or erase").
    retention_years: int = Field(default=10, ge=1, le=100)
    monitoring_months: Literal[0, 3, 6, 12] = 6  # offered first when the work is closed
    # Sensitive answers leave the chat this long after they were shown (0: they stay).
    chat_cleanup_minutes: int = Field(default=30, ge=0, le=MAX_MINUTES)

    @field_validator("admin_telegram_ids", mode="before")
    @classmethod
    def _split_ids(cls, value: object) -> object:
        """Accept `1,2,3` as well as a list."""
        if isinstance(value, str):
            parts = [p.strip() for p in value.split(",") if p.strip()]
            for part in parts:
                if not part.lstrip("-").isdigit():
                    raise ValueError(f"{part!r} is not a numeric Telegram user id")
            return frozenset(int(p) for p in parts)
        return value

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        """Refuse a zone name the system does not know."""
        if not value.strip():
            raise ValueError("is empty: leave it out for Europe/Warsaw, or name a zone")
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {value!r}") from exc
        return value

    @field_validator(
        "telegram_bot_token", "database_key", "database_key_file", "backup_dir", mode="before"
    )
    @classmethod
    def _blank_is_none(cls, value: object) -> object:
        """Treat an empty variable as unset."""
        if isinstance(value, str) and not value.strip():
            return None
        return value

    @field_validator("database_path", mode="before")
    @classmethod
    def _a_file(cls, value: object) -> object:
        """The database's file, not its folder (the folder's checks would name the parent)."""
        if isinstance(value, str) and not value.strip():
            raise ValueError("is empty: leave it out for ./data/familybot.sqlite3, or name a file")
        if Path(str(value)).is_dir():
            raise ValueError(
                f"{value} is a folder: name the database file in it, e.g. "
                f"{Path(str(value)) / 'familybot.sqlite3'}"
            )
        return value

    @field_validator("telegram_bot_token")
    @classmethod
    def _token_shape(cls, value: SecretStr | None) -> SecretStr | None:
        """Refuse what cannot be a token (quotes, spaces, a pasted sentence), never quoting it."""
        if value is not None and not TOKEN_SHAPE.fullmatch(value.get_secret_value()):
            raise ValueError(
                "this is not a bot token: it looks like 123456789:AA… (digits, a colon, then "
                "letters and digits), copied from @BotFather without quotes or spaces"
            )
        return value

    @model_validator(mode="after")
    def _key_from_file(self) -> Settings:
        """Read DATABASE_KEY_FILE once, at start; it and DATABASE_KEY exclude each other."""
        if self.database_key_file is None:
            return self
        if self.database_key is not None:
            raise ValueError("DATABASE_KEY_FILE: set either DATABASE_KEY or DATABASE_KEY_FILE")
        path = self.database_key_file
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            why = exc.strerror if isinstance(exc, OSError) and exc.strerror else "unreadable"
            raise ValueError(f"DATABASE_KEY_FILE: cannot read {path} ({why})") from None
        key = text.rstrip("\r\n")  # `echo key > file` adds a newline that is no part of it
        if not key.strip():
            raise ValueError(f"DATABASE_KEY_FILE: {path} is empty")
        self.database_key = SecretStr(key)
        return self

    @property
    def tz(self) -> ZoneInfo:
        """The centre's time zone."""
        return ZoneInfo(self.timezone)

    def token(self) -> str:
        """The bot token, or a ConfigError naming the missing variable."""
        if self.telegram_bot_token is None:
            raise ConfigError(
                "TELEGRAM_BOT_TOKEN is not set: create a bot with @BotFather and put its token "
                "in the environment or in .env"
            )
        return self.telegram_bot_token.get_secret_value()

    def key(self) -> str | None:
        """The database key, if encryption is on."""
        return None if self.database_key is None else self.database_key.get_secret_value()


def load_settings(**overrides: object) -> Settings:
    """Read and validate the settings, turning a validation error into one clear line."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        first = exc.errors()[0]
        message = str(first["msg"]).removeprefix("Value error, ")  # pydantic's, not ours
        if not first["loc"]:  # a check across variables: its message names them
            raise ConfigError(message) from None
        raise ConfigError(f"{str(first['loc'][0]).upper()}: {message}") from None
