"""The Django admin, arranged for moderation: remix tasks open on a review queue of flagged tasks
(filter by review state) with both versions playable and their timed lyrics inline, and approve /
reject as list actions and as buttons on a task's page. Reviews go through services.review_task,
which records the reviewer and the time."""
from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.http import HttpRequest, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.views.decorators.http import require_POST

from . import files, ledger, services
from .models import ApiKey, Conversion, CreditEntry, RemixTask, Upload, User, WebhookDelivery


def _link(field_file) -> str:
    """A signed link to a stored file, relative when it points at this site (the admin has no
    request at hand when it renders read-only fields)."""
    url = files.signed_url(field_file)
    return urlsplit(url)._replace(scheme="", netloc="").geturl() if url.startswith(settings.SITE_URL) else url


def _clock(seconds: float) -> str:
    return f"{int(seconds) // 60}:{seconds % 60:05.2f}"


class ConversionInline(admin.StackedInline):
    model = Conversion
    extra = 0
    max_num = 0
    can_delete = False
    fields = ("index", "player", "duration", "timed_lyrics")
    readonly_fields = fields

    @admin.display(description="Audio")
    def player(self, obj: Conversion) -> str:
        if not obj.mp3:
            return "–"
        return format_html(
            '<audio controls preload="none" src="{}"></audio><br><a href="{}">mp3</a>{}{}',
            _link(obj.mp3),
            _link(obj.mp3),
            format_html(' · <a href="{}">wav</a>', _link(obj.wav)) if obj.wav else "",
            format_html_join("", ' · <a href="{}">{}</a>', ((_link(f), name) for name, f in obj.stem_files().items())),
        )

    @admin.display(description="Lyrics")
    def timed_lyrics(self, obj: Conversion) -> str:
        lines = [line for line in obj.lyrics_timestamped or [] if isinstance(line, dict)]
        if not lines:
            return obj.lyrics or "–"
        return format_html(
            '<ol class="timed-lyrics">{}</ol>',
            format_html_join(
                "", "<li><code>{}</code> {}</li>", ((_clock(float(l.get("start", 0))), l.get("text", "")) for l in lines)
            ),
        )


@admin.action(description="Approve selected remixes (serve their audio)")
def approve(modeladmin, request: HttpRequest, queryset) -> None:
    for task in queryset:
        services.review_task(task, request.user, approve=True)
    modeladmin.message_user(request, f"Approved {queryset.count()} remix(es).", messages.SUCCESS)


@admin.action(description="Reject selected remixes (keep their audio hidden)")
def reject(modeladmin, request: HttpRequest, queryset) -> None:
    for task in queryset:
        services.review_task(task, request.user, approve=False)
    modeladmin.message_user(request, f"Rejected {queryset.count()} remix(es).", messages.WARNING)


