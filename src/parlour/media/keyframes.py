"""How far apart a video's keyframes are, from the container's own index.

A copied video can only be cut where it has a keyframe, so the HLS segment length of a
remux must be at least the longest gap. MP4 files carry every keyframe in their index;
Matroska files carry cue points, which FFmpeg reads on the first seek. Reading the index
costs tens of milliseconds; the frames themselves are never read.
"""

import itertools
import os

import av

from parlour.media.files import ServedFile

_OPTIONS = {
    # Handed a Python file object, FFmpeg needs no protocol: nothing else can be opened.
    "protocol_whitelist": "none",
    "format_whitelist": "matroska,mov,mp4,avi,mpegts,flv,asf",
    "probesize": str(512 * 1024),
}
# Fewer index entries than this say nothing about the file as a whole.
_MIN_KEYFRAMES = 3


def longest_keyframe_gap(source: ServedFile, stream_index: int) -> float | None:
    """The longest gap in seconds between two keyframes of the stream, or None when the
    container does not say."""
    try:
        with open(os.fsdecode(source.path), "rb") as file:
            container = av.open(file, "r", options=_OPTIONS)
            with container:
                stream = container.streams[stream_index]
                if container.duration:
                    # Matroska reads its cues on the first seek.
                    container.seek(container.duration // 2, any_frame=False)
                base = stream.time_base
                if base is None:
                    return None
                times = [
                    float(entry.timestamp * base)
                    for entry in stream.index_entries
                    if entry.is_keyframe
                ]
    except (av.error.FFmpegError, OSError, IndexError):
        return None
    if len(times) < _MIN_KEYFRAMES:
        return None
    times.sort()
    return max(later - earlier for earlier, later in itertools.pairwise(times))
