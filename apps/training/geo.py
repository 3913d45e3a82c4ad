"""Coordinates: GCJ-02 ↔ WGS-84 and distances (SPEC §5: convert both to one system first).

Phones in China report GCJ-02 through WeChat and the Chinese map SDKs, browsers' own
`navigator.geolocation` usually WGS-84, and a venue may be surveyed in either; the offset
between the two is several hundred metres. Everything is converted to WGS-84 before a distance
is measured.

`wgs84_to_gcj02` is the published obfuscation algorithm (Krasovsky 1940 ellipsoid, the
polynomial offsets used by every open implementation — eviltransform, coordtransform); outside
mainland China's bounding box there is no offset. `gcj02_to_wgs84` inverts it by fixed-point
iteration to well under 0.01 m (the one-step inverse many libraries use is off by up to ~1 m).
"""

import math

A = 6378245.0  # Krasovsky 1940 semi-major axis (m)
EE = 0.00669342162296594323  # its first eccentricity squared
EARTH_RADIUS_M = 6371008.8  # mean Earth radius, for the haversine distance


def out_of_china(lat: float, lon: float) -> bool:
    return not (72.004 <= lon <= 137.8347 and 0.8293 <= lat <= 55.8271)


def _transform_lat(x: float, y: float) -> float:
    ret = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * math.sqrt(abs(x))
    ret += (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    ret += (20.0 * math.sin(y * math.pi) + 40.0 * math.sin(y / 3.0 * math.pi)) * 2.0 / 3.0
    ret += (160.0 * math.sin(y / 12.0 * math.pi) + 320 * math.sin(y * math.pi / 30.0)) * 2.0 / 3.0
    return ret


def _transform_lon(x: float, y: float) -> float:
    ret = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * math.sqrt(abs(x))
    ret += (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    ret += (20.0 * math.sin(x * math.pi) + 40.0 * math.sin(x / 3.0 * math.pi)) * 2.0 / 3.0
    ret += (150.0 * math.sin(x / 12.0 * math.pi) + 300.0 * math.sin(x / 30.0 * math.pi)) * 2.0 / 3.0
    return ret


def _offset(lat: float, lon: float) -> tuple[float, float]:
    d_lat = _transform_lat(lon - 105.0, lat - 35.0)
    d_lon = _transform_lon(lon - 105.0, lat - 35.0)
    rad_lat = lat / 180.0 * math.pi
    magic = 1 - EE * math.sin(rad_lat) ** 2
    sqrt_magic = math.sqrt(magic)
    d_lat = (d_lat * 180.0) / ((A * (1 - EE)) / (magic * sqrt_magic) * math.pi)
    d_lon = (d_lon * 180.0) / (A / sqrt_magic * math.cos(rad_lat) * math.pi)
    return d_lat, d_lon


def wgs84_to_gcj02(lat: float, lon: float) -> tuple[float, float]:
    if out_of_china(lat, lon):
        return lat, lon
    d_lat, d_lon = _offset(lat, lon)
    return lat + d_lat, lon + d_lon


def gcj02_to_wgs84(lat: float, lon: float, *, tolerance_deg: float = 1e-9) -> tuple[float, float]:
    if out_of_china(lat, lon):
        return lat, lon
    wgs_lat, wgs_lon = lat, lon
    for _ in range(30):
        g_lat, g_lon = wgs84_to_gcj02(wgs_lat, wgs_lon)
        err_lat, err_lon = g_lat - lat, g_lon - lon
        if abs(err_lat) < tolerance_deg and abs(err_lon) < tolerance_deg:
            break
        wgs_lat, wgs_lon = wgs_lat - err_lat, wgs_lon - err_lon
    return wgs_lat, wgs_lon


def to_wgs84(lat: float, lon: float, system: str) -> tuple[float, float]:
    if system == "gcj02":
        return gcj02_to_wgs84(lat, lon)
    if system == "wgs84":
        return lat, lon
    raise ValueError(f"unknown coordinate system {system!r}")


def haversine_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    d_p, d_l = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(d_p / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(d_l / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(h))


def distance_m(a: tuple[float, float, str], b: tuple[float, float, str]) -> float:
    """Metres between two (lat, lon, system) points, both taken to WGS-84 first."""
    lat1, lon1 = to_wgs84(float(a[0]), float(a[1]), a[2])
    lat2, lon2 = to_wgs84(float(b[0]), float(b[1]), b[2])
    return haversine_m(lat1, lon1, lat2, lon2)
