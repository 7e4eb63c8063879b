"""Who did it, as staff know each other: display names instead of account usernames.

The handoff queue records staff by username (tickets' owner_name, audit actors `staff:<username>`,
some refusal messages); the console turns them into display names here, at render time, so
stored rows and the API stay as they are."""
from __future__ import annotations

import re

from api.console.labels import ACTOR_LABELS, AUDIT_NOTES, label

UNKNOWN_STAFF = "工作人员"
# the queue's refusals end with an English gloss for the API log: "工单已由 lin 认领 (already claimed)"
_ENGLISH_GLOSS = re.compile(r"\s*\((?=[^)]*[A-Za-z])[\x20-\x7e]*\)\s*$")
_TRIGGER_NOTE = re.compile(r"^trigger=(\w+)$")
_ASSIGN_NOTE = re.compile(r"^to (\S+)$")
_PRIORITY_NOTE = re.compile(r"^(\w+) → (\w+)$")


class StaffNames:
    """username → display name, for every account (a deactivated colleague's tickets still show a name)."""

    def __init__(self, names: dict[str, str]):
        self._names = names

    @classmethod
    def of(cls, directory) -> "StaffNames":
        return cls(directory.display_names())

    def name(self, username: str | None) -> str:
        if not username:
            return ""
        if username in self._names:
            return self._names[username]
        if username in self._names.values() or not username.isascii():
            return username          # already a display name (the queue may store those one day)
        return UNKNOWN_STAFF         # an account that no longer exists: never show its username

    def actor(self, actor: str) -> str:
        """Audit actors: staff:<username> / person / bot / system."""
        if actor.startswith("staff:"):
            return self.name(actor[len("staff:"):])
        return ACTOR_LABELS.get(actor, actor)

    def note(self, action: str, note: str) -> str:
        """Audit notes written by the queue itself, in Chinese; staff's own words unchanged."""
        if match := _TRIGGER_NOTE.match(note):
            return f"来源：{label(match.group(1))}"
        if action == "assign" and (match := _ASSIGN_NOTE.match(note)):
            return f"指派给 {self.name(match.group(1))}"
        if action == "reprioritise" and (match := _PRIORITY_NOTE.match(note)):
            return f"{label(match.group(1))} → {label(match.group(2))}"
        return AUDIT_NOTES.get(note, note)

    def message(self, text: str) -> str:
        """A queue refusal for the page: without the English gloss, usernames as display names."""
        text = _ENGLISH_GLOSS.sub("", text)
        for username, display in self._names.items():
            text = re.sub(rf"(?<![\w@.-]){re.escape(username)}(?![\w@.-])", display, text)
        return text
