"""刷脸签到签退数据包 (HB §22 training item 7): per project, the attendance records as Excel
(apps.core.excel) plus the check-in photos, zipped. The photos are decrypted for the package,
so producing it is logged as access to the trainees' face data (SPEC §6)."""

import io
import zipfile

from django.utils import timezone

from apps.audit.services import personal_data_access_record
from apps.core.excel import Column, new_workbook, workbook_bytes, write_table

from .facestore import _decrypt
from .models import AttendanceRecord, Trainee
from .selectors import minutes_to_hours, trainee_progress

EXTENSIONS = {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp"}


def _local(value):
    return timezone.localtime(value).replace(tzinfo=None) if value else None


def attendance_package(*, project) -> bytes:
    records = (
        AttendanceRecord.unscoped.filter(session__training_class__project=project)
        .select_related("session__training_class", "trainee", "photo")
        .order_by("session__starts_at", "trainee__name", "recorded_at", "pk")
    )
    book, sheet = new_workbook("签到签退 Attendance")
    rows, photos = [], []
    for record in records:
        photo_name = ""
        if record.photo_id and not record.photo.deleted_at:
            extension = EXTENSIONS.get(record.photo.content_type, "bin")
            photo_name = f"photos/{record.pk}-{record.kind}.{extension}"
            photos.append((photo_name, record.photo))
        rows.append(
            [
                record.pk,
                record.session.training_class.name,
                record.session.title,
                _local(record.session.starts_at),
                _local(record.session.ends_at),
                record.session.venue_address,
                record.trainee.name,
                record.trainee.resident_id,
                record.get_kind_display(),
                record.get_method_display(),
                _local(record.recorded_at),
                float(record.latitude) if record.latitude is not None else None,
                float(record.longitude) if record.longitude is not None else None,
                record.coordinate_system,
                round(record.distance_m) if record.distance_m is not None else None,
                "yes" if record.within_radius else "no",
                "yes" if record.within_window else "no",
                round(record.face_distance, 3) if record.face_distance is not None else None,
                {True: "yes", False: "no", None: ""}[record.face_match],
                photo_name,
            ]
        )
    write_table(
        sheet,
        columns=[
            Column("No.", 8, "number"),
            Column("培训班 Class", 20),
            Column("课次 Session", 24),
            Column("开始 Start", 17, "datetime"),
            Column("结束 End", 17, "datetime"),
            Column("地点 Venue", 28),
            Column("姓名 Name", 12),
            Column("公民身份号码 ID number", 21),
            Column("类型 Kind", 10),
            Column("方式 Method", 16),
            Column("服务器时间 Server time", 17, "datetime"),
            Column("纬度 Lat", 11, "number"),
            Column("经度 Lon", 11, "number"),
            Column("坐标系 CRS", 8),
            Column("距离(米) Distance m", 10, "number"),
            Column("范围内 In radius", 8),
            Column("时段内 In window", 8),
            Column("人脸距离 Face distance", 10, "number"),
            Column("人脸匹配 Match", 8),
            Column("照片 Photo", 26),
        ],
        rows=rows,
    )
    hours = book.create_sheet("学时 Hours")
    hour_rows = []
    for training_class in project.training_classes.all():
        for row in trainee_progress(training_class=training_class):
            trainee: Trainee = row["trainee"]
            hour_rows.append(
                [
                    training_class.name,
                    trainee.name,
                    trainee.resident_id,
                    row["minutes"],
                    float(minutes_to_hours(row["minutes"])),
                    float(row["required"]) if row["required"] is not None else None,
                    "yes" if row["complete"] else "no",
                ]
            )
    write_table(
        hours,
        columns=[
            Column("培训班 Class", 20),
            Column("姓名 Name", 12),
            Column("公民身份号码 ID number", 21),
            Column("分钟 Minutes", 10, "number"),
            Column("学时 Class hours", 10, "number"),
            Column("要求线下学时 Required", 12, "number"),
            Column("达标 Complete", 8),
        ],
        rows=hour_rows,
    )
    personal_data_access_record(
        subject=project,
        field="resident_id,face_image",
        purpose=f"HB §22 attendance data package ({len(rows)} records, {len(photos)} photos)",
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("attendance.xlsx", workbook_bytes(book))
        for name, image in photos:
            archive.writestr(name, _decrypt(image))
    return buffer.getvalue()
