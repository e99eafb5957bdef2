"""One consent decision as it was recorded (privacy.consent reads it; storage keeps it)."""

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class ConsentRecord:
    id: int
    subject_kind: str  # "instance" | "user"
    subject_id: str | None  # the user's id; None for the instance
    scope: str
    policy_version: int
    payload_schema_hash: str
    notice_hash: str
    given: bool  # False: declined or withdrawn
    channel: str  # "api" | "cli"
    recorded_at: int  # unix seconds, UTC

    def as_json(self) -> dict[str, Any]:
        return {
            "scope": self.scope,
            "subject_kind": self.subject_kind,
            "policy_version": self.policy_version,
            "payload_schema_hash": self.payload_schema_hash,
            "notice_hash": self.notice_hash,
            "given": self.given,
            "channel": self.channel,
            "recorded_at": self.recorded_at,
        }
