"""Django's JSON serialisation format, keeping datetimes to the microsecond.

Django's own JSON encoder cuts datetimes and times to milliseconds, so a
``dumpdata``/``loaddata`` round trip would move every timestamp and could turn
"changed after the review" into "changed at the same moment". Registered as the
``json`` format in settings (SERIALIZATION_MODULES); reading is Django's own.
"""

import datetime

from django.core.serializers.json import Deserializer as JSONDeserializer
from django.core.serializers.json import DjangoJSONEncoder
from django.core.serializers.json import Serializer as JSONSerializer

__all__ = ["Deserializer", "Serializer"]

Deserializer = JSONDeserializer


class ExactJSONEncoder(DjangoJSONEncoder):
    """DjangoJSONEncoder, but datetimes and times keep their microseconds."""

    def default(self, o):
        if isinstance(o, datetime.datetime):
            text = o.isoformat()
            return text[:-6] + "Z" if text.endswith("+00:00") else text
        if isinstance(o, datetime.time):
            return o.isoformat()
        return super().default(o)


class Serializer(JSONSerializer):
    def _init_options(self):
        super()._init_options()
        self.json_kwargs["cls"] = ExactJSONEncoder
