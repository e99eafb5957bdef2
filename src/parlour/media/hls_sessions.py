"""HLS sessions: one per playback, each with at most one ffmpeg job running ahead of its
player, and the rules that bound them.

- A segment that exists is served; one that the job will soon make is waited for; one
  far from where the job is (a seek, another rendition, a return after a pause) starts
  a new job there, so a seek costs one segment's encoding, not the film's.
- A job more than ``RUN_AHEAD_S`` ahead of its player is paused (SIGSTOP) and resumed
  when the player draws near; segments well behind the player are deleted; when the
  segments of all sessions pass the cache cap, jobs that are ahead are paused and new
  jobs are refused with 503 until the players catch up.
- A session whose client went away (no request in flight, none for ``GONE_S``, and none
  of its connections still open) loses its job and its segments within seconds; a
  session nobody asked anything of for ``IDLE_S`` is forgotten.
- Jobs that encode take a transcoding slot (BusyError, 503, when none is free); a job
  that only copies streams does not, because it costs next to nothing, but no more than
  ``COPY_JOBS_PER_SLOT`` jobs per slot run at all.
"""

import time
from collections.abc import AsyncIterator, Callable, Iterable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path

import anyio
from anyio.to_thread import run_sync

from parlour.domain.errors import BusyError, NotFoundError
from parlour.media.audio import TranscodeSlots
from parlour.media.hls_command import BurnIn, segment_args
from parlour.media.hls_jobs import HlsJob, kill_orphans, remove_before, remove_tree, tree_size
from parlour.media.hls_plan import SEGMENT_S, HlsPlan, VideoRendition

IDLE_S = 60.0
GONE_S = 3.0
RUN_AHEAD_S = 60
KEEP_BEHIND_S = 30
# A segment up to this far past the job's output is waited for; further is a seek, and
# a new job there is quicker than encoding everything in between.
WAIT_AHEAD_S = 12
SEGMENT_WAIT_S = 60.0
# How often a waiting request looks for its segment: a stat call, so cheap enough that a
# remuxed segment (ready about 60 ms after ffmpeg starts) is not held back by the wait.
_POLL_S = 0.01
RETRY_AFTER_S = 5
COPY_JOBS_PER_SLOT = 4

Peer = tuple[str, int]


@dataclass(eq=False)
class HlsSession:
    id: str
    user_id: str
    item_id: str
    source: bytes
    plan: HlsPlan
    directory: Path
    burn: BurnIn | None = None
    job: HlsJob | None = None
    last_request: float = field(default_factory=time.monotonic)
    position_s: int = 0  # where in the film the player asked for video lately
    in_flight: int = 0
    peers: dict[Peer, float] = field(default_factory=dict)
    lock: anyio.Lock = field(default_factory=anyio.Lock)
    # fMP4 init segments read whole, by (rendition, stream): every run writes the same
    # bytes again, so one read serves the whole playback.
    inits: dict[tuple[str, str], bytes] = field(default_factory=dict)

    def streams(self) -> dict[str, int]:
        """Each stream directory of the current job and its segment length."""
        video = self.job.segment_s if self.job is not None else SEGMENT_S
        return {"v": video} | {f"a{n}": SEGMENT_S for n in range(len(self.plan.audio))}


