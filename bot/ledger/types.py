"""The ledger's vocabulary: statuses, roles, priorities, the values the service takes and returns, its errors."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class Status(StrEnum):
    """Entry status of issue 5: 新建 → 已受理 → 走访中 → 已转介 → 已办结."""

    NEW = "new"
    ACCEPTED = "accepted"
    VISITING = "visiting"
    REFERRED = "referred"
    CLOSED = "closed"


class Priority(StrEnum):
    URGENT = "urgent"
    HIGH = "high"
    NORMAL = "normal"


class Role(StrEnum):
    DIRECTOR = "director"  # 儿童主任 of a 村/社区 or 乡镇/街道
    SUPERVISOR = "supervisor"  # 儿童督导员 of a 乡镇/街道 or 区县
    OPERATOR = "operator"  # the bureau's operators (command line, operators' chat)


class Level(StrEnum):
    DISTRICT = "district"  # 区县
    TOWNSHIP = "township"  # 乡镇/街道
    VILLAGE = "village"  # 村/社区


class RefStatus(StrEnum):
    """A referral's own status: 待家庭同意 → 已转介 → 已接收 / 已退回 / 已完成, or 家庭不同意."""

    AWAITING = "awaiting"
    REFERRED = "referred"
    RECEIVED = "received"
    RETURNED = "returned"
    DONE = "done"
    DECLINED = "declined"


class Agreement(StrEnum):
    """How the family's agreement to pass data to a department (个保法第二十三条) was obtained."""

    ASK_FAMILY = "ask_family"  # the bot asks the family; the referral waits for the answer
    DIRECTOR_CONFIRMED = "director_confirmed"  # the director obtained it in person and confirms so
    EMERGENCY = "emergency"  # urgent entries: 个保法第十三条第一款第（四）项, no agreement needed


class ContactKind(StrEnum):
    TELEGRAM = "telegram"  # this chat only
    PHONE = "phone"
    OTHER = "other"


class Basis(StrEnum):
    CONSENT = "consent"  # guardian's separate consent (个保法第十三条第一款第（一）项、第二十九条、第三十一条)
    # 个保法第十三条第一款第（四）项 + the mandatory report (未成年人保护法第十一条; 方案 二（三）1)
    EMERGENCY = "emergency"


RISK_FLAGS = ("hardship", "disability", "no_guardian", "vagrancy", "psych", "self_request")  # 二（一）3
EMERGENCY_BASIS = "PIPL 13(1)(4) emergency; Minors Protection Law 11 / plan 2(3)1 mandatory report"


# -- errors ---------------------------------------------------------------------------------------------------
class LedgerError(Exception):
    """Base of every error the service raises on purpose; `code` is stable for handlers and templates."""

    code = "ledger_error"


class ConsentRequired(LedgerError):
    """No valid consent of the guardian: nothing was stored."""

    code = "consent_required"


class NotAllowed(LedgerError):
    """The actor may not do this (another area, revoked, not staff); the refusal is already audited."""

    code = "not_allowed"


class NotFound(LedgerError):
    code = "not_found"


class InvalidStep(LedgerError):
    """The entry's (or referral's) status does not allow this action now."""

    code = "invalid_step"


class InviteInvalid(LedgerError):
    """Unknown, used, expired or revoked invite code; `reason` says which."""

    code = "invite_invalid"

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class BadInput(LedgerError):
    """A value the service refuses (unknown area, risk flag, department, empty note)."""

    code = "bad_input"


# -- values in --------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class GivenConsent:
    """What the guardian agreed to: the version and hash from `consent_terms()`, and when."""

    rules_version: str
    text_hash: str
    given_at: datetime


@dataclass(frozen=True)
class RequestDraft:
    """A help request as the conversation collected it."""

    telegram_id: int
    chat_id: int
    idempotency_key: str  # one per confirm screen: pressing 确认 twice files once
    area_id: int  # the most precise area known (村/社区, else 乡镇/街道, else 区县)
    need_text: str = ""
    entry_ids: tuple[int, ...] = ()
    risk_flags: tuple[str, ...] = ()
    urgent: bool = False
    child_alias: str | None = None
    child_age: int | None = None
    contact_kind: ContactKind = ContactKind.TELEGRAM
    contact_value: str | None = None
    address_detail: str | None = None
    risk_detail: str | None = None
