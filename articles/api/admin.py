"""Partners in the admin: their keys (the key shown once, at creation), usage by day, webhooks and
each delivery with its response code."""

import datetime

from django.contrib import admin, messages
from django.contrib.admin.options import IS_POPUP_VAR
from django.db.models import Q, Sum
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone

from .models import ApiKey, DailyUsage, Delivery, Partner, Webhook, Withdrawal

USAGE_DAYS = 14


class ApiKeyInline(admin.TabularInline):
    model = ApiKey
    extra = 0
    fields = ["name", "prefix", "rate_limit", "expires_at", "state", "last_used_on", "created_at"]
    readonly_fields = ["prefix", "state", "last_used_on", "created_at"]
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False  # a key is made with "Add an API key" (the partner's page), which shows it once

    @admin.display(description="state")
    def state(self, key):
        return key.state


class WebhookInline(admin.TabularInline):
    model = Webhook
    extra = 0
    fields = ["url", "is_active", "created_at"]
    readonly_fields = ["created_at"]
    show_change_link = True


@admin.register(Partner)
class PartnerAdmin(admin.ModelAdmin):
    list_display = ["name", "contact_email", "is_active", "requests_today", "created_at"]
    list_filter = ["is_active"]
    search_fields = ["name", "contact_name", "contact_email"]
    inlines = [ApiKeyInline, WebhookInline]
    readonly_fields = ["usage"]
    fieldsets = [
        (None, {"fields": ["name", "contact_name", "contact_email", "is_active", "notes"]}),
        ("Usage", {"fields": ["usage"]}),
    ]

    def get_inlines(self, request, obj):
        """The keys' table only once the partner has a key: keys are added from "Add an API key for this
        partner", and an empty table with nothing to focus is a scrolling region a keyboard cannot reach
        on a phone (axe's scrollable-region-focusable)."""
        if obj is None or not obj.keys.exists():
            return [inline for inline in self.inlines if inline is not ApiKeyInline]
        return self.inlines

    def change_view(self, request, object_id, form_url="", extra_context=None):
        """The partner's page links to a new key for this partner (made by ``ApiKeyAdmin``, shown once)."""
        extra_context = extra_context or {}
        if request.user.has_perm("syndication.add_apikey"):
            extra_context["add_key_url"] = f"{reverse('admin:syndication_apikey_add')}?{ApiKeyAdmin.FROM_PARTNER}={object_id}"
        return super().change_view(request, object_id, form_url, extra_context)

    def get_queryset(self, request):
        today = timezone.now().date()
        return super().get_queryset(request).annotate(
            today_requests=Sum("keys__usage__requests", filter=Q(keys__usage__day=today))
        )

    @admin.display(description="requests today", ordering="today_requests")
    def requests_today(self, partner):
        return partner.today_requests or 0

    @admin.display(description=f"requests a day, last {USAGE_DAYS} days (refused for the rate limit)")
    def usage(self, partner):
        if partner.pk is None:
            return "—"
        since = timezone.now().date() - datetime.timedelta(days=USAGE_DAYS - 1)
        rows = (
            DailyUsage.objects.filter(key__partner=partner, day__gte=since)
            .values("day").annotate(requests=Sum("requests"), refused=Sum("refused")).order_by("-day")
        )
        return "; ".join(f"{r['day']:%d %b}: {r['requests']} ({r['refused']})" for r in rows) or "No requests yet."


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    list_display = ["__str__", "partner", "rate_limit", "expires_at", "state", "last_used_on"]
    list_filter = ["partner"]
    list_select_related = ["partner"]
    search_fields = ["name", "prefix", "partner__name"]
    fields = ["partner", "name", "rate_limit", "expires_at", "prefix", "created_at", "revoked_at", "last_used_on"]
    readonly_fields = ["prefix", "created_at", "revoked_at", "last_used_on"]
    actions = ["revoke"]
    # The partner's "Add an API key" link: the form starts with that partner chosen (Django's initial
    # data from the address), and saving returns to the partner's page, the key shown once above it.
    FROM_PARTNER = "partner"

    @admin.display(description="state")
    def state(self, key):
        return key.state

    def get_readonly_fields(self, request, obj=None):
        return [*self.readonly_fields, "partner"] if obj else self.readonly_fields

    def save_model(self, request, obj, form, change):
        if change:
            return super().save_model(request, obj, form, change)
        made, raw = ApiKey.issue(partner=obj.partner, name=obj.name, rate_limit=obj.rate_limit, expires_at=obj.expires_at)
        obj.pk, obj.prefix, obj.key_hash, obj.created_at = made.pk, made.prefix, made.key_hash, made.created_at
        obj._state.adding = False
        messages.warning(
            request, f"The new key is {raw} — copy it now and give it to {obj.partner}: it is stored hashed and never shown again."
        )

    def response_add(self, request, obj, post_url_continue=None):
        response = super().response_add(request, obj, post_url_continue)
        came_from_partner = request.GET.get(self.FROM_PARTNER) == str(obj.partner_id)
        if came_from_partner and not {"_continue", "_addanother", IS_POPUP_VAR} & set(request.POST):
            return redirect("admin:syndication_partner_change", obj.partner_id)
        return response

    @admin.action(description="Revoke the selected keys (they stop working at once)", permissions=["change"])
    def revoke(self, request, queryset):
        count = queryset.filter(revoked_at=None).update(revoked_at=timezone.now())
        messages.success(request, f"Revoked {count} key(s).")


@admin.register(Webhook)
class WebhookAdmin(admin.ModelAdmin):
    list_display = ["url", "partner", "is_active", "created_at"]
    list_filter = ["is_active", "partner"]
    list_select_related = ["partner"]
    readonly_fields = ["secret", "created_at"]


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = ["created_at", "event", "slug", "webhook", "state", "last_status", "attempts", "next_attempt_at"]
    list_filter = ["state", "event", "webhook__partner"]
    list_select_related = ["webhook__partner"]
    search_fields = ["slug", "webhook__url"]
    readonly_fields = [f.name for f in Delivery._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Withdrawal)
class WithdrawalAdmin(admin.ModelAdmin):
    list_display = ["slug", "title", "reason", "moved_to", "withdrawn_at"]
    list_filter = ["reason"]
    search_fields = ["slug", "title"]
    readonly_fields = ["slug", "title", "reason", "moved_to", "withdrawn_at"]

    def has_add_permission(self, request):
        return False
