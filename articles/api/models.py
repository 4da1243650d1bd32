"""Partners, their API keys and daily usage, webhooks and deliveries, and withdrawal tombstones."""

import datetime
import hashlib
import hmac
import secrets

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

KEY_PREFIX = "vt"


def hash_key(raw_key):
    """The stored form of a key: SHA-256 (keys are 256-bit random, so a slow hash adds nothing)."""
    return hashlib.sha256(raw_key.encode()).hexdigest()


class Partner(models.Model):
    """An organisation that republishes our reviewed articles (a GP surgery, a pharmacy, an app)."""

    name = models.CharField(max_length=200, unique=True)
    contact_name = models.CharField(max_length=200, blank=True)
    contact_email = models.EmailField(help_text="Who we write to about their keys, limits and webhooks.")
    notes = models.TextField(blank=True, help_text="The agreement, what they publish where; staff only.")
    is_active = models.BooleanField(
        "active", default=True, help_text="An inactive partner's keys are refused (403) and its webhooks are not sent."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = "partner"
        verbose_name_plural = "partners"

    def __str__(self):
        return self.name


class ApiKeyQuerySet(models.QuerySet):
    def usable(self, now=None):
        """Keys that open the API now: not revoked, not expired, of an active partner."""
        now = now or timezone.now()
        return self.filter(revoked_at=None, partner__is_active=True).filter(
            models.Q(expires_at=None) | models.Q(expires_at__gt=now)
        )


class ApiKey(models.Model):
    """One key of a partner. The key itself is shown once, when made; only its hash is stored."""

    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="keys")
    name = models.CharField(max_length=100, help_text='What it is for, e.g. "surgery website" or "staging".')
    prefix = models.CharField(
        max_length=16, unique=True, editable=False, help_text="The key's first characters, to tell keys apart."
    )
    key_hash = models.CharField(max_length=64, editable=False)
    rate_limit = models.PositiveIntegerField(
        "requests a minute",
        default=100,
        validators=[MinValueValidator(1), MaxValueValidator(100_000)],
        help_text="More in one minute are refused with 429 and a Retry-After header.",
    )
    expires_at = models.DateTimeField(
        "expires", null=True, blank=True, help_text="Optional: the key stops working at this time (403)."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField("revoked", null=True, blank=True, editable=False)
    last_used_on = models.DateField("last used", null=True, blank=True, editable=False)

    objects = ApiKeyQuerySet.as_manager()

    class Meta:
        ordering = ["partner", "-created_at"]
        verbose_name = "API key"
        verbose_name_plural = "API keys"

    def __str__(self):
        return f"{self.partner}: {self.name} ({self.prefix}…)"

    @classmethod
    def issue(cls, *, partner, name, rate_limit=100, expires_at=None):
        """Make a key for ``partner``: returns ``(ApiKey, raw key)``. The raw key is never stored."""
        prefix = secrets.token_hex(4)
        raw = f"{KEY_PREFIX}_{prefix}_{secrets.token_urlsafe(32)}"
        key = cls.objects.create(
            partner=partner, name=name, prefix=prefix, key_hash=hash_key(raw), rate_limit=rate_limit, expires_at=expires_at
        )
        return key, raw

    def matches(self, raw_key):
        return hmac.compare_digest(self.key_hash, hash_key(raw_key))

    def is_expired(self, now=None):
        return self.expires_at is not None and self.expires_at <= (now or timezone.now())

    def revoke(self):
        if self.revoked_at is None:
            self.revoked_at = timezone.now()
            self.save(update_fields=["revoked_at"])

    @property
    def state(self):
        if self.revoked_at:
            return "revoked"
        if self.is_expired():
            return "expired"
        return "active"


class DailyUsage(models.Model):
    """How many requests a key made on one day (UTC), shown in the partner's admin page."""

    key = models.ForeignKey(ApiKey, on_delete=models.CASCADE, related_name="usage")
    day = models.DateField()
    requests = models.PositiveIntegerField(default=0)
    refused = models.PositiveIntegerField(default=0, help_text="Requests refused for the rate limit.")

    class Meta:
        ordering = ["-day"]
        verbose_name = "daily usage"
        verbose_name_plural = "daily usage"
        constraints = [models.UniqueConstraint(fields=["key", "day"], name="syndication_usage_key_day")]

    def __str__(self):
        return f"{self.key} on {self.day}: {self.requests}"


class Withdrawal(models.Model):
    """A tombstone: an article that was public at ``slug`` is not any more (unpublished, archived,
    deleted, or moved to ``moved_to``). Partners read these from the ``modified_since`` feed and take
    their copy down. Dropped when an article is public at the slug again."""

    class Reason(models.TextChoices):
        UNPUBLISHED = "unpublished", "Unpublished"
        ARCHIVED = "archived", "Archived"
        DELETED = "deleted", "Deleted"
        MOVED = "moved", "Moved to a new address"

    slug = models.SlugField(max_length=200, unique=True)
    title = models.CharField(max_length=200, blank=True)
    reason = models.CharField(max_length=20, choices=Reason.choices)
    withdrawn_at = models.DateTimeField(default=timezone.now, db_index=True)
    moved_to = models.CharField(max_length=200, blank=True, help_text="The article's new slug, when it moved.")

    class Meta:
        ordering = ["-withdrawn_at", "-id"]
        verbose_name = "withdrawal"
        verbose_name_plural = "withdrawals"
        indexes = [models.Index(fields=["withdrawn_at", "id"], name="syndication_withdrawn_idx")]

    def __str__(self):
        return f"{self.slug} ({self.get_reason_display()})"


class Webhook(models.Model):
    """A partner's HTTPS address that receives a signed POST when an article it can see changes."""

    class Event(models.TextChoices):
        PUBLISHED = "published", "Published"
        UPDATED = "updated", "Updated"
        REVIEWED = "reviewed", "Reviewed"
        WITHDRAWN = "withdrawn", "Withdrawn"

    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="webhooks")
    url = models.URLField("URL", max_length=500, help_text="Must be https://.")
    secret = models.CharField(
        max_length=64, editable=False, default=secrets.token_hex,
        help_text="Shared secret for the X-Vetted-Signature header; shown to staff to give to the partner.",
    )
    is_active = models.BooleanField("active", default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["partner", "url"]
        verbose_name = "webhook"
        verbose_name_plural = "webhooks"

    def __str__(self):
        return f"{self.partner}: {self.url}"

    def clean(self):
        if self.url and not self.url.lower().startswith("https://"):
            raise ValidationError({"url": "A webhook must use https:// so its contents and signature travel encrypted."})


class Delivery(models.Model):
    """One event sent (or being sent) to one webhook, with every attempt's outcome."""

    class State(models.TextChoices):
        PENDING = "pending", "Waiting to be sent"
        DELIVERED = "delivered", "Delivered"
        RETRYING = "retrying", "Failed, will retry"
        FAILED = "failed", "Gave up"

    webhook = models.ForeignKey(Webhook, on_delete=models.CASCADE, related_name="deliveries")
    event = models.CharField(max_length=20, choices=Webhook.Event.choices)
    slug = models.SlugField(max_length=200)
    payload = models.JSONField()
    state = models.CharField(max_length=20, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_status = models.PositiveSmallIntegerField("last response code", null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "webhook delivery"
        verbose_name_plural = "webhook deliveries"
        indexes = [models.Index(fields=["webhook", "-created_at"], name="syndication_delivery_idx")]

    def __str__(self):
        return f"{self.event} {self.slug} → {self.webhook.url}"


# Webhook retries: after each failure, wait the next of these; stop once a day has passed.
RETRY_DELAYS = [datetime.timedelta(minutes=m) for m in (1, 5, 15, 60, 180, 360, 720, 1440)]
RETRY_WINDOW = datetime.timedelta(days=1)
