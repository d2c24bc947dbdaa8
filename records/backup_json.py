"""The JSON format of backups: Django's, with timestamps to the microsecond.

Django's encoder cuts datetimes to milliseconds, so a restore would change
every timestamp (history rows, signatures, "signed at") by up to a
millisecond. Backups are written with this format (``"backup_json"`` in
``SERIALIZATION_MODULES``); they are read back by Django's own JSON
deserializer, which takes the full precision.
"""

from __future__ import annotations

import datetime

from django.core.serializers.json import Deserializer, DjangoJSONEncoder
from django.core.serializers.json import Serializer as JSONSerializer

__all__ = ["Deserializer", "Serializer"]


class FullPrecisionEncoder(DjangoJSONEncoder):
    def default(self, o):
        if isinstance(o, datetime.datetime):
            text = o.isoformat()
            return text[:-6] + "Z" if text.endswith("+00:00") else text
        if isinstance(o, datetime.time):
            return o.isoformat()
        return super().default(o)


class Serializer(JSONSerializer):
    def _init_options(self):
        self.options.setdefault("cls", FullPrecisionEncoder)
        super()._init_options()
