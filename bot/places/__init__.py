"""Places in Rotterdam: postcodes, gebieden and wijken (no Rasa imports).

Public API: :func:`parse_postcode`, :func:`gebied_for_pc4` (in ``bot.places.postcode``)
and :func:`resolve_location` returning a :class:`LocationResult`.
"""

from bot.places.areas import areas, haversine_km, normalise
from bot.places.postcode import gebied_for_pc4, parse_postcode
from bot.places.resolve import (
    CITYWIDE,
    OUTSIDE,
    LocationResult,
    location_from_key,
    location_key,
    resolve_location,
)

__all__ = [
    "CITYWIDE", "OUTSIDE", "LocationResult", "areas", "gebied_for_pc4", "haversine_km", "location_from_key",
    "location_key", "normalise", "parse_postcode", "resolve_location",
]
