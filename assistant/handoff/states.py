"""The handoff vocabulary: services, priorities, triggers, statuses, and the queue's errors."""
from __future__ import annotations

SERVICES = ("法律援助", "人民调解", "律师咨询", "公证")
PRIORITIES = ("urgent", "high", "normal")
PRIORITY_RANK = {"urgent": 0, "high": 1, "normal": 2}
TRIGGERS = ("person_request", "urgent_risk", "uncertain_answer", "eligibility_application", "staff_pull")
STATUSES = ("pending", "assigned", "escalated", "resolved", "cancelled")
OPEN_STATUSES = ("pending", "assigned", "escalated")
CLOSED_STATUSES = ("resolved", "cancelled")
HANDED_BACK = "交还机器人"


class HandoffError(Exception):
    """Base of the queue's refusals; `str(exc)` is a reason fit to show staff."""


class TicketNotFound(HandoffError):
    pass


class TicketConflict(HandoffError):
    """The ticket is not in a state that allows this (owned by someone else, already closed...)."""


class NotTicketOwner(HandoffError):
    pass


class InvalidTicketInput(HandoffError, ValueError):
    pass
