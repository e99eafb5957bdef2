"""Subtitles as WebVTT, the one format every browser's <track> and HLS player reads.

ffmpeg converts SRT, ASS/SSA and WebVTT files, and the text subtitle streams inside a
video, keeping their timing; the output is small, so it is made whole, with a time and
size limit, rather than streamed.
"""

from parlour.domain.errors import NotFoundError
from parlour.media.ffmpeg import ffmpeg_stdout, file_input

MAX_VTT_BYTES = 16 * 1024 * 1024
TIMEOUT_S = 60.0


def webvtt(path: bytes, stream_index: int | None = None, ffmpeg: str | None = None) -> bytes:
    """WebVTT made from the subtitle file ``path``, or from stream ``stream_index`` of the
    video ``path``; NotFoundError if ffmpeg cannot read it as subtitles (there is no
    WebVTT to be had)."""
    mapping = ["-map", f"0:{stream_index}"] if stream_index is not None else ["-map", "0:s:0"]
    args = ["-i", file_input(path), *mapping, "-c:s", "webvtt", "-f", "webvtt", "pipe:1"]
    vtt = ffmpeg_stdout(args, timeout=TIMEOUT_S, ffmpeg=ffmpeg)
    if vtt is None or not vtt.startswith(b"WEBVTT"):
        raise NotFoundError("these subtitles cannot be read as text")
    if len(vtt) > MAX_VTT_BYTES:
        raise NotFoundError("these subtitles are too large to serve")
    return vtt
