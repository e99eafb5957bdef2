"""Consent to usage reports: what is asked, who may answer, and the ledger of answers.

A person answers only for themself (the user id is always the viewer's own; no call takes
another user's); the instance's scopes need an admin (P-08). Withdrawing is the same call
with ``given`` false. The rules live in ``privacy.consent`` and ``privacy.policy``; the
rows in ``storage.consent_store``. A withdrawal empties the usage-report outbox in the
same transaction, and an instance withdrawal also deletes the install id (P-06); the
scope ``"all"`` withdraws every scope the subject decides in one action.
"""

import logging
import time
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection

from parlour.domain.accounts import Viewer
from parlour.domain.consent import ConsentRecord
from parlour.domain.errors import InvalidInputError, NotFoundError
from parlour.privacy import consent
from parlour.privacy.policy import CURRENT, Policy, Scope, SubjectKind
from parlour.storage import consent_store
from parlour.storage.engine import Catalogue

if TYPE_CHECKING:
    from parlour.services.usage_reports import UsageReports

log = logging.getLogger(__name__)


def _now() -> int:
    return int(time.time())


class ConsentService:
    def __init__(
        self,
        catalogue: Catalogue,
        reports: "UsageReports",
        policy: Policy = CURRENT,
        clock: Callable[[], int] = _now,
    ) -> None:
        self.catalogue = catalogue
        self.reports = reports
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
        """Give or withdraw the viewer's own consent to one personal scope ("all" with
        ``given`` false withdraws every one)."""
        answer = _given(given)
        with self.catalogue.writing() as conn:
            child = self._child(conn, viewer.user_id)  # read in the write: no stale profile
            for chosen in self._chosen(scope, SubjectKind.USER, answer):
                consent.check_decision(chosen, SubjectKind.USER, given=answer, child=child)
                self._append(conn, viewer.user_id, chosen.name, answer, "api")
            if not answer:
                self.reports.forget_queued(conn)
            history = consent_store.records(conn, viewer.user_id)
        log.info("user %s %s %s", viewer.user_id, "gave" if answer else "withdrew", scope)
        return self._state(SubjectKind.USER, history, child=child)

    # -- the instance's scopes (an admin) --------------------------------------------------

    def instance(self, viewer: Viewer) -> dict[str, Any]:
        viewer.require_admin()
        with self.catalogue.reading() as conn:
            history = consent_store.records(conn, None)
        return self._state(SubjectKind.INSTANCE, history, child=False)

    def decide_instance(
        self,
        viewer: Viewer,
        scope: object,
        given: object,
        channel: str = "api",
        *,
        request_deletion: object = False,
    ) -> dict[str, Any]:
        """Give or withdraw the instance's consent to a scope ("all" with ``given`` false
        withdraws every one). Withdrawing deletes the install id; with
        ``request_deletion`` the receiver is also asked to forget what it got under it."""
        viewer.require_admin()
        answer = _given(given)
        if not isinstance(request_deletion, bool):
            raise InvalidInputError("'request_deletion' must be true or false")
        chosen = self._chosen(scope, SubjectKind.INSTANCE, answer)
        for each in chosen:
            consent.check_decision(each, SubjectKind.INSTANCE, given=answer, child=False)
        old_id = None
        with self.catalogue.writing() as conn:
            for each in chosen:
                self._append(conn, None, each.name, answer, consent.check_channel(channel))
            if not answer:
                self.reports.forget_queued(conn)
                old_id = self.reports.forget_install_id(conn)
            history = consent_store.records(conn, None)
        log.info("admin %s %s %s", viewer.user_id, "gave" if answer else "withdrew", scope)
        state = self._state(SubjectKind.INSTANCE, history, child=False)
        state["deletion_request"] = None
        if request_deletion and old_id is not None:
            delivery = self.reports.request_deletion(old_id)
            state["deletion_request"] = {"sent": delivery.ok, "detail": delivery.error}
        return state

    def _chosen(self, scope: object, subject: SubjectKind, given: bool) -> list[Scope]:
        if scope == "all":
            if given:
                raise InvalidInputError("'all' only withdraws: consent is given scope by scope")
            return list(self.policy.of(subject))
        return [self.policy.scope(scope)]

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
