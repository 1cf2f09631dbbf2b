"""Read-outs for operators: an entry's audit trail and the rows of an area's ledger export."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import col, select

from bot.ledger.casemodels import Case, Referral, Visit
from bot.ledger.core import OPERATOR_CLI, Core
from bot.ledger.logmodels import AuditLog
from bot.ledger.models import Area
from bot.ledger.types import NotFound
from bot.ledger.values import AuditRow


@dataclass(frozen=True)
class ExportRow:
    """One entry as the 全国儿童福利信息系统 needs it: no contact, address or free text (minimum necessary)."""

    reference: str
    district: str
    township: str
    village: str
    child_alias: str | None
    child_age: int | None
    risk_flags: tuple[str, ...]
    entry_ids: tuple[int, ...]
    priority: str
    status: str
    basis: str
    filed_at: datetime
    first_visit_due: datetime
    visits: int
    last_visit: datetime | None
    next_visit_due: datetime | None
    referrals: tuple[tuple[str, str], ...]
    closed_at: datetime | None


class ReportsMixin(Core):
    async def audit_trail(self, reference: str) -> list[AuditRow]:
        """Who saw and did what to an entry, oldest first (`tongxing ledger audit REF`); the view is audited."""
        async with self.tx() as tx:
            case = (await tx.session.exec(select(Case).where(Case.reference == reference.strip().upper()))).first()
            if case is None:
                raise NotFound(f"no entry {reference}")
            stmt = select(AuditLog).where(AuditLog.case_id == case.id).order_by(col(AuditLog.id))
            rows = [
                AuditRow(a.at, a.actor, a.role, a.area_id, a.action, a.reference, a.outcome, a.detail)
                for a in (await tx.session.exec(stmt)).all()
            ]
            tx.audit(OPERATOR_CLI, "audit_view", case=case)
            return rows

    async def export_rows(self, area_id: int) -> list[ExportRow]:
        """Every entry of the area and the areas below it, oldest first; the export is audited."""
        async with self.tx() as tx:
            area = await tx.session.get(Area, area_id)
            if area is None:
                raise NotFound(f"no area {area_id}")
            names = {a.id: a for a in (await tx.session.exec(select(Area))).all()}
            stmt = select(Case, Area).join(Area, col(Area.id) == Case.area_id)
            stmt = stmt.where(col(Area.path).startswith(area.path)).order_by(col(Case.id))
            out = []
            for case, where in (await tx.session.exec(stmt)).all():
                visits = (await tx.session.exec(select(Visit).where(Visit.case_id == case.id))).all()
                refs = (await tx.session.exec(select(Referral).where(Referral.case_id == case.id))).all()
                tx.audit(OPERATOR_CLI, "export", case=case)  # each entry read for the export, in the same transaction
                chain = [names[int(i)] for i in where.path.strip("/").split("/")]
                level_names = [a.name for a in chain] + ["", ""]
                out.append(
                    ExportRow(
                        reference=case.reference,
                        district=level_names[0],
                        township=level_names[1],
                        village=level_names[2],
                        child_alias=case.child_alias,
                        child_age=case.child_age,
                        risk_flags=tuple(case.risk_flags),
                        entry_ids=tuple(case.entry_ids),
                        priority=case.priority,
                        status=case.status,
                        basis=case.basis,
                        filed_at=case.filed_at,
                        first_visit_due=case.first_visit_due,
                        visits=len(visits),
                        last_visit=max((v.visited_at for v in visits), default=None),
                        next_visit_due=case.next_visit_due,
                        referrals=tuple((r.department, r.status) for r in refs),
                        closed_at=case.closed_at,
                    )
                )
            tx.audit(OPERATOR_CLI, "export", area_id=area_id, detail=f"{len(out)} entries")
            return out