class HlsSessions:
    def __init__(
        self,
        root: Path,
        slots: TranscodeSlots,
        cache_bytes: int,
        ffmpeg: str | None = None,
    ) -> None:
        self.root, self.slots, self.cache_bytes, self.ffmpeg = root, slots, cache_bytes, ffmpeg
        self.sessions: dict[str, HlsSession] = {}
        self.cache_full = False

    def start(self) -> None:
        """Called once the server starts serving (not by every command that builds the
        app): segments a server left when it died can never be asked for again."""
        kill_orphans(self.root)
        remove_tree(self.root)
        self.root.mkdir(parents=True, exist_ok=True)

    def get(self, session_id: str) -> HlsSession | None:
        return self.sessions.get(session_id)

    def open(
        self,
        session_id: str,
        user_id: str,
        item_id: str,
        source: bytes,
        plan: HlsPlan,
        burn: BurnIn | None = None,
    ) -> HlsSession:
        """The session of this playback, made now if it is new (or was forgotten)."""
        session = self.sessions.get(session_id)
        if session is None:
            directory = self.root / session_id
            session = HlsSession(session_id, user_id, item_id, source, plan, directory, burn)
            self.sessions[session_id] = session
        return session

    async def segment(
        self,
        session: HlsSession,
        rendition: VideoRendition,
        stream: str,
        number: int,
        peer: Peer,
    ) -> Path:
        """The path of a whole segment file: ``stream`` "v" is ``rendition``'s video,
        "a<k>" audio rendition k. Waits while the job makes it; NotFoundError when the
        job ended without it."""
        segment_s = rendition.segment_s if stream == "v" else SEGMENT_S
        if not 0 <= number < session.plan.segment_count(segment_s):
            raise NotFoundError("no such segment")
        at_s = number * segment_s
        if stream == "v":
            session.position_s = at_s

        def whole(job: HlsJob) -> Path | None:
            path = job.segment(stream, number)
            return path if path.exists() else None

        def soon(job: HlsJob) -> bool:
            return job.start_s <= at_s <= job.made_until() + WAIT_AHEAD_S

        async with self._asking(session, peer):
            return await self._wait(session, rendition, at_s, whole, soon, "this segment")

    async def init(
        self, session: HlsSession, rendition: VideoRendition, stream: str, peer: Peer
    ) -> bytes:
        """The fMP4 init segment of ``stream`` ("v" or "a<k>") of ``rendition``. With no
        job of that rendition, one starts where the player last asked for video."""
        key = (rendition.name, stream)
        known = session.inits.get(key)
        if known is not None:
            return known

        def whole(job: HlsJob) -> Path | None:
            # ffmpeg writes the init segment before the run's first segment.
            path = job.init(stream)
            return path if path is not None and job.first_segment(stream).exists() else None

        async with self._asking(session, peer):
            at_s = session.position_s
            path = await self._wait(session, rendition, at_s, whole, lambda _: True, "its init")
            data = await run_sync(path.read_bytes)
        session.inits[key] = data
        return data

    @asynccontextmanager
    async def _asking(self, session: HlsSession, peer: Peer) -> AsyncIterator[None]:
        """A request of the session's player under way: it keeps the session alive."""
        self._touch(session, peer)
        session.in_flight += 1
        try:
            yield
        finally:
            session.in_flight -= 1
            session.last_request = time.monotonic()

    async def _wait(
        self,
        session: HlsSession,
        rendition: VideoRendition,
        at_s: int,
        whole: Callable[[HlsJob], Path | None],
        near: Callable[[HlsJob], bool],
        what: str,
    ) -> Path:
        """What ``whole`` finds in the job of ``rendition``, waiting while a running job
        ``near`` it makes it, and starting a job at ``at_s`` (once) when there is none."""
        restarted = False
        with anyio.fail_after(SEGMENT_WAIT_S):
            while True:
                async with session.lock:
                    job = session.job
                    if job is not None and job.rendition == rendition.name:
                        found = whole(job)
                        if found is not None:
                            return found
                        if job.running and near(job):
                            job.resume()
                        elif restarted:
                            raise NotFoundError(f"the transcoder ended without {what}")
                        else:
                            await self._restart(session, rendition, at_s)
                            restarted = True
                    else:
                        await self._restart(session, rendition, at_s)
                        restarted = True
                await anyio.sleep(_POLL_S)

    async def _restart(self, session: HlsSession, rendition: VideoRendition, at_s: int) -> None:
        """A new job for ``rendition`` from the video segment edge at or before ``at_s``
        (every video edge is an audio edge too: lengths are multiples of SEGMENT_S)."""
        old = session.job
        session.job = None
        if old is not None:
            await run_sync(old.stop)
            if old.rendition != rendition.name:
                await run_sync(remove_tree, session.directory)  # another rendition's video
        if self.cache_full:
            raise BusyError("the transcoding cache is full; try again shortly", RETRY_AFTER_S)
        if self.running_jobs() >= self.slots.count * COPY_JOBS_PER_SLOT:
            # Copies take no slot, but each is a process reading a file: bounded too.
            raise BusyError("too many streams are being prepared; try again shortly", RETRY_AFTER_S)
        start_s = at_s // rendition.segment_s * rendition.segment_s
        encodes = not rendition.copy or any(not a.copy for a in session.plan.audio)
        slot = self.slots.take() if encodes else None  # BusyError (503) when none is free
        args = segment_args(
            session.source,
            session.plan,
            rendition,
            start_s,
            str(session.directory),
            burn=session.burn,
        )
        streams = ["v", *(f"a{n}" for n in range(len(session.plan.audio)))]
        try:
            session.job = await run_sync(
                lambda: HlsJob(
                    args,
                    session.directory,
                    rendition.name,
                    rendition.segment_s,
                    start_s,
                    streams,
                    slot,
                    self.ffmpeg,
                    session.plan.segment_extension,
                )
            )
        except BaseException:
            if slot is not None:
                slot.release()
            raise

    def _touch(self, session: HlsSession, peer: Peer) -> None:
        now = time.monotonic()
        session.last_request = now
        session.peers[peer] = now

    async def end(self, session_id: str) -> None:
        """End a session now (its player said stop): kill its job, delete its segments."""
        session = self.sessions.pop(session_id, None)
        if session is not None:
            await self._drop_job(session)

    async def _drop_job(self, session: HlsSession) -> None:
        async with session.lock:
            job, session.job = session.job, None
            if job is not None:
                await run_sync(job.stop)
            await run_sync(remove_tree, session.directory)

    async def tick(self, open_peers: Callable[[], Iterable[Peer] | None]) -> None:
        """One round of upkeep (every second or so): end what is gone or idle, pause
        what is far ahead, delete what is far behind, and keep the cache under its cap.
        ``open_peers`` names the client connections still open, or None when the
        platform cannot tell."""
        now = time.monotonic()
        connected = open_peers() if self.sessions else None
        still_open = set(connected) if connected is not None else None
        for session in list(self.sessions.values()):
            if now - session.last_request > IDLE_S and session.in_flight == 0:
                await self.end(session.id)
            elif session.job is not None and self._client_gone(session, now, still_open):
                await self._drop_job(session)
        # On the loop, not a thread: it walks the sessions the requests change (a few
        # small directories; well under a millisecond).
        self._bound_cache()

    @staticmethod
    def _client_gone(session: HlsSession, now: float, still_open: set[Peer] | None) -> bool:
        if still_open is None or session.in_flight or now - session.last_request < GONE_S:
            return False
        # Forget connections that have not asked anything for a while.
        session.peers = {p: t for p, t in session.peers.items() if now - t < IDLE_S}
        return not any(peer in still_open for peer in session.peers)

    def _bound_cache(self) -> None:
        total = 0
        for session in self.sessions.values():
            remove_before(session.directory, session.streams(), session.position_s - KEEP_BEHIND_S)
            total += tree_size(session.directory)
        self.cache_full = total > self.cache_bytes
        for session in self.sessions.values():
            job = session.job
            if job is None:
                continue
            job.release_if_done()
            ahead = job.made_until() - session.position_s
            if self.cache_full or ahead > RUN_AHEAD_S:
                job.pause()
            elif ahead < RUN_AHEAD_S // 2:
                job.resume()

    async def close(self) -> None:
        """Stop every job and delete every segment (the server is stopping)."""
        for session_id in list(self.sessions):
            await self.end(session_id)
        remove_tree(self.root)

    def running_jobs(self) -> int:
        return sum(1 for s in self.sessions.values() if s.job is not None and s.job.running)
