"""The catalogue side of a scan: what is already known under a folder, and recording files,
folders and failures as they are found. Items are written by ``item_writer``; folder
sidecars and the tidy-up at the end by ``sidecar_store``.
"""

import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import (
    ColumnElement,
    Connection,
    and_,
    bindparam,
    delete,
    insert,
    or_,
    select,
    update,
)

from parlour.domain.ids import new_id
from parlour.domain.media import FileKind, VideoInfo
from parlour.domain.records import EpisodeRecord, MovieRecord, ScannedFile
from parlour.storage import schema as s
from parlour.storage.engine import insert_rows
from parlour.storage.item_writer import ItemWriter, delete_items, write_streams


@dataclass(frozen=True, slots=True)
class KnownFile:
    id: str
    rel_path: bytes
    size: int
    mtime_ns: int
    inode: int
    fingerprint: str | None
    status: str
    folder_id: str
    kind: str


def under(column: ColumnElement[bytes], prefix: bytes) -> ColumnElement[bool]:
    """``column`` is ``prefix`` or lies below it (byte-wise; b"" matches everything)."""
    if not prefix:
        return column == column
    # b"0" is the byte after b"/": the range holds exactly the paths below the prefix.
    return or_(column == prefix, and_(column > prefix + b"/", column < prefix + b"0"))


def parent_of(rel_path: bytes) -> bytes:
    return os.path.dirname(rel_path)


def display_name(rel_path: bytes) -> str:
    return os.path.basename(rel_path).decode("utf-8", "replace") or "/"


def load_files(conn: Connection, root_id: str, prefix: bytes) -> dict[bytes, KnownFile]:
    f = s.media_files.c
    rows = conn.execute(
        select(
            f.id,
            f.rel_path,
            f.size,
            f.mtime_ns,
            f.inode,
            f.fingerprint,
            f.status,
            f.folder_id,
            f.kind,
        ).where(f.root_id == root_id, under(f.rel_path, prefix))
    )
    return {bytes(row.rel_path): KnownFile(*row[:1], bytes(row.rel_path), *row[2:]) for row in rows}


def load_folders(
    conn: Connection, root_id: str, prefix: bytes
) -> dict[bytes, tuple[str, str | None]]:
    """Folders under ``prefix`` and every ancestor of it: rel path -> (id, sidecar digest)."""
    f = s.folders.c
    ancestors = []
    path = prefix
    while path:
        path = parent_of(path)
        ancestors.append(path)
    query = select(f.id, f.rel_path, f.sidecar_sig).where(
        f.root_id == root_id, or_(under(f.rel_path, prefix), f.rel_path.in_(ancestors))
    )
    return {bytes(row.rel_path): (row.id, row.sidecar_sig) for row in conn.execute(query)}


def folder_paths(conn: Connection, root_id: str) -> set[bytes]:
    rows = conn.execute(select(s.folders.c.rel_path).where(s.folders.c.root_id == root_id))
    return {bytes(path) for path in rows.scalars()}


def sync_folders(
    conn: Connection,
    library_id: str,
    root_id: str,
    known: dict[bytes, tuple[str, str | None]],
    found: Sequence[tuple[bytes, str]],
) -> dict[bytes, str]:
    """Make a row for each found folder (rel path, sidecar digest), parents first; mark a
    folder dirty when its sidecars changed. Returns rel path -> folder id."""
    ids = {path: folder_id for path, (folder_id, _) in known.items()}
    new_rows = []
    changed = []
    for rel, sig in sorted(found, key=lambda pair: pair[0].count(b"/") if pair[0] else -1):
        if rel in known:
            if known[rel][1] != sig:
                changed.append({"folder_id": known[rel][0], "sig": sig})
            continue
        folder_id = new_id()
        ids[rel] = folder_id
        parent = ids.get(parent_of(rel)) if rel else None
        new_rows.append(
            {
                "id": folder_id,
                "library_id": library_id,
                "root_id": root_id,
                "parent_id": parent,
                "rel_path": rel,
                "name": display_name(rel),
                "dirty": True,
                "sidecar_sig": sig,
            }
        )
    if new_rows:
        insert_rows(conn, s.folders, new_rows)
    if changed:
        conn.execute(
            update(s.folders)
            .where(s.folders.c.id == bindparam("folder_id"))
            .values(sidecar_sig=bindparam("sig"), dirty=True),
            changed,
        )
    return ids


