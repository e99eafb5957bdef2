"""Usage reports (P-02, P-03, P-05, P-06): made only from the scopes whose consent counts,
previewed by the same function that makes the body, queued in an outbox the admin can
read, and sent through the outbound gate to the admin's endpoint.

Once a day a report is made if anything counts; the install id is created then, at the
first consented report, never before. Queued reports remember the consents they were
made under, and one whose consents have changed in any way is dropped unsent. Failed
sends are retried with growing waits (1 h doubling to a day), at most 8 times and for at
most a week.
"""

import logging
import platform
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection

from parlour import __version__
from parlour.domain.accounts import Viewer
from parlour.media.audio import TranscodeSlots
from parlour.privacy import consent, outbound_http, usage_report
from parlour.privacy.egress import EgressGate
from parlour.privacy.outbound_features import FeatureState
from parlour.privacy.policy import CURRENT, Policy, SubjectKind
from parlour.privacy.usage_report import Crash, Entry
from parlour.storage import consent_store
from parlour.storage import usage_report_store as store
from parlour.storage.engine import Catalogue

log = logging.getLogger(__name__)

FEATURE = "usage_reports"
PERSONAL = "personal_usage"
REPORT_EVERY_S = 86400
RETRY_FIRST_S = 3600
MAX_ATTEMPTS = 8
MAX_AGE_S = 7 * 86400
MAX_CRASHES = 50  # kept in memory until the next report; more are not counted
WEEK_S = 7 * 86400
CLIENT_KINDS = {"session": "web", "device": "app"}


def _now() -> int:
    return int(time.time())


@dataclass(frozen=True, slots=True)
class Counted:
    """The consents that count now: instance scopes, and each person's personal one."""

    instance: dict[str, int] = field(default_factory=dict)  # scope → record id
    personal: dict[str, int] = field(default_factory=dict)  # user id → record id

    @property
    def anything(self) -> bool:
        return bool(self.instance or self.personal)

    def key(self) -> str:
        pairs = [("instance", scope, rid) for scope, rid in self.instance.items()]
        pairs += [(user, PERSONAL, rid) for user, rid in self.personal.items()]
        return usage_report.consent_key(pairs)


