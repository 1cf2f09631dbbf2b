"""Operators' side: areas, one-time invites, redeeming them, revoking staff; area look-up for families."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from rapidfuzz import fuzz
from sqlmodel import col, select

from bot.ledger.access import AccessMixin, staff_actor
from bot.ledger.core import OPERATOR_CLI, SYSTEM, Actor, Tx
from bot.ledger.models import Area, Invite, Staff
from bot.ledger.types import BadInput, InviteInvalid, Level, NotFound, Role
from bot.ledger.values import AreaView, StaffView
from bot.ledger.views import area_view, staff_view
from checklist.places import clean

LEVEL_ORDER = (Level.DISTRICT, Level.TOWNSHIP, Level.VILLAGE)
INVITE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud or typed from paper


class AdminMixin(AccessMixin):
    async def add_area(self, names: list[str], actor: Actor = OPERATOR_CLI) -> list[AreaView]:
        """Create 区县 [→ 乡镇/街道 [→ 村/社区]] along the path, reusing what exists; returns the whole path."""
        names = [" ".join(n.split()) for n in names if n.strip()]
        if not 1 <= len(names) <= 3:
            raise BadInput("give a district, optionally a township (or street) and a village (or community)")
        path: list[Area] = []
        async with self.tx() as tx:
            for depth, name in enumerate(names):
                full = "/".join(names[: depth + 1])
                area = (await tx.session.exec(select(Area).where(Area.full_name == full))).first()
                if area is None:
                    parent = path[-1] if path else None
                    area = Area(
                        parent_id=parent.id if parent else None,
                        level=LEVEL_ORDER[depth].value,
                        name=name,
                        full_name=full,
                        created_at=tx.now,
                    )
                    tx.session.add(area)
                    await tx.session.flush()
                    area.path = f"{parent.path if parent else '/'}{area.id}/"
                    tx.audit(actor, "area_add", area_id=area.id, detail=LEVEL_ORDER[depth].value)
                path.append(area)
        return [area_view(a) for a in path]

    async def open_district(self, name: str) -> AreaView:
        """A Chongqing 区县 of the content's gazetteer that no operator has set up yet, created as an area so that a
        family living there is never turned away: with no staff there, its request goes to the operators' chat."""
        if name not in {d.name for d in self.catalog.regions.districts}:
            raise BadInput(f"{name!r} is not a district of the content's regions")
        return (await self.add_area([name], actor=SYSTEM))[0]

    async def areas(self, parent_id: int | None = None) -> list[AreaView]:
        """The 区县 (parent_id None) or the areas directly below `parent_id`, by name."""
        async with self.sessions() as s:
            stmt = select(Area).where(Area.parent_id == parent_id if parent_id else col(Area.parent_id).is_(None))
            return [area_view(a) for a in (await s.exec(stmt.order_by(col(Area.name)))).all()]

    async def area(self, area_id: int) -> AreaView:
        async with self.sessions() as s:
            found = await s.get(Area, area_id)
        if found is None:
            raise NotFound(f"no area {area_id}")
        return area_view(found)

    async def area_named(self, full_name: str) -> AreaView:
        """An area by its full name ("渝北区/龙溪街道") or its id, as operators type it on the command line."""
        key = "/".join(part.strip() for part in full_name.strip().split("/") if part.strip())
        async with self.sessions() as s:
            stmt = select(Area).where(Area.full_name == key)
            found = (await s.exec(stmt)).first() or (await s.get(Area, int(key)) if key.isdigit() else None)
        if found is None:
            raise NotFound(f"no area {full_name!r} (see tongxing area list)")
        return area_view(found)

    async def find_area(self, text: str, parent_id: int | None = None) -> tuple[AreaView | None, list[AreaView]]:
        """A typed place name among the areas below `parent_id`: (the match or None, up to 3 suggestions)."""
        candidates = await self.areas(parent_id)
        key = clean(text)
        for a in candidates:
            if key and (clean(a.name) == key or (clean(a.name).startswith(key) and len(key) >= 2)):
                return a, []
        scored = sorted(((fuzz.ratio(key, clean(a.name)), a) for a in candidates), key=lambda p: -p[0])
        return None, [a for score, a in scored[:3] if score >= 50]

    async def create_invite(self, area_id: int, role: Role = Role.DIRECTOR) -> str:
        """A one-time code for a director or supervisor of `area_id`; only its keyed hash is stored."""
        if role is Role.OPERATOR:
            raise BadInput("operators work from the command line and the operators' chat, not by invite")
        code = "".join(secrets.choice(INVITE_ALPHABET) for _ in range(10))
        async with self.tx() as tx:
            area = await tx.session.get(Area, area_id)
            if area is None:
                raise NotFound(f"no area {area_id}")
            if role is Role.DIRECTOR and area.level == Level.DISTRICT:
                raise BadInput("a child director serves a township or a village; a district has supervisors")
            valid = timedelta(days=self.settings.invite_valid_days)
            code_hash = self._code_hash(code)
            tx.session.add(
                Invite(
                    code_hash=code_hash, role=role.value, area_id=area_id, created_at=tx.now, expires_at=tx.now + valid
                )
            )
            tx.audit(OPERATOR_CLI, "invite", area_id=area_id, detail=role.value)
        return code

    async def redeem_invite(
        self, code: str, telegram_id: int, chat_id: int, display_name: str | None = None
    ) -> StaffView:
        """Bind the user to the invite's area and role; a used, expired, revoked or unknown code is refused.

        The refusal is audited (committed) before InviteInvalid is raised.
        """
        async with self.tx() as tx:
            stmt = select(Invite).where(Invite.code_hash == self._code_hash(code)).with_for_update()
            invite = (await tx.session.exec(stmt)).first()
            reason = _invalid(invite, tx.now)
            if reason is None and invite is not None:
                return await self._bind(tx, invite, telegram_id, chat_id, display_name)
            area_id = invite.area_id if invite else None
            tx.audit(self.stranger(telegram_id), "invite_redeem", outcome="refused", detail=reason, area_id=area_id)
        raise InviteInvalid(reason or "unknown")

    async def _bind(
        self, tx: Tx, invite: Invite, telegram_id: int, chat_id: int, display_name: str | None
    ) -> StaffView:
        stmt = select(Staff).where(
            Staff.telegram_id == telegram_id, Staff.area_id == invite.area_id, Staff.role == invite.role
        )
        staff = (await tx.session.exec(stmt)).first() or Staff(
            telegram_id=telegram_id, chat_id=chat_id, role=invite.role, area_id=invite.area_id, created_at=tx.now
        )
        staff.chat_id, staff.active, staff.revoked_at = chat_id, True, None
        staff.display_name = display_name or staff.display_name
        tx.session.add(staff)
        await tx.session.flush()
        invite.used_at, invite.staff_id = tx.now, staff.id
        tx.audit(staff_actor(staff), "invite_redeem", area_id=invite.area_id)
        area = await tx.session.get_one(Area, invite.area_id)
        return staff_view(staff, area)

    async def revoke_staff(self, telegram_id: int) -> int:
        """Deactivate every role of this person at once (incident response); returns how many were active."""
        async with self.tx() as tx:
            rows = (await tx.session.exec(select(Staff).where(Staff.telegram_id == telegram_id))).all()
            active = [s for s in rows if s.active]
            for staff in active:
                staff.active, staff.revoked_at = False, tx.now
                tx.audit(OPERATOR_CLI, "staff_revoke", area_id=staff.area_id, detail=f"staff:{staff.id}")
            if not rows:
                raise NotFound("no staff member with this Telegram id")
            return len(active)

    async def revoke_invites(self, area_id: int | None = None) -> int:
        """Void every unused invite (of one area, or all); returns how many."""
        async with self.tx() as tx:
            stmt = select(Invite).where(col(Invite.used_at).is_(None), col(Invite.revoked_at).is_(None))
            if area_id is not None:
                stmt = stmt.where(Invite.area_id == area_id)
            invites = (await tx.session.exec(stmt)).all()
            for invite in invites:
                invite.revoked_at = tx.now
            tx.audit(OPERATOR_CLI, "invite_revoke", area_id=area_id, detail=f"{len(invites)} invites")
            return len(invites)

    async def staff_roles(self, telegram_id: int) -> list[StaffView]:
        """The user's active staff roles (empty for families): handlers use it to show staff commands."""
        async with self.tx() as tx:
            return [staff_view(s, a) for s, a in await self._active_staff(tx, telegram_id)]

    async def staff_list(self) -> list[StaffView]:
        async with self.sessions() as s:
            rows = (await s.exec(select(Staff, Area).join(Area, col(Area.id) == Staff.area_id, isouter=True))).all()
            return [staff_view(st, a) for st, a in rows]

    def _code_hash(self, code: str) -> str:
        return self.pseudonym("invite", "".join(code.split()).upper())


def _invalid(invite: Invite | None, now: datetime) -> str | None:
    if invite is None:
        return "unknown"
    if invite.revoked_at is not None:
        return "revoked"
    if invite.used_at is not None:
        return "used"
    if invite.expires_at <= now:
        return "expired"
    return None
