"""The outbound features: every reason Parlour could ever contact another host, declared
in one place with the hosts each may reach and the exact fields each would send (P-16)."""

from dataclasses import dataclass
from enum import Enum
from typing import Protocol
from urllib.parse import urlsplit

from parlour.privacy.policy import CURRENT
from parlour.privacy.usage_report import declared_fields


class OutboundSettings(Protocol):
    """The settings the gate reads (``parlour.settings.Settings`` has them; this layer
    may not import it)."""

    @property
    def offline(self) -> bool: ...

    @property
    def usage_reports_enabled(self) -> bool: ...

    @property
    def usage_report_endpoint(self) -> str | None: ...


class FeatureState(Enum):
    ENABLED = "enabled"
    DISABLED = "disabled"
    NOT_AVAILABLE = "not available yet"


@dataclass(frozen=True, slots=True)
class OutboundFeature:
    """One reason to leave the box. ``hosts`` are lower-case names or IP literals."""

    name: str
    description: str
    state: FeatureState
    hosts: tuple[str, ...]
    fields: tuple[str, ...]
    # A home-network feature: it reaches only private and link-local addresses the
    # admin allow-listed (and its declared multicast group), while it runs; ``offline``,
    # which is about the internet, does not hold it back. The gate opens it at run time.
    lan_only: bool = False

    @property
    def switched_on(self) -> bool:
        """The admin chose it (``offline`` may still hold it back)."""
        return self.state is FeatureState.ENABLED


# DLNA (issue 8): SSDP's multicast groups (IPv4, and IPv6's link-local scope), and what
# the server sends on the home network.
DLNA_FEATURE = "dlna"
SSDP_GROUP = "239.255.255.250"
SSDP_GROUP_V6 = "ff02::c"

# What a usage report can carry: the envelope and every scope's fields (each scope only
# when its consent counts; ``privacy.usage_report`` refuses any other field).
USAGE_REPORT_FIELDS = declared_fields(CURRENT)


def endpoint_host(url: str | None) -> str | None:
    """The host of an endpoint URL, lower-case, without brackets, port or credentials."""
    if not url:
        return None
    host = urlsplit(url).hostname
    return host.rstrip(".") if host else None


def declare_features(settings: OutboundSettings) -> tuple[OutboundFeature, ...]:
    """Every outbound feature and its state under ``settings``. Features not built yet
    are listed so that the report is complete; no setting can switch them on."""
    host = endpoint_host(settings.usage_report_endpoint)
    # Usage reports have no built-in destination: without an endpoint they stay off.
    reports_on = settings.usage_reports_enabled and host is not None
    return (
        OutboundFeature(
            name="usage_reports",
            description=(
                "Usage reports sent once a day to the endpoint the admin configures in"
                " usage_report_endpoint (there is no default destination), carrying only"
                " the scopes the admin (instance) or each person (their own) agreed to."
            ),
            state=FeatureState.ENABLED if reports_on else FeatureState.DISABLED,
            hosts=(host,) if host else (),
            fields=USAGE_REPORT_FIELDS,
        ),
        OutboundFeature(
            name="metadata_lookup",
            description=(
                "Look up album, artist and film details and artwork by title and year;"
                " carries no user identity."
            ),
            state=FeatureState.NOT_AVAILABLE,
            hosts=("musicbrainz.org", "coverartarchive.org"),
            fields=("kind", "title", "artist", "album", "year", "musicbrainz_id"),
        ),
        OutboundFeature(
            name="scrobbling",
            description="Send each user's plays to the scrobbling account that user links.",
            state=FeatureState.NOT_AVAILABLE,
            hosts=("ws.audioscrobbler.com", "api.listenbrainz.org"),
            fields=("artist", "track", "album", "duration_s", "played_at", "account_token"),
        ),
        OutboundFeature(
            name="update_check",
            description=(
                "Ask whether a newer Parlour release exists; its destination is not chosen"
                " yet, so it declares no host."
            ),
            state=FeatureState.NOT_AVAILABLE,
            hosts=(),
            fields=("parlour_version",),
        ),
        OutboundFeature(
            name=DLNA_FEATURE,
            description=(
                "While the admin has the DLNA server on: SSDP announcements to the multicast"
                " group 239.255.255.250 (time to live 2, so never past the home router) and,"
                " on IPv6 interfaces, to the link-local group ff02::c (hop limit 2, never"
                " routed), and answers and event notifications to devices in the"
                " allow-listed home subnets; never a public address, never a port-mapping"
                " request."
            ),
            state=FeatureState.DISABLED,  # the gate opens it while the DLNA server runs
            hosts=(SSDP_GROUP, SSDP_GROUP_V6),
            fields=(
                "device_uuid",
                "description_url",
                "server_name",
                "system_update_id",
                "protocol_info",
            ),
            lan_only=True,
        ),
    )
