"""A user's own data: see it (inventory), take it (export), erase it, and choose what is
kept of their history (pause, retention).

Every call acts on the viewer's own data; the host's command line (an admin) may name a
user. The rules live in ``privacy``; the rows in ``storage.my_data_store``.
"""

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection

from parlour.domain.accounts import Viewer, name_key
from parlour.domain.errors import AuthenticationError, NotFoundError, PermissionDeniedError
from parlour.privacy import erase, export, inventory, retention
from parlour.privacy.inventory import Category
from parlour.services import accounts
from parlour.services.accounts import AccountService
from parlour.services.app_passwords import SALT_WINDOW_S
from parlour.services.credentials import new_token, token_digest
from parlour.services.now_playing import NowPlayingBoard
from parlour.storage import (
    account_store,
    app_password_store,
    bookmark_store,
    consent_store,
    dlna_plays_store,
    export_link_store,
    my_data_store,
    usage_report_store,
)
from parlour.storage.engine import Catalogue

log = logging.getLogger(__name__)

# What an admin can see of a user, stated on the user's privacy page (P-15, PR-10). Keep
# it true: a new admin view of activity must be added here.
ADMIN_CAN_SEE = (
    "An admin can see your user name, role, whether the account is disabled and which"
    " libraries you may see, and the browsers and devices you are signed in on (a device's"
    " name, and when each signed in, was last used and will end), and can sign them out."
    " No admin can see your history, resume points, ratings,"
    " favourites or playlists through Parlour. An admin can disable or delete your"
    " account, change your password, and erase or export your data from the server's"
    " command line; whoever runs the server can also read its database files."
)


_MAX_SECRET = 200  # longer than any link this server makes: not even hashed


def _now() -> int:
    return int(time.time())


@dataclass(frozen=True, slots=True)
class ExportLink:
    """A new download link: the secret goes to the user once and is never stored."""

    secret: str
    format: str  # "json" or "csv" (privacy.export.LINK_FORMATS)
    expires_at: int