class UsageReports:
    def __init__(
        self,
        catalogue: Catalogue,
        gate: EgressGate,
        endpoint: str | None,
        slots: TranscodeSlots,
        policy: Policy = CURRENT,
        clock: Callable[[], int] = _now,
    ) -> None:
        self.catalogue = catalogue
        self.gate = gate
        self.endpoint = endpoint
        self.slots = slots
        self.policy = policy
        self.clock = clock
        self._crashes: list[Crash] = []
        self._crash_lock = threading.Lock()
        self._sending = threading.Lock()  # one delivery round at a time

    # -- whether reports can go at all ---------------------------------------------------

    def blocked_because(self) -> list[str]:
        """Why no report can leave now (empty: the feature is on and reachable)."""
        reasons = []
        feature = next(f for f in self.gate.features if f.name == FEATURE)
        if feature.state is not FeatureState.ENABLED:
            reasons.append("usage_reports_enabled is off or usage_report_endpoint is not set")
        if self.gate.offline:
            reasons.append("offline is set")
        return reasons

    # -- consent -------------------------------------------------------------------------

    def _counted(self, conn: Connection) -> Counted:
        instance = {}
        latest = consent_store.latest(conn, None)
        for scope in self.policy.of(SubjectKind.INSTANCE):
            record = latest.get(scope.name)
            if record is not None and consent.counts(record, scope, self.policy):
                instance[scope.name] = record.id
        personal = {}
        scope = self.policy.scope(PERSONAL)
        for record, rating, disabled in consent_store.latest_personal(conn, PERSONAL):
            child = consent.is_child(rating)
            if not disabled and consent.counts(record, scope, self.policy, child=child):
                assert record.subject_id is not None
                personal[record.subject_id] = record.id
        return Counted(instance, personal)

    # -- the report's content ------------------------------------------------------------

    def _instance_basics(self, conn: Connection) -> Entry:
        return {
            "parlour_version": __version__,
            "python_version": ".".join(platform.python_version_tuple()[:2]),
            "os_family": platform.system().lower() or "unknown",
            "cpu_architecture": platform.machine().lower() or "unknown",
            "database_kind": conn.dialect.name,
        }

    def _feature_usage(self, conn: Connection) -> Entry:
        active = [f.name for f in self.gate.features if f.switched_on and not self.gate.offline]
        kinds = {CLIENT_KINDS.get(kind, "other") for kind in store.token_kinds(conn)}
        return {
            "outbound_features_enabled": sorted(active),
            "transcoding_used": self.slots.taken > 0,
            "api_clients_kinds": sorted(kinds),
        }

    def _library_counts(self, conn: Connection) -> Entry:
        counts = store.library_counts(conn)
        kinds = {
            name.removeprefix("library:"): usage_report.bucket(n)
            for name, n in counts.items()
            if name.startswith("library:")
        }
        return {
            "library_kinds": kinds,
            "track_count": usage_report.bucket(counts["tracks"]),
            "album_count": usage_report.bucket(counts["albums"]),
            "movie_count": usage_report.bucket(counts["movies"]),
            "episode_count": usage_report.bucket(counts["episodes"]),
            "photo_count": usage_report.bucket(counts["photos"]),
            "user_count": usage_report.bucket(counts["users"]),
        }

    def _crash_entries(self) -> list[Entry]:
        with self._crash_lock:
            crashes = list(self._crashes)
        basics = {
            "parlour_version": __version__,
            "python_version": ".".join(platform.python_version_tuple()[:2]),
        }
        return [
            {**basics, "exception_type": c.exception_type, "code_locations": list(c.code_locations)}
            for c in crashes
        ]

    def _personal_entry(self, conn: Connection, user_id: str, now: int) -> Entry:
        kinds = {CLIENT_KINDS.get(kind, "other") for kind in store.token_kinds(conn, user_id)}
        return {
            "plays_per_week_band": usage_report.plays_band(
                store.plays_since(conn, user_id, now - WEEK_S)
            ),
            "client_kinds_used": sorted(kinds),
            "features_used": sorted(store.features_used(conn, user_id)),
        }

    def _section(self, conn: Connection, scope: str, now: int) -> Entry | list[Entry]:
        if scope == "instance_basics":
            return self._instance_basics(conn)
        if scope == "feature_usage":
            return self._feature_usage(conn)
        if scope == "library_counts":
            return self._library_counts(conn)
        if scope == "crash_reports":
            return self._crash_entries()
        raise ValueError(f"no report section for {scope!r}")

    def _compose(
        self, conn: Connection, counted: Counted, install_id: str | None, now: int
    ) -> bytes:
        """The report's bytes for these consents: the preview and the send both come here."""
        sections: dict[str, Entry | list[Entry]] = {
            scope: self._section(conn, scope, now) for scope in counted.instance
        }
        if counted.personal:
            sections[PERSONAL] = [
                self._personal_entry(conn, user_id, now) for user_id in counted.personal
            ]
        return usage_report.build(self.policy, sections, install_id)

    # -- what the admin and a user see ---------------------------------------------------

    def state(self, viewer: Viewer) -> dict[str, Any]:
        """Whether reports go, where, the next report's exact bytes, each instance scope's
        report on its own (to read before agreeing to it), and the outbox."""
        viewer.require_admin()
        now = self.clock()
        with self.catalogue.reading() as conn:
            counted = self._counted(conn)
            install_id = store.get_state(conn, store.INSTALL_ID)
            by_scope = {
                scope.name: self._compose(conn, Counted({scope.name: 0}), install_id, now)
                for scope in self.policy.of(SubjectKind.INSTANCE)
            }
            following = self._compose(conn, counted, install_id, now) if counted.anything else None
            queued = store.outbox(conn)
            last = store.get_state(conn, store.LAST_REPORT_AT)
            sent = store.get_state(conn, store.REPORTS_SENT)
        return {
            "active": not self.blocked_because(),
            "blocked_because": self.blocked_because(),
            "endpoint": self.endpoint,
            "install_id": install_id,
            "last_report_at": None if last is None else int(last),
            "reports_sent": 0 if sent is None else int(sent),
            "every_s": REPORT_EVERY_S,
            "included_scopes": sorted(counted.instance),
            "personal_entries": len(counted.personal),
            "next_report": None if following is None else following.decode("ascii"),
            "preview_by_scope": {name: body.decode("ascii") for name, body in by_scope.items()},
            "outbox": [report.as_json() for report in queued],
        }

    def mine(self, viewer: Viewer) -> dict[str, Any]:
        """A person's own entry, exactly as a report would carry it, and whether it is in."""
        now = self.clock()
        with self.catalogue.reading() as conn:
            counted = self._counted(conn)
            entry = self._personal_entry(conn, viewer.user_id, now)
        return {
            "reports_active": not self.blocked_because(),
            "included": viewer.user_id in counted.personal,
            "preview": usage_report.entry_bytes(self.policy, PERSONAL, entry).decode("ascii"),
        }

    # -- crashes ---------------------------------------------------------------------------

    def record_crash(self, error: BaseException) -> None:
        """Keep the kind and place of an unexpected error for the next report, only while
        crash reports have the admin's consent; nothing is kept otherwise."""
        try:
            with self.catalogue.reading() as conn:
                if "crash_reports" not in self._counted(conn).instance:
                    return
        except Exception:  # a failing catalogue must not turn one error into two
            log.debug("crash not kept: the catalogue could not be read", exc_info=True)
            return
        with self._crash_lock:
            if len(self._crashes) < MAX_CRASHES:
                self._crashes.append(usage_report.crash_of(error))

    # -- making and sending ----------------------------------------------------------------

    def tick(self, *, force: bool = False) -> dict[str, int]:
        """Make the day's report if one is due (or ``force``), then send what is due."""
        made = self._make_report(force=force)
        return {"made": int(made), **self._deliver()}

    def _make_report(self, *, force: bool) -> bool:
        if self.blocked_because():
            return False
        now = self.clock()
        with self.catalogue.writing() as conn:
            counted = self._counted(conn)
            last = store.get_state(conn, store.LAST_REPORT_AT)
            due = force or last is None or now - int(last) >= REPORT_EVERY_S
            if not counted.anything or not due:
                return False
            install_id = store.get_state(conn, store.INSTALL_ID)
            if install_id is None:  # the first consented report: the id is born here
                install_id = uuid.uuid4().hex
                store.put_state(conn, store.INSTALL_ID, install_id, now)
            with self._crash_lock:
                included_crashes = len(self._crashes) if "crash_reports" in counted.instance else 0
            body = self._compose(conn, counted, install_id, now)
            store.queue(conn, body, counted.key(), now)
            store.put_state(conn, store.LAST_REPORT_AT, str(now), now)
        with self._crash_lock:
            del self._crashes[:included_crashes]
        return True

    def _deliver(self) -> dict[str, int]:
        sent = failed = dropped = 0
        if self.blocked_because() or self.endpoint is None:
            return {"sent": 0, "failed": 0, "dropped": 0}
        with self._sending:
            now = self.clock()
            with self.catalogue.reading() as conn:
                key = self._counted(conn).key()
                queued = store.outbox(conn)
            stale = [
                r.id
                for r in queued
                if r.consent_key != key
                or now - r.created_at > MAX_AGE_S
                or r.attempts >= MAX_ATTEMPTS
            ]
            for report in queued:
                if report.id in stale or report.next_attempt_at > now:
                    continue
                delivery = outbound_http.post(self.gate, FEATURE, self.endpoint, report.body)
                with self.catalogue.writing() as conn:
                    if delivery.ok:
                        store.drop(conn, [report.id])
                        total = int(store.get_state(conn, store.REPORTS_SENT) or 0) + 1
                        store.put_state(conn, store.REPORTS_SENT, str(total), now)
                        sent += 1
                    else:
                        wait = min(RETRY_FIRST_S * 2**report.attempts, REPORT_EVERY_S)
                        store.failed(conn, report.id, delivery.error or "failed", now + wait)
                        failed += 1
                if delivery.ok:
                    log.info("usage report %d sent", report.id)
                else:
                    log.warning("usage report %d not sent: %s", report.id, delivery.error)
            if stale:
                with self.catalogue.writing() as conn:
                    dropped = store.drop(conn, stale)
        return {"sent": sent, "failed": failed, "dropped": dropped}

    def send_now(self, viewer: Viewer) -> dict[str, Any]:
        """An admin's "send now": make a report at once if anything counts, and send."""
        viewer.require_admin()
        return {**self.tick(force=True), "blocked_because": self.blocked_because()}

    # -- withdrawal (called by the consent service inside its write) ----------------------

    @staticmethod
    def forget_queued(conn: Connection) -> None:
        """A withdrawal empties the outbox: nothing made under the old consent goes."""
        store.clear_outbox(conn)

    @staticmethod
    def forget_install_id(conn: Connection) -> str | None:
        """An instance withdrawal deletes the install id; the old one is returned for an
        optional deletion request."""
        old = store.get_state(conn, store.INSTALL_ID)
        store.delete_state(conn, store.INSTALL_ID)
        return old

    def request_deletion(self, install_id: str) -> outbound_http.Delivery:
        """Ask the receiver to forget every report sent under ``install_id`` (P-06)."""
        if self.blocked_because() or self.endpoint is None:
            reason = "; ".join(self.blocked_because()) or "no endpoint"
            return outbound_http.Delivery(False, None, f"not sent: {reason}")
        body = usage_report.deletion_request(install_id)
        return outbound_http.post(self.gate, FEATURE, self.endpoint, body)
