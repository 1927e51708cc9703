"""One row per rate-limit bucket (see riverains.ratelimit): how many attempts in its window,
and when the window ends (milliseconds since the epoch: compared alike by SQLite and PostgreSQL
in the one raw statement that counts)."""
from django.db import models


class Counter(models.Model):
    bucket = models.CharField(max_length=120, primary_key=True)
    hits = models.PositiveIntegerField(default=0)
    expires = models.BigIntegerField(db_index=True)

    class Meta:
        db_table = "ratelimit_counter"

    def __str__(self):
        return f"{self.bucket}: {self.hits}"
