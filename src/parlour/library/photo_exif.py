"""Read an image's header and EXIF with Pillow and pillow-heif, without decoding pixels."""

import datetime
import math
import re
import warnings
from functools import cache
from typing import IO, Any, SupportsFloat

from PIL import Image, UnidentifiedImageError

from parlour.domain.media import PhotoInfo
from parlour.library.probe_errors import ProbeError, clip_reason, exc_message, open_regular


def probe_photo(path: bytes) -> PhotoInfo:
    """Read an image's header and EXIF with Pillow, without decoding pixels."""
    with open_regular(path) as file:
        return read_photo(file)


_EXIF_IFD = 0x8769
_GPS_IFD = 0x8825
_DATE_TIME_ORIGINAL = 0x9003
_DATE_TIME = 0x0132
_MAKE = 0x010F
_MODEL = 0x0110
_ORIENTATION = 0x0112
_GPS_LATITUDE_REF, _GPS_LATITUDE = 1, 2
_GPS_LONGITUDE_REF, _GPS_LONGITUDE = 3, 4
_GPS_ALTITUDE_REF, _GPS_ALTITUDE = 5, 6
_EXIF_DATE = re.compile(r"\s*(\d{4})[:-](\d{2})[:-](\d{2})[ T](\d{2}):(\d{2}):(\d{2})")


@cache
def _register_heif() -> None:
    import pillow_heif  # noqa: PLC0415 - loads libheif only in workers that meet a photo

    pillow_heif.register_heif_opener()


def read_photo(file: IO[bytes]) -> PhotoInfo:
    """Read the open image's header and EXIF; raise ProbeError if it is unusable."""
    _register_heif()
    # catch_warnings is process-wide, which is fine: a worker process probes one file at a time.
    with warnings.catch_warnings():
        # Pillow only warns between 1x and 2x its pixel limit; treat both the same.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(file)
        except UnidentifiedImageError as exc:
            # Pillow's message names the file object; the reason is all that is worth keeping.
            raise ProbeError("not a readable image: unrecognised format") from exc
        except OSError as exc:
            if exc.errno is not None:
                raise  # a real read error, described by probe_file
            # Pillow's plugins report malformed headers as errno-less OSErrors.
            raise ProbeError(clip_reason(f"truncated or corrupt: {exc_message(exc)}")) from exc
    with image:
        width, height = image.size
        if width <= 0 or height <= 0:
            raise ProbeError("not a readable image: no dimensions in header")
        image_format = (image.format or "unknown").lower()
        return PhotoInfo(
            # Pillow calls a JPEG with extra pictures (phone depth maps) MPO; it is still a JPEG.
            format="jpeg" if image_format == "mpo" else image_format,
            width=width,
            height=height,
            **_exif_fields(image),
        )


def _exif_fields(image: Image.Image) -> dict[str, Any]:
    # PNG keeps EXIF wherever it likes; Pillow would decode the pixels to look past IDAT.
    if image.format == "PNG" and "exif" not in image.info:
        return {}
    try:
        exif = image.getexif()
        details = exif.get_ifd(_EXIF_IFD)
        gps = exif.get_ifd(_GPS_IFD)
    except Exception:  # a broken EXIF block must not hide a readable image
        return {}
    orientation = _exif_int(exif.get(_ORIENTATION))
    return {
        "taken_at": _exif_datetime(details.get(_DATE_TIME_ORIGINAL))
        or _exif_datetime(exif.get(_DATE_TIME)),
        "camera_make": _exif_text(exif.get(_MAKE)),
        "camera_model": _exif_text(exif.get(_MODEL)),
        "orientation": orientation if orientation is not None and 1 <= orientation <= 8 else None,
        "latitude": _gps_coordinate(gps.get(_GPS_LATITUDE), gps.get(_GPS_LATITUDE_REF), 90),
        "longitude": _gps_coordinate(gps.get(_GPS_LONGITUDE), gps.get(_GPS_LONGITUDE_REF), 180),
        "altitude": _gps_altitude(gps.get(_GPS_ALTITUDE), gps.get(_GPS_ALTITUDE_REF)),
    }


def _exif_text(value: object) -> str | None:
    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    if not isinstance(value, str):
        return None
    text = value.split("\0", 1)[0].strip()
    return text or None


def _exif_int(value: object) -> int | None:
    if isinstance(value, bytes):  # BYTE-typed tags such as GPSAltitudeRef
        return value[0] if len(value) == 1 else None
    if isinstance(value, tuple):
        value = value[0] if value else None
    number = _exif_float(value)
    return int(number) if number is not None and number.is_integer() else None


def _exif_float(value: object) -> float | None:
    if not isinstance(value, SupportsFloat):  # ints, floats and Pillow's IFDRational
        return None
    try:
        number = float(value)
    except (ValueError, ZeroDivisionError, OverflowError):
        return None
    return number if math.isfinite(number) else None  # a 0/0 rational reads as NaN


def _exif_datetime(value: object) -> str | None:
    text = _exif_text(value)
    match = _EXIF_DATE.match(text) if text else None
    if match is None:
        return None
    try:
        year, month, day, hour, minute, second = (int(part) for part in match.groups())
        moment = datetime.datetime(year, month, day, hour, minute, second)
    except ValueError:
        return None  # "0000:00:00 00:00:00" and other placeholders
    return moment.isoformat()


def _gps_coordinate(value: object, ref: object, limit: int) -> float | None:
    if not isinstance(value, tuple) or not value:
        return None
    parts = [_exif_float(part) for part in value[:3]]
    if any(part is None for part in parts):
        return None
    degrees = sum(part / 60**n for n, part in enumerate(parts) if part is not None)
    if (_exif_text(ref) or "").upper()[:1] in ("S", "W"):
        degrees = -degrees
    return round(degrees, 7) if abs(degrees) <= limit else None


def _gps_altitude(value: object, ref: object) -> float | None:
    altitude = _exif_float(value)
    if altitude is None:
        return None
    return round(-altitude if _exif_int(ref) == 1 else altitude, 2)
