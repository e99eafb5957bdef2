"""The DLNA server's configuration, shared libraries and devices (services.dlna)."""

import ipaddress
import json
import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, delete, func, insert, select, update

from parlour.domain.dlna import DEFAULT_PORT, DlnaConfig
from parlour.domain.ids import new_id
from parlour.storage import schema as s

_ROW = 1


def _config(row: Any, library_ids: frozenset[str]) -> DlnaConfig:
    return DlnaConfig(
        enabled=bool(row.enabled),
        device_uuid=row.device_uuid,
        friendly_name=row.friendly_name,
        port=int(row.port),
        interfaces=tuple(ipaddress.ip_address(a) for a in json.loads(row.interfaces)),
        allow=tuple(ipaddress.ip_network(n) for n in json.loads(row.allow)),
        library_ids=library_ids,
        approval_required=bool(row.approval_required),
        record_plays=bool(row.record_plays),
        play_retention_days=int(row.play_retention_days),
    )


def read_config(conn: Connection) -> DlnaConfig | None:
    """The stored configuration; None before it was ever written."""
    row = conn.execute(select(s.dlna_settings).where(s.dlna_settings.c.id == _ROW)).first()
    if row is None:
        return None
    shared = frozenset(conn.execute(select(s.dlna_libraries.c.library_id)).scalars())
    return _config(row, shared)


def last_change(conn: Connection, library_ids: frozenset[str]) -> int:
    """When what the network sees last changed (unix seconds): the last scan of a shared
    library, or the last change of the configuration (what is shared)."""
    lib, cfg = s.libraries.c, s.dlna_settings.c
    scanned = conn.execute(
        select(func.max(lib.last_scan_at)).where(lib.id.in_(sorted(library_ids)))
    ).scalar_one()
    configured = conn.execute(select(cfg.updated_at).where(cfg.id == _ROW)).scalar_one_or_none()
    return max(int(scanned or 0), int(configured or 0))


def new_config() -> DlnaConfig:
    """The first configuration of an installation: off, with its own device UUID."""
    return DlnaConfig(device_uuid=str(uuid.uuid4()), port=DEFAULT_PORT)


def write_config(conn: Connection, config: DlnaConfig, now: int) -> None:
    values = {
        "enabled": config.enabled,
        "device_uuid": config.device_uuid,
        "friendly_name": config.friendly_name,
        "port": config.port,
        "interfaces": json.dumps([str(a) for a in config.interfaces]),
        "allow": json.dumps([str(n) for n in config.allow]),
        "approval_required": config.approval_required,
        "record_plays": config.record_plays,
        "play_retention_days": config.play_retention_days,
        "updated_at": now,
    }
    table = s.dlna_settings
    if not conn.execute(update(table).where(table.c.id == _ROW).values(values)).rowcount:
        conn.execute(insert(table).values(id=_ROW, **values))
    conn.execute(delete(s.dlna_libraries))
    if config.library_ids:
        rows = [{"library_id": library_id} for library_id in sorted(config.library_ids)]
        conn.execute(insert(s.dlna_libraries), rows)


@dataclass(frozen=True, slots=True)
class DlnaDevice:
    id: str
    user_agent: str
    address: str
    first_seen: int
    last_seen: int
    approved: bool

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "user_agent": self.user_agent,
            "address": self.address,
            "first_seen": self.first_seen,
            "last_seen": self.last_seen,
            "approved": self.approved,
        }


_SEEN_EVERY_S = 60  # last_seen is written at most once a minute per device


def _device(row: Any) -> DlnaDevice:
    return DlnaDevice(
        row.id, row.user_agent, row.address, row.first_seen, row.last_seen, bool(row.approved)
    )


def device_seen(conn: Connection, user_agent: str, address: str, now: int) -> DlnaDevice:
    """The device with this name and address, noted as seen now (made if new)."""
    d = s.dlna_devices.c
    row = conn.execute(
        select(s.dlna_devices).where(d.user_agent == user_agent, d.address == address)
    ).first()
    if row is None:
        device = DlnaDevice(new_id(), user_agent, address, now, now, False)
        conn.execute(insert(s.dlna_devices).values(**device.as_json()))
        return device
    device = _device(row)
    if now - device.last_seen >= _SEEN_EVERY_S:
        conn.execute(update(s.dlna_devices).where(d.id == device.id).values(last_seen=now))
    return device


def find_device(conn: Connection, user_agent: str, address: str) -> DlnaDevice | None:
    d = s.dlna_devices.c
    row = conn.execute(
        select(s.dlna_devices).where(d.user_agent == user_agent, d.address == address)
    ).first()
    return None if row is None else _device(row)


def devices(conn: Connection) -> list[DlnaDevice]:
    d = s.dlna_devices.c
    rows = conn.execute(select(s.dlna_devices).order_by(d.last_seen.desc(), d.id))
    return [_device(row) for row in rows]


def set_approved(conn: Connection, device_id: str, approved: bool) -> bool:
    d = s.dlna_devices.c
    changed = conn.execute(
        update(s.dlna_devices).where(d.id == device_id).values(approved=approved)
    )
    return changed.rowcount > 0


def forget_device(conn: Connection, device_id: str) -> bool:
    d = s.dlna_devices.c
    return conn.execute(delete(s.dlna_devices).where(d.id == device_id)).rowcount > 0
