"""Images served: artwork and photos resized on demand, with their orientation applied and
every piece of metadata (EXIF, GPS, ICC, XMP) left behind; pictures inside media files
and frames of videos taken with ffmpeg; a disk cache with a size cap.
"""

import hashlib
import io
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageOps

from parlour.domain.errors import InvalidInputError, NotFoundError
from parlour.media.ffmpeg import ffmpeg_stdout, file_input

FORMATS = {"jpeg": ("JPEG", "image/jpeg"), "webp": ("WEBP", "image/webp")}
FITS = ("contain", "cover")
MAX_SIDE = 4096
MAX_SOURCE_PIXELS = 100_000_000  # a larger picture is refused (decompression bombs)
EXTRACT_TIMEOUT_S = 30.0


@dataclass(frozen=True, slots=True)
class ImageRequest:
    width: int | None
    height: int | None
    fit: str = "contain"
    format: str = "jpeg"

    def __post_init__(self) -> None:
        for side in (self.width, self.height):
            if side is not None and not 1 <= side <= MAX_SIDE:
                raise InvalidInputError(f"width and height are 1 to {MAX_SIDE} pixels")
        if self.fit not in FITS:
            raise InvalidInputError(f"'fit' must be one of {', '.join(FITS)}")
        if self.format not in FORMATS:
            raise InvalidInputError(f"'format' must be one of {', '.join(FORMATS)}")

    @property
    def media_type(self) -> str:
        return FORMATS[self.format][1]

    def key(self) -> str:
        return f"{self.width}x{self.height}-{self.fit}.{self.format}"


def render(source: bytes, wanted: ImageRequest) -> bytes:
    """``source`` (any format Pillow reads) oriented, resized and re-encoded, with no
    metadata carried over; NotFoundError when it is not a readable picture."""
    try:
        with Image.open(io.BytesIO(source)) as opened:
            if opened.width * opened.height > MAX_SOURCE_PIXELS:
                raise NotFoundError("the picture is too large to serve")
            if wanted.width or wanted.height:
                # JPEG decodes at 1/2, 1/4 or 1/8 scale when that is still big enough.
                opened.draft("RGB", (wanted.width or opened.width, wanted.height or opened.height))
            picture = ImageOps.exif_transpose(opened)
            picture = picture.convert("RGB")
    except (OSError, ValueError, Image.DecompressionBombError):
        raise NotFoundError("the picture cannot be read") from None
    if wanted.fit == "cover" and wanted.width and wanted.height:
        picture = ImageOps.fit(picture, (wanted.width, wanted.height), Image.Resampling.LANCZOS)
    elif wanted.width or wanted.height:  # contain (and cover given one side only)
        box = (wanted.width or MAX_SIDE, wanted.height or MAX_SIDE)
        picture.thumbnail(box, Image.Resampling.LANCZOS)  # never enlarges
    out = io.BytesIO()
    # A fresh image carries no EXIF, GPS, ICC or XMP: nothing of the source's is passed.
    picture.save(out, FORMATS[wanted.format][0], quality=85)
    return out.getvalue()


def extract_picture(path: bytes, frame_ms: int | None = None, ffmpeg: str | None = None) -> bytes:
    """The picture inside a media file (cover art is a video stream to ffmpeg), or the
    frame of a video at ``frame_ms``, as PNG; NotFoundError when there is none."""
    seek = ["-ss", f"{frame_ms / 1000:.3f}"] if frame_ms else []
    args = [*seek, "-i", file_input(path), "-map", "0:v:0", "-frames:v", "1"]
    args += ["-c:v", "png", "-f", "image2pipe", "pipe:1"]
    picture = ffmpeg_stdout(args, timeout=EXTRACT_TIMEOUT_S, ffmpeg=ffmpeg)
    if not picture:
        raise NotFoundError("no picture in this file")
    return picture


class ImageCache:
    """Rendered images on disk, named by a digest of what they were made from; the
    oldest are removed once the folder passes ``cap_bytes``."""

    def __init__(self, folder: Path, cap_bytes: int) -> None:
        self.folder = folder
        self.cap_bytes = cap_bytes
        self._written = 0

    def path(self, *parts: object) -> Path:
        digest = hashlib.sha256(repr(parts).encode()).hexdigest()
        return self.folder / digest[:2] / digest

    def get(self, path: Path) -> bytes | None:
        try:
            return path.read_bytes()
        except OSError:
            return None

    def put(self, path: Path, data: bytes) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        # Written beside and renamed: a reader never sees half an image.
        with tempfile.NamedTemporaryFile(dir=path.parent, delete=False) as partial:
            partial.write(data)
        os.replace(partial.name, path)
        self._written += len(data)
        if self._written > self.cap_bytes // 10:  # look at the total now and then only
            self._written = 0
            self.trim()

    def trim(self) -> None:
        files = [p for p in self.folder.glob("*/*") if p.is_file()]
        entries = sorted((p.stat().st_mtime, p.stat().st_size, p) for p in files)
        total = sum(size for _, size, _ in entries)
        for _, size, path in entries:
            if total <= self.cap_bytes:
                break
            path.unlink(missing_ok=True)
            total -= size
