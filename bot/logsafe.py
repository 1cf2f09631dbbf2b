"""A logging filter that redacts what looks like personal data: the safety net behind pseudonymous logging."""

from __future__ import annotations

import logging
import re

# Phone numbers, ID numbers, Telegram ids (long digit runs), e-mail addresses, and any run of CJK text: log
# messages here are English by house rule, so Chinese in a log line is a family's words or a place name.
_PATTERNS = (
    re.compile(r"[\w.+-]+@[\w-]+\.[\w.]+"),
    re.compile(r"(?<!\w)(?:\+?86[\s-]?)?1[3-9]\d(?:[\s-]?\d{4}){2}(?!\w)"),  # mobile numbers, spaced or not
    re.compile(r"(?<!\w)0\d{2,3}-\d{7,8}(?!\w)"),  # landlines
    re.compile(r"\d{7,}[Xx]?"),  # ID numbers, Telegram ids, any long digit run
    re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]+"),
)
REDACTED = "[redacted]"


def redact(text: str) -> str:
    for pattern in _PATTERNS:
        text = pattern.sub(REDACTED, text)
    return text


class RedactingFilter(logging.Filter):
    """Formats the record's message once, redacted, so no handler ever sees the raw arguments."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken format string must not lose the record
            message = str(record.msg)
        record.msg, record.args = redact(message), None
        if record.exc_info and record.exc_info[1] is not None:
            # Exception texts can carry values (an IntegrityError quotes the row): keep the type, not the text.
            record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
        return True


# SQLAlchemy's engine logger echoes bound values and, at DEBUG, result rows after decryption: never let a
# LOG_LEVEL=DEBUG for the bot turn it on. Set it explicitly (after this) to debug SQL on test data only.
QUIET = ("sqlalchemy.engine", "sqlalchemy.pool")


def quiet_libraries() -> None:
    for name in QUIET:
        logging.getLogger(name).setLevel(logging.WARNING)


def install(logger: logging.Logger | None = None) -> RedactingFilter:
    """Attach the filter to every handler of the root logger (handlers see records of every logger)."""
    target = logger or logging.getLogger()
    found = next((f for h in target.handlers for f in h.filters if isinstance(f, RedactingFilter)), None)
    flt = found or RedactingFilter()
    for handler in target.handlers:
        if flt not in handler.filters:
            handler.addFilter(flt)
    return flt
