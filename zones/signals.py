"""zone_reached: a current notice's zone reaches communes it does not list, whose subscribers
the territory wants told (sent inside the transaction that stored the zone; the relay listens
and writes its outbox there, so the rows commit or roll back with the zone).
kwargs: notice, revision, zone, communes (INSEE codes)."""
from django.dispatch import Signal

zone_reached = Signal()
