"""Translated names of the fixed lists, and friendly words for domain errors."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from bot.domain.appointment import Institution
from bot.domain.errors import DomainError
from bot.domain.vocabulary import Activity, Area, MemberRole, MissedReason, Place
from bot.i18n import N_, Translator

AREA_LABELS: dict[Area, str] = {
    Area.HOUSING: N_("Housing"),
    Area.MONEY: N_("Money and benefits"),
    Area.HEALTH: N_("Health"),
    Area.LEGAL: N_("Documents and legal matters"),
    Area.EMOTIONS: N_("Emotions"),
    Area.PARENTING: N_("Family relations and parenting"),
    Area.PEERS: N_("Peer group"),
    Area.EDUCATION: N_("Education and school"),
    Area.QUALIFICATIONS: N_("Qualifications and courses"),
    Area.EMPLOYMENT: N_("Work"),
    Area.SOCIAL: N_("Social activity and culture"),
    Area.CONFLICTS: N_("Conflicts"),
}

ACTIVITY_LABELS: dict[Activity, str] = {
    Activity.DOCUMENTS: N_("Documents and letters"),
    Activity.BENEFIT: N_("Benefit application"),
    Activity.ACCOMPANYING: N_("Accompanying to an institution"),
    Activity.MOTIVATION: N_("Motivational talk"),
    Activity.MEDIATION: N_("Conflict mediation"),
    Activity.REFERRAL: N_("Referral to therapy or a specialist"),
    Activity.SKILL: N_("Skill modelling and practice"),
    Activity.OTHER: N_("Other"),
}

PLACE_LABELS: dict[Place, str] = {
    Place.HOME: N_("Family's home"),
    Place.INSTITUTION: N_("Institution"),
    Place.OFFICE: N_("Centre's office"),
    Place.OUTDOORS: N_("Outdoors"),
    Place.PHONE: N_("Phone"),
}

ROLE_LABELS: dict[MemberRole, str] = {
    MemberRole.MOTHER: N_("mother"),
    MemberRole.FATHER: N_("father"),
    MemberRole.CHILD: N_("child"),
    MemberRole.GRANDPARENT: N_("grandparent"),
    MemberRole.OTHER: N_("other"),
}

MISSED_LABELS: dict[MissedReason, str] = {
    MissedReason.NOBODY_HOME: N_("Nobody home"),
    MissedReason.REFUSED: N_("Family refused"),
    MissedReason.CANCELLED: N_("Cancelled by the family"),
}

INSTITUTION_LABELS: dict[Institution, str] = {
    Institution.OPS: N_("Social-welfare centre (OPS)"),
    Institution.PUP: N_("Labour office (PUP)"),
    Institution.SCHOOL: N_("School"),
    Institution.COURT: N_("Court"),
    Institution.CLINIC: N_("Clinic or counselling centre"),
    Institution.DOCTOR: N_("Doctor or hospital"),
    Institution.PCPR: N_("County family centre (PCPR)"),
    Institution.POLICE: N_("Police or interdisciplinary team"),
    Institution.OTHER: N_("Other institution"),
}

ERROR_TEXTS: dict[str, str] = {
    "date_format": N_(
        "I could not read that date. Type it like 21.11 or 21.11.2026, or in words: "
        "tomorrow, in 2 weeks, end of February, by 15 March."
    ),
    "date_impossible": N_("That date does not exist. Check the day and the month."),
    "date_no_leap_day": N_("There is no 29 February in that year."),
    "date_future": N_(
        "That date is in the future. A visit can only be recorded once it happened."
    ),
    "date_too_old": N_("That date is more than a year ago. Check the year."),
    "date_past": N_("That date is already past. Type a date from today on."),
    "date_too_far": N_("That date is more than two years ahead. Check the year."),
    "duration_format": N_(
        "I could not read that duration. Type minutes (45) or hours (1h30, 1:30)."
    ),
    "duration_too_long": N_(
        "{minutes} minutes is over {hours} hours, longer than a visit lasts. "
        "Type minutes (90) or hours (1h30)."
    ),
    "duration_too_short": N_(
        "{minutes} minutes is too short for a visit (at least {low}). "
        "Type minutes (45) or hours (1h30)."
    ),
    "text_too_long": N_(
        "That text is too long: {length} characters, at most {limit}. "
        "Please shorten it and send it again."
    ),
    "text_empty": N_("Please type some text."),
    "code_not_offered": N_("None of the families here has that code: press one of the buttons."),
    "text_invisible": N_(
        "That text shows nothing: it is only spaces or invisible characters. "
        "Please type some words."
    ),
    "draft_incomplete": N_("Some steps are missing. Please go through them again."),
    "nobody_present": N_(
        "Tick who was there. If nobody from the family was there, the visit did not take "
        "place: record it as missed."
    ),
    "code_format": N_("A family code has 1–12 letters, digits or dashes, like R-07."),
    "code_taken": N_("The code {family_code} is already used. Type another one."),
    "code_taken_free": N_(
        "The code {family_code} is already used. {suggestion} is free: press it below, "
        "or type another code."
    ),
    "code_like_taken": N_(
        "{family_code} is too like {taken}, a code already used: codes that differ only by a "
        "dash or a zero are easily mixed up. {suggestion} is free: press it below, or type "
        "another code."
    ),
    "renewal_past": N_(
        "A renewed contract counts as signed today, so it cannot end on {date}, a day gone "
        "by. Press a span or type a later date."
    ),
    "contract_order": N_(
        "The contract was signed on {signed}; it cannot end before that ({date}). "
        "Type a later date."
    ),
    "contract_future": N_(
        "That date is in the future. A contract is entered once it has been signed."
    ),
    "contract_too_old": N_("That date is more than ten years ago. Check the year."),
    "contract_too_far": N_(
        "That date is more than three years ahead. A contract runs a few years at most; "
        "check the year."
    ),
    "name_format": N_("Type a first name or initials (at most 30 characters)."),
    "name_letters": N_(
        "A member's name has letters: type their first name or initials. Members are added "
        "one at a time, by name."
    ),
    "year_format": N_("Type a birth year like 2015, or press Skip."),
    "year_future": N_(
        "{year} has not come yet (this is {this_year}). Type the year the person was born, "
        "or press Skip."
    ),
    "year_too_old": N_("{year} is more than {limit} years ago. Check the year, or press Skip."),
    # A member corrected in /edit: the card takes the name typed; the birth year has no Skip
    "rename_letters": N_(
        "A name has letters: type the corrected first name or initials. The birth year is "
        "under 🎂 Birth year."
    ),
    "born_format": N_("Type a birth year like 2015."),
    "born_future": N_(
        "{year} has not come yet (this is {this_year}). Type the year the person was born."
    ),
    "born_too_old": N_("{year} is more than {limit} years ago. Check the year."),
    "members_max": N_("A family has at most {limit} members here. Press Done to go on."),
    "label_format": N_("A label has at most 40 characters."),
    # A family's case from start to end (closure, monitoring, reopening)
    "family_closed": N_(
        "The work with {family_code} is closed. Its file stays readable; /reopen it to work "
        "with the family again."
    ),
    "family_open": N_("The work with this family is still going on."),
    "close_future": N_("The work cannot be closed on a day still to come."),
    "close_before_start": N_("The work began on {date}; it cannot close before that."),
    "reopen_before_close": N_("The work was closed on {date}; it cannot start again before."),
    "contact_before_close": N_("The work was closed on {date}; a monitoring contact comes after."),
    "contact_after_monitoring": N_(
        "Monitoring ended on {date}; a contact after that day is not part of it."
    ),
    "monitor_months": N_("Choose 3, 6 or 12 months, or not monitored."),
    "not_monitored": N_("This family is not being monitored."),
    "monitoring_finished": N_(
        "{family_code} is no longer monitored: its monitoring was finished on {date}, so no "
        "contact can be recorded. Nothing was saved."
    ),
    "day_future": N_("That day has not come yet."),
    "family_erased": N_("This family's data was erased; the case cannot be reopened."),
    "family_erased_assign": N_(
        "{family_code}'s data was erased: there is nothing left to hand over."
    ),
    "visits_per_week": N_("Choose one or two visits a week."),
    "members_full": N_("A family has at most {limit} members here."),
    "code_mismatch": N_("That is not the family's code. Nothing was erased."),
    "not_allowed": N_("You are not allowed to do that."),
    "admin_only": N_("Only the centre's admins can do that."),
    "team_only": N_("Only coordinators and the centre's admins can do that."),
    "read_only": N_(
        "You can read {family_code}, but only its assistant can change it. "
        "To take the family over, ask an admin to /assign it."
    ),
    "still_holds_families": N_(
        "{name} still works with these families: {codes}. Hand them to someone else with "
        "/assign first, then deactivate."
    ),
    "admin_in_config": N_(
        "This person is an admin in the bot's configuration (ADMIN_TELEGRAM_IDS); the IT "
        "person changes that."
    ),
    "person_inactive": N_("That person has been deactivated. Reactivate them in /team first."),
    "cover_past": N_("A cover ends on a day still to come. Type a later date, like 24.12."),
    "cover_too_long": N_(
        "A cover lasts at most {days} days. For longer, hand the family over for good."
    ),
    "cover_same": N_("The family is already with that assistant."),
    "cover_owner": N_(
        "{family_code} is that assistant's own family: it goes back to them when the cover "
        "ends. To give it back now, hand it over for good: /assign {family_code} {id}"
    ),
    "not_found": N_("I could not find that."),
    "family_unknown": N_("I do not know that family among yours. Check the code in /families."),
    "family_code_unknown": N_(
        "No family has that code. /team shows every assistant's families with their codes."
    ),
    "assistant_unknown": N_("That person has not joined the bot yet."),
    "invite_unknown": N_("That invite code is not valid. Ask the centre for a new one."),
    "invite_used": N_("That invite code was already used. Ask the centre for a new one."),
    "invite_expired": N_("That invite code has expired. Ask the centre for a new one."),
    "invite_tries": N_(
        "Too many wrong invite codes. Try again in an hour, or ask the centre for a new link."
    ),
    "goal_open_tasks": N_("This goal still has {count} open tasks."),
    "goal_status_same": N_("This goal already has that status: nothing was changed."),
    "goal_closed": N_("This goal is closed. Change its status to planned or in progress first."),
    "task_after_goal": N_(
        "The goal is due on {date}: choose a date by then, or move the goal's date first."
    ),
    "task_goal_closed": N_(
        "This goal is closed, so its tasks stay as they are. To tick or reopen one, change "
        "the goal's status to planned or in progress first."
    ),
    "level_goal_closed": N_(
        "This goal is closed, so its tasks' independence levels stay as they are. To move "
        "one, change the goal's status to planned or in progress first."
    ),
    "assessment_future": N_("An assessment can only be recorded on or after the day it was made."),
    "assessment_before_registration": N_(
        "{family_code} was registered on {date}: an assessment cannot be dated before the work "
        "with the family began. Type that day or a later one. If the work began earlier, "
        "record the contract it began with in /edit first."
    ),
    "assessment_before_contract": N_(
        "The first contract with {family_code} was signed on {date}: an assessment cannot be "
        "dated before the work with the family began. Type that day or a later one."
    ),
    "goal_unknown": N_("I could not find that goal among your families' plans."),
    "task_unknown": N_("I could not find that task."),
    "resource_unknown": N_("I could not find that resource. It may have been removed already."),
    "visit_unknown": N_("I could not find that visit for this family."),
    "member_unknown": N_("That person is not a member of this family."),
    "when_format": N_(
        "I could not read that. Type a day and a time, like jutro 10:30, pt 9 or 12.12 14:00."
    ),
    "when_no_time": N_("Please add a time too, like jutro 10:30 or 12.12 14:00."),
    # `jutro 2026`: four digits after a day word that are a year an appointment can be in.
    "when_year_not_time": N_(
        "{year} looks like a year, not a time. Type the time with a colon, like {time}, or "
        "the date with its year and a time, like 15.03.{year} 10:00."
    ),
    # `jutro 1999`: four digits after a day word that cannot be a time but look like a year.
    "when_looks_like_year": N_(
        "{year} looks like a year, not a time. Type the time with a colon, like jutro 10:30."
    ),
    # `jutro 2027 10:00` typed in 2026: a day word's year that is not the year of its day.
    "when_year_mismatch": N_(
        "That day is in {actual}, not {year}. Leave the year out, or type the whole date, "
        "like 15.03.{year} 10:00."
    ),
    "time_impossible": N_(
        "That time does not exist. Check the hour and minutes (the clocks may change that night)."
    ),
    "when_past": N_("That time has already passed. Type a day and time still to come."),
    "when_weekday_mismatch": N_("The weekday does not match the date. Check the date."),
    "when_missing": N_("Type the new date and time for the rescheduled appointment."),
    "appointment_unknown": N_("I could not find that appointment among your families."),
    "appointment_closed": N_(
        "This appointment is already closed (cancelled, moved on or with an outcome)."
    ),
    "appointment_not_yet": N_("This appointment has not started yet. Move or cancel it instead."),
    "outcome_status": N_("Choose attended, not attended or rescheduled."),
    "reminder_unknown": N_("I could not find that reminder. It may be out of date."),
    "reminder_closed": N_("This reminder is no longer active."),
    "reminder_family_gone": N_(
        "{family_code} is no longer assigned to you, so this reminder is closed."
    ),
    "reminder_family_closed": N_(
        "The work with {family_code} has ended, so this reminder is closed."
    ),
    # A monitoring reminder pressed once its family is no longer monitored.
    "reminder_monitoring_ended": N_(
        "The monitoring of {family_code} has ended, so this reminder is closed."
    ),
    # ✔ Finish monitoring on a reminder about a monitoring that no longer ends on that day.
    "monitoring_not_shown": N_(
        "{family_code} is now monitored until {date}: this reminder was about the monitoring "
        "until {shown}, so it is closed. Nothing was finished."
    ),
    # ➕ 3 more months on a reminder about an earlier period's monitoring (monitored anew since).
    "monitoring_not_extended": N_(
        "{family_code} is now monitored until {date}: this reminder was about the monitoring "
        "until {shown}, so it is closed. Nothing was extended."
    ),
    # The same two, once the family was monitored anew to the same end as the earlier one.
    "monitoring_not_shown_earlier": N_(
        "{family_code} was reopened and closed again since: this reminder was about its earlier "
        "monitoring until {shown}, so it is closed. Nothing was finished."
    ),
    "monitoring_not_extended_earlier": N_(
        "{family_code} was reopened and closed again since: this reminder was about its earlier "
        "monitoring until {shown}, so it is closed. Nothing was extended."
    ),
    "reminder_family_erased": N_("{family_code}'s data was erased, so this reminder is closed."),
    "reminder_family_reopened": N_(
        "{family_code} is back in your caseload, so this reminder is closed."
    ),
    # A monitoring reminder of an earlier closure pressed once the family is monitored anew.
    "reminder_monitoring_earlier": N_(
        "{family_code} was reopened and closed again since: this reminder was about its earlier "
        "monitoring, so it is closed."
    ),
    # A catch-up's buttons about one family go; the other families' stay.
    "catch_up_family_gone": N_(
        "{family_code} is no longer assigned to you, so its buttons are gone from this message."
    ),
    "catch_up_family_closed": N_(
        "The work with {family_code} has ended, so its buttons are gone from this message."
    ),
    "snooze_after_start": N_(
        "The appointment begins on {date} at {time}: a reminder after that would not come. "
        "Nothing was snoozed."
    ),
    "reminder_out_of_date": N_(
        "Nothing more will come about this: it was dealt with, moved or cancelled since."
    ),
    "working_days_empty": N_("Choose at least one working day."),
    "month_format": N_("I could not read that month. Type it like 10.2026."),
    "month_future": N_("That month has not begun yet. Type this month or an earlier one."),
    "assessment_none": N_(
        "Family {family_code} has no periodic assessment yet. Record one with /assessment."
    ),
    "document_name_long": N_("A name has at most {limit} characters."),
}


def _goal_before_tasks(tr: Translator, count: int) -> str:
    """A goal's due date moved before its open tasks' (how many, the last one's day)."""
    return tr.ngettext(
        "{count} open task of this goal is due after {date}, on {latest}: "
        "choose a date from {latest} on.",
        "{count} open tasks of this goal are due after {date}, the last on {latest}: "
        "choose a date from {latest} on.",
        count,
    )


# Refusals that count something (a `count` detail), in the plural forms of the language.
PLURAL_ERRORS: dict[str, Callable[[Translator, int], str]] = {
    "goal_before_tasks": _goal_before_tasks,
}


def describe_error(tr: Translator, error: DomainError) -> str:
    """A friendly sentence for a domain error (plain text: escape before rendering as HTML)."""
    details = {key: str(value) for key, value in error.details.items()}
    plural = PLURAL_ERRORS.get(error.code)
    if plural is not None:
        count = error.details.get("count")
        return plural(tr, count if isinstance(count, int) else 0).format(**details)
    template = ERROR_TEXTS.get(error.code, ERROR_TEXTS["not_allowed"])
    return tr.gettext(template).format(**details) if details else tr.gettext(template)


Listed = Area | Activity | Place | MemberRole | MissedReason | Institution
_NAMES: dict[type[Listed], Mapping[Any, str]] = {
    Area: AREA_LABELS,
    Activity: ACTIVITY_LABELS,
    Place: PLACE_LABELS,
    MemberRole: ROLE_LABELS,
    MissedReason: MISSED_LABELS,
    Institution: INSTITUTION_LABELS,
}


def name(tr: Translator, value: Listed) -> str:
    """The translated name of an area, activity, place, role, missed reason or institution."""
    return tr.gettext(_NAMES[type(value)][value])