def mark_dirty(conn: Connection, folder_ids: Iterable[str]) -> None:
    """Mark folders, and their parents (album folders of discs, shows of seasons), dirty."""
    ids = set(folder_ids)
    if not ids:
        return
    parents = conn.execute(select(s.folders.c.parent_id).where(s.folders.c.id.in_(ids))).scalars()
    ids.update(p for p in parents if p is not None)
    conn.execute(update(s.folders).where(s.folders.c.id.in_(ids)).values(dirty=True))


def _file_values(file: ScannedFile, folder_id: str, now: int) -> dict[str, object]:
    video = getattr(file.record, "video", None)
    tags = getattr(file.record, "tags", None)
    container = duration = bitrate = None
    if isinstance(video, VideoInfo):
        container, duration, bitrate = video.container, video.duration_ms, video.bitrate
    elif tags is not None:
        container, duration, bitrate = tags.codec, tags.duration_ms, tags.bitrate
    return {
        "root_id": file.root_id,
        "folder_id": folder_id,
        "rel_path": file.rel_path,
        "name": display_name(file.rel_path),
        "kind": file.kind.value,
        "size": file.size,
        "mtime_ns": file.mtime_ns,
        "inode": file.inode,
        "fingerprint": file.fingerprint,
        "status": "ok" if file.record is not None else "failed",
        "error": file.error,
        "container": container,
        "duration_ms": duration,
        "bitrate": bitrate,
        "scanned_at": now,
    }


def write_scanned(
    conn: Connection,
    writer: ItemWriter,
    files: Sequence[ScannedFile],
    folder_ids: dict[bytes, str],
    now: int,
) -> None:
    """Record a batch of probed files and their items in one transaction."""
    new_rows = []
    changed_rows = []
    items = []
    failed_ids = []
    dirty = set()
    for file in files:
        folder_id = folder_ids[parent_of(file.rel_path)]
        dirty.add(folder_id)
        values = _file_values(file, folder_id, now)
        is_new = file.file_id is None
        file_id = file.file_id or new_id()
        if is_new:
            new_rows.append(
                {"id": file_id, "library_id": writer.library_id, "added_at": now} | values
            )
        else:
            changed_rows.append({"file_id": file_id} | values)
        if file.record is None:
            failed_ids.append(file_id)
        else:
            items.append((file_id, is_new, file.record))
    if new_rows:
        insert_rows(conn, s.media_files, new_rows)
    if changed_rows:
        conn.execute(
            update(s.media_files).where(s.media_files.c.id == bindparam("file_id")), changed_rows
        )
    delete_items(conn, failed_ids)
    writer.write_items(conn, items, now)
    for file_id, is_new, record in items:
        if isinstance(record, MovieRecord | EpisodeRecord):
            write_streams(conn, file_id, record.video, fresh=is_new)
    mark_dirty(conn, dirty)


def record_failures(
    conn: Connection,
    library_id: str,
    root_id: str,
    failures: Sequence[tuple[bytes, str]],
    known: dict[bytes, KnownFile],
    folder_ids: dict[bytes, str],
    now: int,
) -> None:
    """Record paths the walk could not use (folders, symlinks) as failed entries."""
    for rel, reason in failures:
        folder_id = folder_ids.get(parent_of(rel)) or folder_ids.get(rel)
        if folder_id is None:
            continue  # the root itself is unreachable: reported by the scan, nothing to attach to
        values = {
            "root_id": root_id,
            "folder_id": folder_id,
            "rel_path": rel,
            "name": display_name(rel),
            "kind": FileKind.OTHER.value,
            "size": 0,
            "mtime_ns": 0,
            "inode": 0,
            "fingerprint": None,
            "status": "failed",
            "error": reason,
            "scanned_at": now,
        }
        if rel in known:
            conn.execute(
                update(s.media_files).where(s.media_files.c.id == known[rel].id).values(values)
            )
        else:
            conn.execute(
                insert(s.media_files).values(
                    id=new_id(), library_id=library_id, added_at=now, **values
                )
            )


def remove_files(conn: Connection, files: Sequence[KnownFile]) -> None:
    """Forget files that are gone from disk; their items go with them (cascade)."""
    ids = [file.id for file in files]
    for start in range(0, len(ids), 500):
        conn.execute(delete(s.media_files).where(s.media_files.c.id.in_(ids[start : start + 500])))
    mark_dirty(conn, {file.folder_id for file in files})


def remove_folders(conn: Connection, folder_ids: Sequence[str]) -> None:
    for start in range(0, len(folder_ids), 500):
        chunk = folder_ids[start : start + 500]
        conn.execute(
            update(s.folders).where(s.folders.c.parent_id.in_(chunk)).values(parent_id=None)
        )
        conn.execute(delete(s.folders).where(s.folders.c.id.in_(chunk)))
