from django.db import models


class WorkerHeartbeat(models.Model):
    """The last time a Celery worker ran the heartbeat task (one row per worker host)."""

    worker = models.CharField(max_length=200, unique=True)
    beat_at = models.DateTimeField()

    class Meta:
        ordering = ["-beat_at"]

    def __str__(self) -> str:
        return f"{self.worker} at {self.beat_at:%Y-%m-%d %H:%M:%S}"


class DemoObject(models.Model):
    """A part of the demo that ``seed_demo`` made, under a key of its own ("program:cohort").

    A later seed finds its objects by these keys, never by names or ordering that people
    using the demo may change, and leaves them as those people left them."""

    key = models.CharField(max_length=60, unique=True)
    object_id = models.PositiveBigIntegerField(null=True, blank=True)
    made_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["key"]

    def __str__(self) -> str:
        return f"{self.key}: {self.object_id}"
