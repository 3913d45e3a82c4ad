"""The watermark of inspection photos (HB §18 ¶3: 可用水印设备采集项目实施现场照片、音视频).

The server writes it — the phone's clock and any app on it are not trusted: the time is the
server's (Asia/Shanghai), the place and coordinates those of the record, the inspector the
logged-in evaluator, the project its code and name, and a verification code derived by HMAC
from the original's SHA-256 (and what the watermark states), so that a printed or forwarded
copy can later be checked against the original kept on the platform (`code_matches`).

Photos: a copy with the text drawn in a band at the bottom (Pillow, the CJK font the PDFs use:
fonts-wqy-microhei, `WIPP_WATERMARK_FONT`). Videos: the original is kept as uploaded and the
watermark's data stays beside it (`InspectionMedia.watermark`); no re-encoding on the server.
"""

import io
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _

DEFAULT_FONT = "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"
SALT = "wipp.supervision.watermark"
CODE_LENGTH = 12


@dataclass(frozen=True)
class Stamp:
    """What the watermark states."""

    time: str  # server time, Asia/Shanghai, "YYYY-MM-DD HH:MM:SS"
    place: str
    coordinates: str  # "38.042307, 114.514860" or "—"
    inspector: str
    project: str
    original_sha256: str

    def message(self) -> str:
        return "|".join(
            [
                self.original_sha256,
                self.time,
                self.place,
                self.coordinates,
                self.inspector,
                self.project,
            ]
        )

    def lines(self, code: str) -> list[str]:
        return [
            f"时间 {self.time}  地点 {self.place}",
            f"坐标 {self.coordinates}  评估人员 {self.inspector}",
            f"项目 {self.project}",
            f"校验码 {code}",
        ]

    def as_dict(self, code: str) -> dict:
        return {
            "time": self.time,
            "place": self.place,
            "coordinates": self.coordinates,
            "inspector": self.inspector,
            "project": self.project,
            "original_sha256": self.original_sha256,
            "verification_code": code,
        }


def verification_code(stamp: Stamp) -> str:
    """HMAC (SHA-256, keyed by the installation's secret) of the original's hash and the
    stamp, cut to 12 hexadecimal characters, upper case."""
    digest = salted_hmac(SALT, stamp.message(), algorithm="sha256").hexdigest()
    return digest[:CODE_LENGTH].upper()


def code_matches(stamp: Stamp, code: str) -> bool:
    return constant_time_compare(verification_code(stamp), (code or "").strip().upper())


def font_path() -> str:
    path = getattr(settings, "WIPP_WATERMARK_FONT", "") or DEFAULT_FONT
    if not Path(path).exists():
        raise ImproperlyConfigured(
            f"The watermark font {path} is missing (install fonts-wqy-microhei, or set "
            "WIPP_WATERMARK_FONT to a CJK font)."
        )
    return path


def watermark_photo(content: bytes, stamp: Stamp, code: str) -> bytes:
    """A JPEG copy of the photo with the stamp drawn in a band along its bottom edge."""
    from PIL import Image, ImageDraw, ImageFont, ImageOps, UnidentifiedImageError

    try:
        image = Image.open(io.BytesIO(content))
        image = ImageOps.exif_transpose(image).convert("RGB")
    except (UnidentifiedImageError, OSError) as error:
        raise ValidationError({"file": _("This photo cannot be read.")}) from error
    width, height = image.size
    size = max(14, min(width, height) // 28)
    font = ImageFont.truetype(font_path(), size)
    lines = stamp.lines(code)
    spacing = size // 3
    band = len(lines) * (size + spacing) + spacing * 2
    overlay = Image.new("RGBA", image.size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(overlay)
    draw.rectangle([(0, height - band), (width, height)], fill=(0, 0, 0, 140))
    y = height - band + spacing
    for line in lines:
        draw.text((spacing * 2, y), line, font=font, fill=(255, 255, 255, 255))
        y += size + spacing
    stamped = Image.alpha_composite(image.convert("RGBA"), overlay).convert("RGB")
    out = io.BytesIO()
    stamped.save(out, format="JPEG", quality=90)
    return out.getvalue()