class MyDataService:
    def __init__(
        self, catalogue: Catalogue, accounts: AccountService, clock: Callable[[], int] = _now
    ) -> None:
        self.catalogue = catalogue
        self.accounts = accounts
        self.clock = clock
        # What users show they are playing (memory only): forgotten when they erase it.
        self.now_playing = NowPlayingBoard()

    # -- seeing ----------------------------------------------------------------------------

    def inventory(self, viewer: Viewer) -> dict[str, Any]:
        """Every category kept about the viewer, with what, why, how long and how many."""
        with self.catalogue.reading() as conn:
            rows = my_data_store.count_rows(conn, viewer.user_id)
        return inventory.inventory(my_data_store.personal_tables(), rows)

    def processing_record(self, viewer: Viewer) -> dict[str, Any]:
        viewer.require_admin()
        return inventory.processing_record(my_data_store.personal_tables())

    def privacy(self, viewer: Viewer) -> dict[str, Any]:
        with self.catalogue.reading() as conn:
            choices = my_data_store.privacy_choices(conn, viewer.user_id)
        return _choices_json(choices)

    def set_privacy(
        self,
        viewer: Viewer,
        pause_history: bool,
        retention_days: object,
        share_now_playing: bool | None = None,
    ) -> dict[str, Any]:
        """Pause or resume history, set how many days of it to keep (None: all), and,
        when given, whether music apps may show others what the viewer is playing. A new
        limit applies at once; so does hiding what is playing."""
        days = retention.check_retention_days(retention_days)
        now = self.clock()
        with self.catalogue.writing() as conn:
            old = my_data_store.privacy_choices(conn, viewer.user_id)
            share = old.share_now_playing if share_now_playing is None else share_now_playing
            choices = my_data_store.PrivacyChoices(pause_history, days, now, share)
            my_data_store.put_privacy_choices(conn, viewer.user_id, choices)
            cutoff = retention.history_cutoff(choices, now)
            pruned = (
                0 if cutoff is None else my_data_store.prune_history(conn, viewer.user_id, cutoff)
            )
        if not retention.may_show_now_playing(choices):
            self.now_playing.forget(viewer.user_id)
        if pruned:
            self.catalogue.checkpoint()
        return _choices_json(choices)

    # -- taking ----------------------------------------------------------------------------

    def export(self, viewer: Viewer) -> dict[str, Any]:
        """Everything kept about the viewer, as one document (privacy.export)."""
        with self.catalogue.reading() as conn:
            return self._export(conn, viewer.user_id)

    def export_user(self, viewer: Viewer, user: str) -> dict[str, Any]:
        """The same for any user, by name or id: the host's command line only."""
        viewer.require_admin()
        with self.catalogue.reading() as conn:
            return self._export(conn, account_store.user_info(conn, user).id)

    def _export(self, conn: Connection, user_id: str) -> dict[str, Any]:
        account = my_data_store.account(conn, user_id)
        if account is None:
            raise NotFoundError("no such user")
        choices = my_data_store.privacy_choices(conn, user_id)
        queue = bookmark_store.play_queue(conn, user_id)
        return export.build_export(
            exported_at=self.clock(),
            account=account,
            devices=my_data_store.tokens(conn, user_id),
            grants=my_data_store.grants(conn, user_id),
            item_state=my_data_store.item_states(conn, user_id),
            plays=my_data_store.plays(conn, user_id),
            playlists=my_data_store.playlists(conn, user_id),
            pause_history=choices.pause_history,
            history_retention_days=choices.history_retention_days,
            share_now_playing=choices.share_now_playing,
            consents=[record.as_json() for record in consent_store.records(conn, user_id)],
            links=export_link_store.links(conn, user_id),
            app_passwords=app_password_store.exported(conn, user_id),
            subsonic_salts=app_password_store.exported_salts(conn, user_id),
            bookmarks=[row.as_json() for row in bookmark_store.bookmarks(conn, user_id)],
            play_queue=None if queue is None else queue.as_json(),
        )

    def history_csv(self, viewer: Viewer) -> str:
        with self.catalogue.reading() as conn:
            return export.history_csv(my_data_store.plays(conn, viewer.user_id))

    def create_export_link(self, viewer: Viewer, fmt: object = "json") -> ExportLink:
        """A link that downloads the viewer's export (``json``) or history (``csv``) once,
        without signing in, within ``export.LINK_LIFETIME_S``. Only a keyed hash of its
        secret is stored (as for sign-in tokens)."""
        chosen = export.check_link_format(fmt)
        secret = new_token()
        now = self.clock()
        expires_at = now + export.LINK_LIFETIME_S
        digest = token_digest(self.accounts.secrets.token_key, secret)
        with self.catalogue.writing() as conn:
            export_link_store.add_link(
                conn, viewer.user_id, digest, chosen, now, expires_at, keep=export.MAX_LINKS
            )
        return ExportLink(secret, chosen, expires_at)

    def use_export_link(self, secret: str) -> tuple[str, dict[str, Any] | str]:
        """Use up a download link: its format, and the document (``json``) or the history
        as CSV text (``csv``) of the user who made it. NotFoundError for a link that was
        used, has expired, was revoked or never existed, or whose user may no longer sign
        in; the link is gone before the document is made, so it works exactly once."""
        if not secret or len(secret) > _MAX_SECRET:
            raise NotFoundError("no such export link")
        digest = token_digest(self.accounts.secrets.token_key, secret)
        with self.catalogue.writing() as conn:
            found = export_link_store.use_link(conn, digest, self.clock())
        if found is None:
            raise NotFoundError("no such export link: used, expired or revoked")
        user_id, fmt = found
        log.info("export link of user %s used (%s)", user_id, fmt)
        with self.catalogue.reading() as conn:
            if fmt == "csv":
                return fmt, export.history_csv(my_data_store.plays(conn, user_id))
            return fmt, self._export(conn, user_id)

    # -- erasing ---------------------------------------------------------------------------

    def erase(
        self, viewer: Viewer, category: str, *, keep_token_id: str | None = None
    ) -> dict[str, Any]:
        """Erase one category of the viewer's data now; ``keep_token_id`` is the sign-in
        making the request, which erasing devices leaves in place."""
        return self._erase(viewer.user_id, erase.erasable(category), keep_token_id)

    def erase_user_category(self, viewer: Viewer, user: str, category: str) -> dict[str, Any]:
        """The same for any user (the host's command line): every sign-in goes."""
        viewer.require_admin()
        chosen = erase.erasable(category)
        with self.catalogue.reading() as conn:
            user_id = account_store.user_info(conn, user).id
        return self._erase(user_id, chosen, None)

    def _erase(self, user_id: str, category: Category, keep: str | None) -> dict[str, Any]:
        with self.catalogue.writing() as conn:
            if category is Category.HISTORY:
                rows = my_data_store.erase_history(conn, user_id)
            elif category is Category.RESUME_POINTS:  # and where music apps stopped
                rows = my_data_store.erase_resume_points(conn, user_id)
                rows += bookmark_store.erase(conn, user_id)
            elif category is Category.RATINGS:
                rows = my_data_store.erase_ratings(conn, user_id)
            elif category is Category.PLAYLISTS:
                rows = my_data_store.erase_playlists(conn, user_id)
            else:  # devices: sign-ins, the export links and app passwords that stand in for one
                rows = my_data_store.erase_tokens(conn, user_id, keep)
                rows += export_link_store.delete_links_of(conn, user_id)
                rows += app_password_store.delete_of(conn, user_id)
        if category is Category.DEVICES:
            self.accounts.recent_viewers.clear()
        if category is Category.HISTORY:
            self.now_playing.forget(user_id)
        complete = self.catalogue.checkpoint()
        log.info("erased %s of user %s (%d rows)", category.value, user_id, rows)
        return {
            "category": category.value,
            "erased": erase.ERASABLE[category],
            "rows": rows,
            "log_truncated": complete,
        }

    def delete_account(self, viewer: Viewer, password: str, source: str) -> None:
        """Delete the viewer's own account and everything kept about them, once they
        have given their password again (a stolen session alone cannot do it). Wrong
        passwords count towards the sign-in limit like any other."""
        key = name_key(viewer.name)
        self.accounts.limiter.check(key, source)
        with self.catalogue.reading() as conn:
            stored = account_store.find_user(conn, viewer.name)
        if stored is None or stored.id != viewer.user_id:
            raise AuthenticationError("invalid or revoked token")
        if not self.accounts.hasher.verify(stored.password_hash, password):
            self.accounts.limiter.failed(key, source)
            raise PermissionDeniedError("wrong password")
        self.accounts.limiter.succeeded(key, source)
        self._delete(viewer.user_id, viewer.is_admin)

    def delete_user(self, viewer: Viewer, user: str) -> None:
        """Delete any user's account and data (the host's command line)."""
        viewer.require_admin()
        with self.catalogue.reading() as conn:
            info = account_store.user_info(conn, user)
        self._delete(info.id, info.role.value == "admin" and not info.disabled)

    def _delete(self, user_id: str, counts_as_admin: bool) -> None:
        with self.catalogue.writing() as conn:
            # Checked inside the write transaction: two admins cannot both leave.
            others = account_store.count_admins(conn) - (1 if counts_as_admin else 0)
            erase.check_account_erasure(counts_as_admin, others)
            rows = my_data_store.erase_account(conn, user_id)
            # A queued usage report may hold the person's (anonymous) entry: it goes too.
            usage_report_store.clear_outbox(conn)
        self.accounts.recent_viewers.clear()
        self.now_playing.forget(user_id)
        self.catalogue.checkpoint()
        log.info("deleted user %s with all their data (%d rows)", user_id, rows)

    # -- retention -------------------------------------------------------------------------

    def apply_retention(self) -> int:
        """Delete every play older than its user's retention limit, every expired export
        link, every sign-in past its lifetime or idle limit (P-12), every Subsonic salt
        older than a day and every play recorded against a DLNA device past the admin's
        retention; how many of users' plays went. The server can run it as often as it
        likes (``parlour privacy retention``)."""
        now = self.clock()
        removed = 0
        with self.catalogue.writing() as conn:
            for user_id, choices in my_data_store.retention_limits(conn):
                cutoff = retention.history_cutoff(choices, now)
                if cutoff is not None:
                    removed += my_data_store.prune_history(conn, user_id, cutoff)
            expired = export_link_store.delete_expired(conn, now)
            stale = account_store.delete_stale_tokens(
                conn, now, accounts.SESSION_IDLE_S, accounts.DEVICE_IDLE_S
            )
            # Subsonic salts only stop replays for a day; after that they are forgotten.
            app_password_store.delete_salts_until(conn, now - SALT_WINDOW_S)
            # DLNA plays past the retention also go as plays are recorded or listed; this
            # takes them when nobody does either for a while.
            device_plays = dlna_plays_store.purge_expired(conn, now)
        if expired:
            log.info("removed %d expired export links", expired)
        if stale:
            log.info("removed %d expired or idle sign-ins", stale)
            self.accounts.recent_viewers.clear()
        if removed or device_plays:
            self.catalogue.checkpoint()
        return removed


def _choices_json(choices: my_data_store.PrivacyChoices) -> dict[str, Any]:
    return {
        "pause_history": choices.pause_history,
        "history_retention_days": choices.history_retention_days,
        "updated_at": choices.updated_at,
        "share_now_playing": choices.share_now_playing,
        "admin_can_see": ADMIN_CAN_SEE,
    }
