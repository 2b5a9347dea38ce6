"""The services one running bot uses, built once from one database."""

from __future__ import annotations

from dataclasses import dataclass

from bot.config import Settings
from bot.safekeeping.backups import ScheduledBackups
from bot.services.access_log import AccessLogService
from bot.services.appointments import AppointmentService
from bot.services.audit import AccessAudit
from bot.services.chat_cleanup import ChatCleanupService
from bot.services.clock import Clock
from bot.services.dossiers import DossierService
from bot.services.families import FamilyService
from bot.services.family_edits import FamilyEditService
from bot.services.lifecycle import CaseService
from bot.services.membership import MembershipService
from bot.services.plans import PlanService
from bot.services.reminders import ReminderService
from bot.services.reports import ReportService
from bot.services.retention import RetentionService
from bot.services.team import TeamService
from bot.services.visits import VisitService
from bot.storage.appointments import AppointmentRepository
from bot.storage.audit import AccessLogReader, AuditRepository
from bot.storage.chat_cleanup import ChatCleanupRepository
from bot.storage.db import Database
from bot.storage.dossiers import DossierRepository
from bot.storage.erasure import ErasureRepository
from bot.storage.families import FamilyRepository
from bot.storage.family_edits import FamilyEdits
from bot.storage.lifecycle import CaseRepository
from bot.storage.people import PeopleRepository
from bot.storage.plans import PlanRepository
from bot.storage.reminders import ReminderRepository
from bot.storage.reports import ReportRepository
from bot.storage.team import TeamRepository
from bot.storage.visits import VisitRepository


@dataclass(frozen=True)
class Services:
    """Everything an adapter may call."""

    settings: Settings
    clock: Clock
    membership: MembershipService
    families: FamilyService
    visits: VisitService
    plans: PlanService
    appointments: AppointmentService
    reminders: ReminderService
    team: TeamService
    cases: CaseService
    retention: RetentionService
    family_edits: FamilyEditService
    chat_cleanup: ChatCleanupService
    access_log: AccessLogService
    backups: ScheduledBackups | None  # None: BACKUP_DIR is not set
    reports: ReportService
    dossiers: DossierService

    @classmethod
    def build(cls, settings: Settings, db: Database, clock: Clock | None = None) -> Services:
        """Wire repositories into services."""
        clock = clock or Clock(settings.tz)
        people = PeopleRepository(db)
        audit = AccessAudit(AuditRepository(db), clock)
        family_rows = FamilyRepository(db)
        families = FamilyService(family_rows, people, audit, clock)
        plans = PlanRepository(db)
        cases = CaseRepository(db)
        reminders = ReminderRepository(
            db, timezone=settings.timezone, locale=settings.default_locale
        )
        return cls(
            settings=settings,
            clock=clock,
            membership=MembershipService(people, settings.admin_telegram_ids, clock, audit),
            families=families,
            visits=VisitService(VisitRepository(db), families, clock),
            plans=PlanService(plans, families, clock),
            appointments=AppointmentService(
                AppointmentRepository(db), plans, reminders, families, clock
            ),
            reminders=ReminderService(reminders, families, clock),
            team=TeamService(
                TeamRepository(db, timezone=settings.timezone),
                people,
                families,
                reminders,
                clock,
                settings.admin_telegram_ids,
                settings.escalate_after_days,
            ),
            cases=CaseService(cases, families, clock, settings.monitoring_months),
            retention=RetentionService(
                ErasureRepository(db),
                cases,
                families.families,
                audit,
                clock,
                settings.retention_years,
            ),
            family_edits=FamilyEditService(FamilyEdits(db), families, clock),
            chat_cleanup=ChatCleanupService(
                ChatCleanupRepository(db), clock, settings.chat_cleanup_minutes
            ),
            access_log=AccessLogService(AccessLogReader(db), family_rows, audit),
            backups=_backups(settings, db, clock),
            reports=ReportService(
                ReportRepository(db), people, audit, clock, settings.admin_telegram_ids
            ),
            dossiers=DossierService(
                DossierRepository(db), families, people, CaseRepository(db), clock
            ),
        )


def _backups(settings: Settings, db: Database, clock: Clock) -> ScheduledBackups | None:
    """The daily backups, when BACKUP_DIR is set."""
    if settings.backup_dir is None:
        return None
    return ScheduledBackups(db, settings.backup_dir, settings.backup_keep, settings.key(), clock)
