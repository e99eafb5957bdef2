"""Consent to usage reports: what is asked, who may answer, and the ledger of answers.

A person answers only for themself (the user id is always the viewer's own; no call takes
another user's); the instance's scopes need an admin (P-08). Withdrawing is the same call
with ``given`` false. The rules live in ``privacy.consent`` and ``privacy.policy``; the
rows in ``storage.consent_store``. Sending reports does not exist yet, so there is no
outbox to empty and no install id to delete on withdrawal.
"""

import logging
import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from sqlalchemy import Connection

from parlour.domain.accounts import Viewer
from parlour.domain.consent import ConsentRecord
from parlour.domain.errors import InvalidInputError, NotFoundError
from parlour.privacy import consent
from parlour.privacy.policy import CURRENT, Policy, SubjectKind
from parlour.storage import consent_store
from parlour.storage.engine import Catalogue

log = logging.getLogger(__name__)


def _now() -> int:
    return int(time.time())


class ConsentService:
    def __init__(
        self, catalogue: Catalogue, policy: Policy = CURRENT, clock: Callable[[], int] = _now
    ) -> None:
        self.catalogue = catalogue
        self.policy = policy
        self.clock = clock

    # -- a person's own scopes -------------------------------------------------------------

    def mine(self, viewer: Viewer) -> dict[str, Any]:
        """The scopes the viewer decides, each with its notice, fields and state."""
        with self.catalogue.reading() as conn:
            child = self._child(conn, viewer.user_id)
            history = consent_store.records(conn, viewer.user_id)
        return self._state(SubjectKind.USER, history, child=child)

    def decide_mine(self, viewer: Viewer, scope: object, given: object) -> dict[str, Any]:
        """Give or withdraw the viewer's own consent to one personal scope."""
        chosen, answer = self.policy.scope(scope), _given(given)
        with self.catalogue.writing() as conn:
            child = self._child(conn, viewer.user_id)  # read in the write: no stale profile
            consent.check_decision(chosen, SubjectKind.USER, given=answer, child=child)
            self._append(conn, viewer.user_id, chosen.name, answer, "api")
            history = consent_store.records(conn, viewer.user_id)
        log.info("user %s %s %s", viewer.user_id, "gave" if answer else "declined", chosen.name)
        return self._state(SubjectKind.USER, history, child=child)

    # -- the instance's scopes (an admin) --------------------------------------------------

    def instance(self, viewer: Viewer) -> dict[str, Any]:
        viewer.require_admin()
        with self.catalogue.reading() as conn:
            history = consent_store.records(conn, None)
        return self._state(SubjectKind.INSTANCE, history, child=False)

    def decide_instance(
        self, viewer: Viewer, scope: object, given: object, channel: str = "api"
    ) -> dict[str, Any]:
        viewer.require_admin()
        chosen, answer = self.policy.scope(scope), _given(given)
        consent.check_decision(chosen, SubjectKind.INSTANCE, given=answer, child=False)
        with self.catalogue.writing() as conn:
            self._append(conn, None, chosen.name, answer, consent.check_channel(channel))
            history = consent_store.records(conn, None)
        log.info("admin %s %s %s", viewer.user_id, "gave" if answer else "declined", chosen.name)
        return self._state(SubjectKind.INSTANCE, history, child=False)

    def allowed(self, subject_id: str | None, scope: str) -> bool:
        """Whether data of this scope may be collected now (for the instance: None)."""
        chosen = self.policy.scope(scope)
        with self.catalogue.reading() as conn:
            child = subject_id is not None and self._child(conn, subject_id)
            record = consent_store.latest(conn, subject_id).get(chosen.name)
        return consent.counts(record, chosen, self.policy, child=child)

    # -- inside ----------------------------------------------------------------------------

    def _child(self, conn: Connection, user_id: str) -> bool:
        exists, rating = consent_store.max_content_rating(conn, user_id)
        if not exists:
            raise NotFoundError("no such user")
        return consent.is_child(rating)

    def _append(
        self, conn: Connection, subject_id: str | None, scope: str, given: bool, channel: str
    ) -> None:
        terms = self.policy.scope(scope)
        consent_store.append(
            conn,
            subject_kind=(SubjectKind.INSTANCE if subject_id is None else SubjectKind.USER).value,
            subject_id=subject_id,
            scope=scope,
            policy_version=self.policy.version,
            payload_schema_hash=terms.payload_schema_hash(),
            notice_hash=terms.notice_hash(),
            given=given,
            channel=channel,
            now=self.clock(),
        )

    def _state(
        self, subject: SubjectKind, history: Sequence[ConsentRecord], *, child: bool
    ) -> dict[str, Any]:
        latest: dict[str, ConsentRecord] = {}
        for record in history:  # oldest first: the last one wins
            latest[record.scope] = record
        asking = consent.pending(latest, self.policy, subject, child=child)
        return {
            "policy_version": self.policy.version,
            "prompt_version": self.policy.version if asking else None,
            "child_profile": child,
            "pending": asking,
            "scopes": [
                self._scope_json(name, latest, asking, child) for name in self._names(subject)
            ],
            "records": [record.as_json() for record in history],
        }

    def _names(self, subject: SubjectKind) -> list[str]:
        return [scope.name for scope in self.policy.of(subject)]

    def _scope_json(
        self, name: str, latest: Mapping[str, ConsentRecord], asking: list[str], child: bool
    ) -> dict[str, Any]:
        scope = self.policy.scope(name)
        record = latest.get(name)
        return {
            "scope": name,
            "notice": scope.notice,
            "fields": list(scope.fields),
            "given": consent.counts(record, scope, self.policy, child=child),
            "pending": name in asking,
            "last_decision": None if record is None else record.as_json(),
        }


def _given(value: object) -> bool:
    if not isinstance(value, bool):
        raise InvalidInputError("'given' must be true or false")
    return value
