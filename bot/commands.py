"""The one registry of commands: English name, Polish alias, menu text, help line, who may use it.

app.py, the command menus (`set_my_commands`) and /help all read this table, so a command is
named once. Texts are gettext ids (`N_`), translated where they are shown.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from bot.i18n import N_


class Audience(StrEnum):
    """Who sees a command in the menu and in /help."""

    MEMBER = "member"
    TEAM = "team"  # coordinators and admins
    ADMIN = "admin"


@dataclass(frozen=True)
class Command:
    """One command of the bot."""

    name: str
    alias: str | None = None  # the Polish name, shown in Polish menus
    menu: str | None = None  # the menu's description; None: not in the menu
    help: str | None = None  # the line in /help; None: not listed
    audience: Audience = Audience.MEMBER

    @property
    def names(self) -> list[str]:
        """Every name the command answers to."""
        return [self.name] if self.alias is None else [self.name, self.alias]

    def shown_name(self, locale: str) -> str:
        """The name a menu in this language shows."""
        return self.alias if locale == "pl" and self.alias else self.name


COMMANDS: tuple[Command, ...] = (
    Command(
        "visit",
        "wizyta",
        N_("Record a visit"),
        N_("/visit (/wizyta) — record a visit, step by step"),
    ),
    Command(
        "families",
        "rodziny",
        N_("Your families this week"),
        N_(
            "/families (/rodziny) — your families and this week's visits; "
            "/families closed (/rodziny zamknięte) — the closed ones"
        ),
    ),
    Command(
        "visits",
        "wizyty",
        N_("Last visits of a family"),
        N_("/visits R-01 (/wizyty) — the last visits of a family"),
    ),
    Command(
        "newfamily",
        "nowarodzina",
        N_("Register a family"),
        N_("/newfamily (/nowarodzina) — register a family"),
    ),
    Command(
        "plan",
        None,
        N_("A family's help plan"),
        N_("/plan R-01 — the family's help plan (add “all” for closed goals)"),
    ),
    Command(
        "goal",
        "cel",
        N_("Add or change a goal"),
        N_("/goal (/cel) — add a goal or change one: status, notes, tasks"),
    ),
    Command(
        "assessment",
        "ocena",
        N_("Periodic assessment"),
        N_("/assessment (/ocena) — the periodic assessment; /ocena R-01 dokument: its PDF"),
    ),
    Command(
        "resources",
        "zasoby",
        N_("The family's resources"),
        N_("/resources (/zasoby) — the family's strengths"),
    ),
    Command(
        "appointment",
        "termin",
        N_("Add an appointment"),
        N_("/appointment (/termin) — an appointment at an institution"),
    ),
    Command(
        "agenda",
        "terminy",
        N_("Appointments this week"),
        N_("/agenda (/terminy) — appointments in the next 7 days"),
    ),
    Command(
        "edit",
        "edytuj",
        N_("Change a family's details"),
        N_("/edit R-01 (/edytuj) — label, members, visits a week, contract, code"),
    ),
    Command(
        "close",
        "zakoncz",
        N_("End the work with a family"),
        N_("/close R-01 (/zakoncz) — end the work: day, reason, summary, monitoring"),
    ),
    Command(
        "monitoring",
        None,
        N_("Monitoring: a contact, or finish it"),
        N_(
            "/monitoring R-01 — a contact with a closed family you monitor, or ✔ finish its "
            "monitoring"
        ),
    ),
    Command(
        "reopen",
        "wznow",
        N_("Work with a closed family again"),
        N_("/reopen R-01 (/wznow) — start the work with a closed family again"),
    ),
    Command(
        "report",
        "raport",
        N_("Monthly work card"),
        N_("/report (/raport) — the monthly work card as PDF, XLSX or CSV"),
    ),
    Command(
        "dossier",
        "teczka",
        N_("A family's documentation"),
        N_("/dossier R-01 (/teczka) — the family's whole record as one PDF"),
    ),
    Command(
        "settings",
        "ustawienia",
        N_("Reminder settings"),
        N_("/settings (/ustawienia) — morning digest and quiet hours"),
    ),
    Command("lang", "jezyk", N_("Language"), N_("/lang (/jezyk) — change the language")),
    Command(
        "cancel",
        "anuluj",
        N_("Stop without saving"),
        N_("/cancel (/anuluj) — stop what you started, without saving"),
    ),
    Command("help", "pomoc", N_("What the bot can do")),
    Command("start"),
    Command(
        "team",
        "zespol",
        N_("The team at a glance"),
        N_("/team (/zespol) — the team at a glance, each caseload, people and roles"),
        Audience.TEAM,
    ),
    Command(
        "invite",
        "zaproszenie",
        N_("Invite an assistant or coordinator"),
        N_(
            "/invite (/zaproszenie) — a one-time invite for an assistant or a coordinator "
            "(valid 72 hours)"
        ),
        Audience.ADMIN,
    ),
    Command(
        "assign",
        "przypisz",
        N_("Hand a family to an assistant"),
        N_("/assign R-01 — hand a family to another assistant, for good or as holiday cover"),
        Audience.ADMIN,
    ),
    Command(
        "access",
        "dostepy",
        N_("Who opened a family"),
        N_("/access R-01 (/dostepy) — who opened or changed a family, and who was refused"),
        Audience.ADMIN,
    ),
    Command(
        "erase",
        "usun",
        N_("Erase a family's data"),
        N_("/erase R-01 (/usun) — erase a family's personal data now (asks twice)"),
        Audience.ADMIN,
    ),
)

_BY_NAME = {command.name: command for command in COMMANDS}


def names(name: str) -> list[str]:
    """The names (English, Polish) a registered command answers to; KeyError if unknown."""
    return _BY_NAME[name].names


def for_audience(audience: Audience) -> list[Command]:
    """The commands one audience is shown, in the registry's order."""
    return [command for command in COMMANDS if command.audience is audience]
