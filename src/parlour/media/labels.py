"""Codecs, containers and subtitle formats as people call them, for reasons a viewer
reads ("HEVC", "Dolby Digital (AC-3)"), not FFmpeg's names."""

_LABELS = {
    # video
    "h264": "H.264",
    "hevc": "HEVC",
    "av1": "AV1",
    "vp8": "VP8",
    "vp9": "VP9",
    "mpeg2video": "MPEG-2",
    "mpeg4": "MPEG-4 Part 2 (DivX/Xvid)",
    "vc1": "VC-1",
    "theora": "Theora",
    "prores": "ProRes",
    # audio
    "aac": "AAC",
    "ac3": "Dolby Digital (AC-3)",
    "eac3": "Dolby Digital Plus (E-AC-3)",
    "dts": "DTS",
    "truehd": "Dolby TrueHD",
    "flac": "FLAC",
    "alac": "Apple Lossless (ALAC)",
    "opus": "Opus",
    "vorbis": "Vorbis",
    "mp2": "MP2",
    # containers
    "mkv": "MKV",
    "webm": "WebM",
    "mov": "QuickTime (MOV)",
    "mpegts": "MPEG-TS",
    "ogg": "Ogg",
    # subtitles
    "subrip": "SRT",
    "webvtt": "WebVTT",
    "vtt": "WebVTT",
    "mov_text": "MP4 text",
    "hdmv_pgs_subtitle": "PGS",
    "sup": "PGS",
    "dvd_subtitle": "DVD (VobSub)",
    "dvb_subtitle": "DVB",
}


def label(name: str) -> str:
    """A codec or container as people call it: "hevc" is "HEVC", "ac3" "Dolby Digital"."""
    if name.startswith("pcm_"):
        return "PCM"
    return _LABELS.get(name, name.upper())
