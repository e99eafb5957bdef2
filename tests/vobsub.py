"""Write a VobSub subtitle (.idx and .sub) holding one white box: ffmpeg cannot turn text
into picture subtitles, and tests need a real picture subtitle to burn in.

The .sub file is MPEG program stream; each subtitle is a sub-picture unit (DVD SPU):
run-length coded 2-bit pixels in two interlaced fields, then control sequences that
set the palette, transparency, position and when to show and hide it.
"""

from pathlib import Path

_PACK_HEADER = bytes.fromhex("000001BA4400040004010189C3F8")  # MPEG-2 pack, SCR 0
_SECTOR = 2048
_SPU_TICK_S = 1024 / 90000  # SPU control delays count in these


def _pts(ticks: int) -> bytes:
    return bytes(
        [
            0x21 | ((ticks >> 29) & 0x0E),
            (ticks >> 22) & 0xFF,
            0x01 | ((ticks >> 14) & 0xFE),
            (ticks >> 7) & 0xFF,
            0x01 | ((ticks << 1) & 0xFE),
        ]
    )


def _box_spu(x: int, y: int, width: int, height: int, shown_s: float) -> bytes:
    """An SPU that shows a ``width`` x ``height`` box of colour 1 at (x, y)."""
    assert 64 <= width <= 255 and height % 2 == 0
    line = ((width << 2) | 1).to_bytes(2, "big")  # one run of `width` pixels of colour 1
    field = line * (height // 2)
    top, bottom = 4, 4 + len(field)
    first = 4 + 2 * len(field)
    x2, y2 = x + width - 1, y + height - 1
    place = bytes(
        [
            x >> 4,
            ((x & 0xF) << 4) | (x2 >> 8),
            x2 & 0xFF,
            y >> 4,
            ((y & 0xF) << 4) | (y2 >> 8),
            y2 & 0xFF,
        ]
    )
    commands = (
        b"\x03\x00\x10"  # colour 1 is palette entry 1
        + b"\x04\x00\xf0"  # colour 1 opaque, the rest transparent
        + b"\x05"
        + place
        + b"\x06"
        + top.to_bytes(2, "big")
        + bottom.to_bytes(2, "big")
        + b"\x01\xff"  # show now; end
    )
    second = first + 4 + len(commands)
    show = (0).to_bytes(2, "big") + second.to_bytes(2, "big") + commands
    hide = round(shown_s / _SPU_TICK_S).to_bytes(2, "big") + second.to_bytes(2, "big") + b"\x02\xff"
    body = field + field + show + hide
    return (4 + len(body)).to_bytes(2, "big") + first.to_bytes(2, "big") + body


def write_vobsub(base: Path, at_s: float, shown_s: float, size: tuple[int, int]) -> Path:
    """``base``.idx and ``base``.sub with one white box shown from ``at_s``; returns the
    .idx path (what ffmpeg opens)."""
    spu = _box_spu(100, 100, 200, 40, shown_s)
    payload = b"\x20" + spu  # sub-stream 0x20: the first subtitle track
    header = b"\x81\x80\x05" + _pts(round(at_s * 90000))
    pes = b"\x00\x00\x01\xbd" + (len(header) + len(payload)).to_bytes(2, "big") + header + payload
    packet = _PACK_HEADER + pes
    padding = _SECTOR - len(packet) - 6
    packet += b"\x00\x00\x01\xbe" + padding.to_bytes(2, "big") + b"\xff" * padding
    base.with_suffix(".sub").write_bytes(packet)
    millis = round(at_s * 1000)
    hours, minutes = millis // 3_600_000, millis // 60_000 % 60
    stamp = f"{hours:02d}:{minutes:02d}:{millis // 1000 % 60:02d}:{millis % 1000:03d}"
    palette = ", ".join(["000000", "ffffff"] + ["808080"] * 14)
    index = base.with_suffix(".idx")
    index.write_text(
        "# VobSub index file, v7 (do not modify this line!)\n"
        f"size: {size[0]}x{size[1]}\npalette: {palette}\n"
        f"id: en, index: 0\ntimestamp: {stamp}, filepos: 000000000\n"
    )
    return index
