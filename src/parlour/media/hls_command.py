"""The ffmpeg arguments that make one rendition's segments from a given segment on.

Everything in the argument list is a number, a name from ``hls_plan`` or the
catalogue's confined path behind ``file:`` (FF-01). The output goes to ``<dir>/v/`` for
the video and ``<dir>/a<k>/`` for audio rendition ``k``, one ``<number>.ts`` (or
``<number>.m4s`` after an ``init.mp4``) per segment, each written under a temporary name
and renamed when complete, so a segment file that exists is whole.
"""

import os
from collections.abc import Sequence
from dataclasses import dataclass

from parlour.media.decision import AudioPlan
from parlour.media.ffmpeg import file_input
from parlour.media.hls_plan import LADDER, SEGMENT_S, HlsPlan, VideoRendition, audio_bitrate


@dataclass(frozen=True, slots=True)
class BurnIn:
    """A subtitle drawn into the picture: an image stream of the source (overlaid), or
    a text subtitle rendered by libass from a file: the source itself (``text_stream``
    counts its subtitle streams only) or a sidecar."""

    image_stream: int | None = None
    text_file: bytes | None = None
    text_stream: int | None = None


def _filter_value(text: str) -> str:
    """``text`` as one quoted value inside a filtergraph: quoted for the filter's option
    parser, then escaped for the graph parser (ffmpeg-filters "Notes on filtergraph
    escaping")."""
    quoted = "'" + text.replace("'", "'\\''") + "'"
    return "".join("\\" + c if c in "\\'[],;" else c for c in quoted)


def _video_filters(rendition: VideoRendition, burn: BurnIn | None) -> tuple[list[str], str]:
    """The filter arguments and the label or stream to map as the video."""
    scale = f"scale={rendition.width}:{rendition.height}:flags=bicubic,format=yuv420p"
    if burn is None:
        return ["-vf", scale], "0:v:0"
    if burn.text_file is not None:
        source = _filter_value(os.fsdecode(burn.text_file))
        chosen = f":si={burn.text_stream}" if burn.text_stream is not None else ""
        graph = f"[0:v:0]subtitles=filename={source}{chosen},{scale}[v]"
    else:
        graph = f"[0:v:0][0:{burn.image_stream}]overlay=eof_action=pass,{scale}[v]"
    return ["-filter_complex", graph], "[v]"


def _video_args(
    plan: HlsPlan, rendition: VideoRendition, burn: BurnIn | None, keyframe_every: int | None
) -> list[str]:
    if rendition.copy:
        return ["-map", f"0:{plan.video_index}", "-c:v", "copy"]
    filters, mapped = _video_filters(rendition, burn)
    level = next((lvl for h, _, lvl in LADDER if h == rendition.height), 40)
    args = ["-map", mapped, *filters]
    args += ["-c:v", "libx264", "-preset", "veryfast", "-profile:v", "high"]
    args += ["-level:v", f"{level / 10:.1f}"]
    args += ["-b:v", str(rendition.bitrate), "-maxrate", str(int(rendition.bitrate * 1.5))]
    args += ["-bufsize", str(rendition.bitrate * 2)]
    if keyframe_every is not None:
        # A keyframe on every segment edge of the whole film, wherever this run began:
        # the first frame, then the first frame at or after the next multiple of L.
        length = keyframe_every
        args += [
            "-force_key_frames",
            f"expr:if(isnan(prev_forced_t),1,gte(t,trunc(prev_forced_t/{length}+1)*{length}))",
        ]
    return args


def _audio_args(audio: Sequence[AudioPlan]) -> list[str]:
    args: list[str] = []
    for number, rendition in enumerate(audio):
        args += ["-map", f"0:{rendition.stream_index}"]
        if rendition.copy:
            args += [f"-c:a:{number}", "copy"]
        else:
            args += [f"-c:a:{number}", "aac", f"-ac:a:{number}", str(rendition.channels)]
            args += [f"-b:a:{number}", str(audio_bitrate(rendition))]
    return args


_NO_EXTRAS = ["-sn", "-dn", "-map_metadata", "-1", "-map_chapters", "-1"]
_MUXING = ["-max_muxing_queue_size", "2048", "-muxdelay", "0", "-muxpreload", "0"]


def _hls_output(
    segment_s: int, start_number: int, directory: str, name: str, fmp4: bool
) -> list[str]:
    args = ["-f", "hls", "-hls_time", str(segment_s), "-hls_list_size", "0"]
    if not fmp4:
        args += ["-hls_segment_type", "mpegts", "-hls_flags", "temp_file"]
        args += ["-start_number", str(start_number)]
        args += ["-hls_segment_filename", os.path.join(directory, name, "%d.ts")]
        return [*args, os.path.join(directory, name + ".m3u8")]
    # ffmpeg writes the init segment beside its own playlist, so that goes in the
    # stream's directory too. frag_discont: each fragment's decode time is the source's
    # (as -copyts gives it), not counted from this run's start.
    args += ["-hls_segment_type", "fmp4", "-hls_fmp4_init_filename", "init.mp4"]
    args += ["-hls_segment_options", "movflags=+frag_discont", "-hls_flags", "temp_file"]
    args += ["-start_number", str(start_number)]
    args += ["-hls_segment_filename", os.path.join(directory, name, "%d.m4s")]
    return [*args, os.path.join(directory, name, "index.m3u8")]


def segment_args(
    source: bytes,
    plan: HlsPlan,
    rendition: VideoRendition,
    start_s: int,
    directory: str,
    *,
    burn: BurnIn | None = None,
) -> list[str]:
    """ffmpeg's arguments (without the binary) for ``rendition``'s video and every audio
    rendition from ``start_s`` (a segment edge of both), into ``<directory>/v/`` and
    ``<directory>/a<k>/``, as MPEG-TS or (``plan.fmp4``) fragmented MP4. ``-copyts``
    keeps the source's timestamps, so a run started at a seek makes segments that line up
    with the runs before it. The audio is a second output of the same process, cut at its
    own (shorter) length."""
    args = ["-ss", str(start_s)] if start_s else []
    args += ["-i", file_input(source), "-copyts"]
    args += _video_args(plan, rendition, burn, rendition.segment_s)
    args += [*_NO_EXTRAS, *_MUXING]
    start_number = start_s // rendition.segment_s
    args += _hls_output(rendition.segment_s, start_number, directory, "v", plan.fmp4)
    if plan.audio:
        args += _audio_args(plan.audio)
        args += ["-vn", *_NO_EXTRAS, *_MUXING]
        streams = " ".join(f"a:{n}" for n in range(len(plan.audio)))
        args += ["-var_stream_map", streams]
        args += _hls_output(SEGMENT_S, start_s // SEGMENT_S, directory, "a%v", plan.fmp4)
    return args


def progressive_args(
    source: bytes,
    plan: HlsPlan,
    rendition: VideoRendition,
    start_ms: int,
    *,
    burn: BurnIn | None = None,
) -> list[str]:
    """One MPEG-TS stream to a pipe, from ``start_ms``, with the chosen audio only: for
    devices (DLNA TVs) that take a single HTTP stream rather than HLS."""
    start_ms = max(0, min(start_ms, plan.duration_ms))
    args = ["-ss", f"{start_ms / 1000:.3f}"] if start_ms else []
    args += ["-i", file_input(source)]
    args += _video_args(plan, rendition, burn, None)
    args += _audio_args(plan.audio[:1])
    args += [*_NO_EXTRAS, *_MUXING, "-f", "mpegts", "pipe:1"]
    return args