@admin.register(RemixTask)
class RemixTaskAdmin(admin.ModelAdmin):
    change_form_template = "admin/remixes/remixtask/change_form.html"
    list_display = ("short_id", "owner", "prompt_excerpt", "status", "review_state", "flag_reason", "created_at")
    list_filter = ("review_state", "is_flagged", "status", "via_api", "provider")
    search_fields = ("task_id", "owner__username", "prompt", "lyrics", "flag_reason")
    list_select_related = ("owner",)
    date_hierarchy = "created_at"
    actions = [approve, reject]
    inlines = [ConversionInline]
    fieldsets = (
        ("Review", {"fields": ("is_flagged", "flag_reason", "review_state", "reviewed_by", "reviewed_at", "cover_preview")}),
        ("Request", {"fields": ("owner", "upload", "prompt", "lyrics", "gender", "options", "webhook_url", "via_api")}),
        ("Progress", {"fields": ("status", "status_msg", "stage", "progress", "attempts", "provider", "provider_task_id",
                                 "credit_estimate", "cost", "created_at", "started_at", "finished_at")}),
        ("Style plan", {"classes": ("collapse",), "fields": ("style_plan",)}),
    )
    readonly_fields = tuple(name for _, spec in fieldsets for name in spec["fields"])

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # tasks are created by submitting a remix, never by hand

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return super().has_delete_permission(request, obj) and (obj is None or obj.is_finished)

    def delete_model(self, request: HttpRequest, obj: RemixTask) -> None:
        services.delete_task(obj)  # removes the stored files too

    def delete_queryset(self, request: HttpRequest, queryset) -> None:
        for task in queryset.filter(status__in=RemixTask.FINISHED):
            services.delete_task(task)

    def get_urls(self):
        return [
            path("<uuid:task_id>/review/", self.admin_site.admin_view(self.review_view), name="remixes_remixtask_review"),
        ] + super().get_urls()

    def review_view(self, request: HttpRequest, task_id):
        return require_POST(self._review)(request, task_id)

    def _review(self, request: HttpRequest, task_id):
        task = get_object_or_404(RemixTask, pk=task_id)
        if not self.has_change_permission(request, task):
            return HttpResponseRedirect(reverse("admin:index"))
        approved = request.POST.get("decision") == "approve"
        services.review_task(task, request.user, approve=approved)
        self.message_user(request, "Approved: its audio is served." if approved else "Rejected: its audio stays hidden.")
        return HttpResponseRedirect(reverse("admin:remixes_remixtask_change", args=[task.pk]))

    @admin.display(description="Task", ordering="created_at")
    def short_id(self, obj: RemixTask) -> str:
        return str(obj.task_id)[:8]

    @admin.display(description="Prompt")
    def prompt_excerpt(self, obj: RemixTask) -> str:
        return obj.prompt[:60] + ("…" if len(obj.prompt) > 60 else "")

    @admin.display(description="Cover")
    def cover_preview(self, obj: RemixTask) -> str:
        if not obj.cover:
            return "–"
        return format_html('<img src="{}" alt="Cover" width="160" height="160">', _link(obj.cover))


@admin.register(User)
class RemixUserAdmin(UserAdmin):
    list_display = ("username", "email", "is_staff", "date_joined", "balance")

    @admin.display(description="Credits")
    def balance(self, obj: User) -> str:
        return str(obj.credit_balance)


@admin.register(CreditEntry)
class CreditEntryAdmin(admin.ModelAdmin):
    """The ledger is append-only: entries are read here, credits are granted with a new entry."""

    list_display = ("created_at", "user", "kind", "amount", "note", "task")
    list_filter = ("kind",)
    search_fields = ("user__username", "note")
    raw_id_fields = ("user", "task")

    def get_readonly_fields(self, request: HttpRequest, obj=None):
        return ("user", "task", "kind", "amount", "note", "created_at") if obj else ()

    def get_fields(self, request: HttpRequest, obj=None):
        return ("user", "task", "kind", "amount", "note", "created_at") if obj else ("user", "amount", "note")

    def save_model(self, request: HttpRequest, obj: CreditEntry, form, change: bool) -> None:
        if change:
            return  # read-only: the ledger is never edited in place
        entry = ledger.grant(obj.user_id, obj.amount, obj.note)  # the admin adds grants, through the ledger
        obj.pk, obj.kind, obj.created_at = entry.pk, entry.kind, entry.created_at

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(Upload)
class UploadAdmin(admin.ModelAdmin):
    list_display = ("display_name", "owner", "duration", "size", "created_at")
    search_fields = ("original_name", "source_url", "owner__username", "sha256")
    readonly_fields = ("owner", "file", "original_name", "source_url", "size", "sha256", "duration", "sample_rate",
                       "channels", "created_at")


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    list_display = ("prefix", "user", "name", "created_at", "last_used_at", "revoked_at")
    list_filter = (("revoked_at", admin.EmptyFieldListFilter),)
    search_fields = ("prefix", "user__username", "name")
    readonly_fields = ("user", "prefix", "key_hash", "created_at", "last_used_at")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # keys are made on the account page or with `manage.py create_api_key`


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin):
    list_display = ("created_at", "user", "event", "url", "status", "attempts", "last_status_code")
    list_filter = ("status", "event")
    search_fields = ("webhook_id", "url", "user__username")
    readonly_fields = ("webhook_id", "user", "task", "url", "event", "payload", "attempts", "last_status_code",
                       "last_error", "attempt_log", "created_at", "updated_at")


@admin.register(Conversion)
class ConversionAdmin(admin.ModelAdmin):
    list_display = ("conversion_id", "task", "index", "duration")
    readonly_fields = ("task", "index", "mp3", "wav", "vocals_file", "instrumental_file", "duration", "lyrics",
                       "lyrics_timestamped", "peaks")
