"""The web app's pages and the htmx partials they call: sign-up, the remix form (with its credit
estimate), live job pages, history, lyrics downloads and the account page (credits, API keys,
webhook secret and deliveries). Every per-account object is fetched through a `_get_*_for_user`
helper, which answers 404 to anyone but its owner; every state change goes through services."""
from __future__ import annotations

import math
from dataclasses import replace

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import UserCreationForm
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRedirect, HttpResponseStopPolling

from . import eta, ledger, payloads, services
from .errors import UserError
from .forms import MAX_LYRICS, RemixForm
from .models import ApiKey, Conversion, CreditEntry, RemixTask, Upload, User, WebhookDelivery
from .report import RemixReport, VersionVocal

PROMPT_EXAMPLES = [
    "Make it lo-fi with chill beats",
    "Turn it into an 80s synthwave anthem",
    "Acoustic folk, slower, with warm guitar",
    "Upbeat house remix with a four-on-the-floor kick",
    "Jazzy piano trio, late night mood",
    "Epic orchestral version",
]
TASKS_PER_PAGE = 10
UPLOADS_PER_PAGE = 10
LEDGER_ROWS = 25
DELIVERY_ROWS = 20
STATUS_POLL_SECONDS = 2
REVIEW_POLL_SECONDS = 10  # a moderator decides in minutes, so a task awaiting review is asked about slowly
AWAITING_REVIEW_SHOWN = "awaiting-review"  # the slow poll's `shown`: the page already says it awaits review


# --- ownership helpers -----------------------------------------------------------------------


def _get_task_for_user(request: HttpRequest, task_id) -> RemixTask:
    return get_object_or_404(RemixTask.objects.select_related("upload"), pk=task_id, owner=request.user)


def _get_upload_for_user(request: HttpRequest, upload_id) -> Upload:
    return get_object_or_404(Upload, pk=upload_id, owner=request.user)


def _get_api_key_for_user(request: HttpRequest, key_id: int) -> ApiKey:
    return get_object_or_404(ApiKey, pk=key_id, user=request.user)


def _file_url(field_file, request: HttpRequest, download_name: str | None = None) -> str:
    """An expiring link to a stored result, or "" when there is no file."""
    if not field_file:
        return ""
    from . import files

    return files.signed_url(field_file, request=request, download_name=download_name)


# --- accounts --------------------------------------------------------------------------------


class SignupForm(UserCreationForm):
    email = forms.EmailField(required=False, help_text="Optional; only used to reset your password.")

    class Meta(UserCreationForm.Meta):
        model = User
        fields = ("username", "email")


@require_http_methods(["GET", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("home")
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        login(request, user, backend="remixes.auth.CachedModelBackend")
        messages.success(request, f"Welcome! Your account starts with {user.credit_balance} credits.")
        return redirect("home")
    return render(request, "registration/signup.html", {"form": form}, status=422 if form.errors else 200)


# --- the remix form --------------------------------------------------------------------------


def _form_context(request: HttpRequest, form: RemixForm) -> dict:
    return {
        "form": form,
        "examples": PROMPT_EXAMPLES,
        "max_lyrics": MAX_LYRICS,
        "balance": request.user.credit_balance,
        "uploads": form.fields["upload"].queryset,
        "max_upload_mb": settings.MAX_UPLOAD_MB,
        "max_minutes": settings.REMIX_MAX_SECONDS // 60,
    }


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return render(request, "remixes/landing.html", {"starter_credits": settings.STARTER_CREDITS})
    initial = {"strength": 0.5}
    reuse = request.GET.get("upload")
    if reuse:
        try:
            initial["upload"] = _get_upload_for_user(request, reuse).pk
        except (Http404, ValueError, forms.ValidationError):
            pass
    form = RemixForm(owner=request.user, initial=initial)
    return render(request, "remixes/home.html", _form_context(request, form))


@login_required
@require_POST
def remix_create(request: HttpRequest) -> HttpResponse:
    form = RemixForm(request.POST, request.FILES, owner=request.user)
    status = 422
    if form.is_valid():
        try:
            task = form.submit(request.user)
        except UserError as exc:
            form.add_error(None, exc.user_message)
            status = exc.status
        else:
            url = reverse("job", args=[task.task_id])
            return HttpResponseClientRedirect(url) if request.htmx else redirect(url)
    template = "remixes/home.html#remix-form" if request.htmx else "remixes/home.html"
    return render(request, template, _form_context(request, form), status=status)


@login_required
@require_GET
def remix_estimate(request: HttpRequest) -> HttpResponse:
    """Credits a remix would hold, from the length the browser read from the chosen file, a
    re-used upload's stored length, or the assumed length of a song given by URL."""
    seconds: float | None = None
    basis = "file"
    if request.GET.get("upload"):
        try:
            upload = _get_upload_for_user(request, request.GET["upload"])
        except (ValueError, forms.ValidationError):
            raise Http404 from None
        seconds, basis = upload.duration, "upload"
    elif request.GET.get("source") == "url":
        seconds, basis = float(settings.REMIX_URL_ESTIMATE_SECONDS), "url"
    else:
        try:
            seconds = float(request.GET.get("seconds", ""))
        except ValueError:
            seconds = None
        if seconds is not None and not (math.isfinite(seconds) and seconds > 0):
            seconds = None
    context = {"balance": request.user.credit_balance, "basis": basis, "seconds": seconds, "credits": None}
    if seconds:
        context["credits"] = services.price_for(seconds)
        context["too_long"] = seconds > settings.REMIX_MAX_SECONDS
        context["max_minutes"] = settings.REMIX_MAX_SECONDS // 60
        context["affordable"] = context["credits"] <= context["balance"]
    return render(request, "remixes/home.html#estimate", context)


# --- job pages -------------------------------------------------------------------------------


def _remaining_seconds(task: RemixTask) -> int | None:
    """The same estimate `byId` answers (remixes.eta), or None when finished."""
    return eta.seconds_left(task) or None


def _lyric_lines(timestamped) -> list[dict]:
    """Lines safe to render: numeric times, words optional."""
    lines = []
    for line in timestamped or []:
        if not isinstance(line, dict):
            continue
        try:
            start, end = float(line.get("start", 0)), float(line.get("end", 0))
        except (TypeError, ValueError):
            continue
        words = []
        for word in line.get("words") or []:
            try:
                words.append({"word": str(word["word"]), "start": float(word["start"]), "end": float(word["end"])})
            except (KeyError, TypeError, ValueError):
                continue
        lines.append({"text": str(line.get("text", "")), "start": start, "end": end, "words": words})
    return lines


def _vocal_of(report: RemixReport, index: int) -> VersionVocal | None:
    """What a version's vocal is (sung, kept or none) as the page shows it (the language by name, no note
    that repeats "Instrumental"), or None when the report does not say (older results)."""
    vocal = report.vocal(index)
    if vocal is None:
        return None
    note = vocal.note
    if vocal.kind == "none" and note.lower().startswith("instrumental"):
        note = ""  # the page says "Instrumental" already
    return replace(vocal, language=_language_name(vocal.language), note=note)


def _language_name(code) -> str:
    """"es" -> "Spanish"; an unknown code is shown as it is."""
    from django.utils.translation import get_language_info

    code = str(code or "").strip()
    try:
        return get_language_info(code)["name"] if code else ""
    except KeyError:
        return code


def _stem_links(request: HttpRequest, stems: tuple[tuple[str, object, str], ...]) -> list[dict]:
    """Download links of the stored stems among `stems` ((label, field file, download name) triples),
    in that order; an empty field (an instrumental version has no vocals) is left out."""
    return [{"label": label, "url": _file_url(field_file, request, name)} for label, field_file, name in stems
            if field_file]


def _version_cards(request: HttpRequest, task: RemixTask) -> list[dict]:
    by_index = {conv.index: conv for conv in task.conversions.all()}
    show = task.status == RemixTask.Status.COMPLETED and task.outputs_visible
    report = task.report
    cards = []
    for index in (1, 2):
        conv: Conversion | None = by_index.get(index)
        card = {
            "index": index,
            "conversion": conv,
            "ready": bool(show and conv and conv.has_audio),
            "peaks_id": f"peaks-{index}",
        }
        if card["ready"]:
            vocal = _vocal_of(report, index)
            lines = _lyric_lines(conv.lyrics_timestamped)
            if vocal and (vocal.kind == "none" or (vocal.kind == "kept" and not vocal.confident)):
                lines = []  # no words to show: the page says "Instrumental" or the transcript's note
            names = payloads.download_names(task, index)  # the names byId and the webhooks give them too
            card.update(
                mp3_url=_file_url(conv.mp3, request, names["mp3"]),
                wav_url=_file_url(conv.wav, request, names["wav"]),
                lines=lines,
                vocal=vocal,
                stems=_stem_links(request, (("vocals", conv.vocals_file, names["vocals"]),
                                            ("instrumental", conv.instrumental_file, names["instrumental"]))),
                peaks=conv.peaks or [],
                duration=conv.duration or 0,
            )
        cards.append(card)
    return cards


def _original_context(request: HttpRequest, task: RemixTask, report: RemixReport) -> dict:
    """The source song for the A/B player: its link, length, the tempo stretch that maps a version's
    time onto it (source time = (version time + offset) x stretch) and the source's stems once the remix is
    shown."""
    upload = task.upload
    show = task.status == RemixTask.Status.COMPLETED and task.outputs_visible  # beside the versions only
    return {
        "original_url": _file_url(upload.file, request) if show and upload.file else "",
        "original_duration": upload.duration or 0,
        "original_peaks": upload.peaks or [],
        "stretch": report.stretch,
        "offset": report.offset,
        "repeat": ",".join(f"{x:.3f}" for x in report.repeat),
        "reversed": report.reversed,
        "source_stems": _stem_links(request, tuple(
            (stem, getattr(task, f"source_{stem}_file"), payloads.source_download_name(task, stem))
            for stem in ("vocals", "accompaniment")
        )) if show else [],
    }


def _status_context(task: RemixTask) -> dict:
    """What the polling status partial needs, and no more: it is asked for every 2 s (10 s while
    a finished task awaits review)."""
    awaiting_review = task.awaiting_review
    refund = None
    if task.status == RemixTask.Status.FAILED:
        refund = ledger.refunded(task)
    return {
        "task": task,
        "position": eta.queue_position(task),  # place in line: tasks queued before it, not yet started
        "tasks_ahead": eta.tasks_ahead(task),  # what `remaining` waits for: those plus the running ones
        "remaining": _remaining_seconds(task),
        "refund": refund,
        "awaiting_review": awaiting_review,
        "poll_seconds": REVIEW_POLL_SECONDS if awaiting_review else STATUS_POLL_SECONDS,
        "awaiting_review_shown": AWAITING_REVIEW_SHOWN,
    }


def _job_context(request: HttpRequest, task: RemixTask) -> dict:
    report = task.report
    show_outputs = task.status == RemixTask.Status.COMPLETED and task.outputs_visible
    return {
        **_status_context(task),
        "plan": report if show_outputs else None,  # summary, understood, facts, ignored_words, notes
        "show_outputs": show_outputs,
        "cover_url": _file_url(task.cover, request) if show_outputs else "",
        "cards": _version_cards(request, task),
        **_original_context(request, task, report),
    }


@login_required
@require_GET
def job(request: HttpRequest, task_id) -> HttpResponse:
    task = services.task_for_status(task_id, request.user.pk)
    if task is None:
        raise Http404("No such remix.")
    if not request.htmx:
        return render(request, "remixes/job.html", _job_context(request, task))
    if not task.is_finished:
        return render(request, "remixes/job.html#status", _status_context(task))
    awaiting_review = task.awaiting_review
    if awaiting_review and request.GET.get("shown") == AWAITING_REVIEW_SHOWN:
        return HttpResponse(status=204)  # nothing changes until a moderator decides
    # Finished: the results replace their placeholders out of band and polling stops; a task
    # held for review shows so once, and polling slows down until the moderator's decision.
    context = _job_context(request, task)
    html = render_to_string("remixes/job.html#status", context, request)
    html += render_to_string("remixes/job.html#results", {**context, "oob": True}, request)
    if awaiting_review:
        html += render_to_string("remixes/job.html#poll", {**context, "oob": True}, request)
        return HttpResponse(html)
    return HttpResponseStopPolling(html)


@login_required
@require_GET
def job_chip(request: HttpRequest, task_id) -> HttpResponse:
    task = _get_task_for_user(request, task_id)
    html = render_to_string("remixes/history.html#chip", {"task": task}, request)
    still_changing = not task.is_finished or task.awaiting_review
    return HttpResponse(html) if still_changing else HttpResponseStopPolling(html)


@login_required
@require_POST
def job_delete(request: HttpRequest, task_id) -> HttpResponse:
    task = _get_task_for_user(request, task_id)
    try:
        services.delete_task(task)
    except UserError as exc:
        return HttpResponse(exc.user_message, status=exc.status)
    if request.htmx and request.htmx.target == f"task-{task_id}":
        return HttpResponse("")
    messages.success(request, "The remix and its files were deleted.")
    return HttpResponseClientRedirect(reverse("history")) if request.htmx else redirect("history")


@login_required
@require_POST
def upload_delete(request: HttpRequest, upload_id) -> HttpResponse:
    upload = _get_upload_for_user(request, upload_id)
    try:
        services.delete_upload(upload)
    except UserError as exc:
        return HttpResponse(exc.user_message, status=exc.status)
    messages.success(request, f"“{upload.display_name}” and its remixes were deleted.")
    return HttpResponseClientRedirect(reverse("history")) if request.htmx else redirect("history")


def _lyrics_conversion(request: HttpRequest, task_id, index: int) -> Conversion:
    task = _get_task_for_user(request, task_id)
    if task.status != RemixTask.Status.COMPLETED or not task.outputs_visible:
        raise Http404("These lyrics are not available.")
    return get_object_or_404(Conversion, task=task, index=index)


def _attachment(response: HttpResponse, filename: str) -> HttpResponse:
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
@require_GET
def lyrics_lrc(request: HttpRequest, task_id, index: int) -> HttpResponse:
    from .engine.vocals.lrc import to_lrc

    conv = _lyrics_conversion(request, task_id, index)
    body = to_lrc(conv.lyrics_timestamped or [])
    response = HttpResponse(body, content_type="text/plain; charset=utf-8")
    return _attachment(response, f"remix-{str(task_id)[:8]}-v{index}.lrc")


@login_required
@require_GET
def lyrics_json(request: HttpRequest, task_id, index: int) -> HttpResponse:
    conv = _lyrics_conversion(request, task_id, index)
    payload = {
        "task_id": str(conv.task_id),
        "conversion_id": str(conv.conversion_id),
        "lyrics": conv.lyrics,
        "lyrics_timestamped": conv.lyrics_timestamped or [],
    }
    response = JsonResponse(payload, json_dumps_params={"ensure_ascii": False, "indent": 2})
    return _attachment(response, f"remix-{str(task_id)[:8]}-v{index}.json")


# --- history ---------------------------------------------------------------------------------


@login_required
@require_GET
def history(request: HttpRequest) -> HttpResponse:
    tasks = RemixTask.objects.filter(owner=request.user).select_related("upload")
    page = Paginator(tasks, TASKS_PER_PAGE).get_page(request.GET.get("page"))
    rows = []
    for task in page:
        thumb = task.cover_thumb or task.cover
        rows.append(
            {"task": task, "thumb_url": _file_url(thumb, request) if task.outputs_visible and thumb else ""}
        )
    uploads = (
        Upload.objects.filter(owner=request.user)
        .annotate(remix_count=Count("tasks"))
        .order_by("-created_at")
    )
    songs = Paginator(uploads, UPLOADS_PER_PAGE).get_page(request.GET.get("songs"))
    return render(request, "remixes/history.html", {"page": page, "rows": rows, "songs": songs})


# --- account ---------------------------------------------------------------------------------


def _account_context(request: HttpRequest, **extra) -> dict:
    user = request.user
    return {
        "balance": user.credit_balance,
        "ledger": CreditEntry.objects.filter(user=user).select_related("task")[:LEDGER_ROWS],
        "api_keys": ApiKey.objects.filter(user=user),
        "deliveries": WebhookDelivery.objects.filter(user=user).select_related("task")[:DELIVERY_ROWS],
        "secret": None,
        "new_key": None,
        **extra,
    }


def _render_account(request: HttpRequest, partial: str, **extra) -> HttpResponse:
    template = f"remixes/account.html#{partial}" if request.htmx else "remixes/account.html"
    return render(request, template, _account_context(request, **extra))


@login_required
@require_GET
def account(request: HttpRequest) -> HttpResponse:
    return render(request, "remixes/account.html", _account_context(request))


@login_required
@require_POST
def api_key_create(request: HttpRequest) -> HttpResponse:
    from . import apikeys

    name = request.POST.get("name", "").strip()[:100]
    key, raw = apikeys.create_api_key(request.user, name)
    return _render_account(request, "api-keys", new_key={"key": key, "raw": raw})


@login_required
@require_POST
def api_key_revoke(request: HttpRequest, key_id: int) -> HttpResponse:
    from . import apikeys

    key = _get_api_key_for_user(request, key_id)
    if key.is_active:
        apikeys.revoke_api_key(key)
    return _render_account(request, "api-keys")


@login_required
@require_GET
def webhook_secret(request: HttpRequest) -> HttpResponse:
    return _render_account(request, "secret", secret=request.user.webhook_secret)


@login_required
@require_POST
def webhook_secret_rotate(request: HttpRequest) -> HttpResponse:
    from . import webhooks

    secret = webhooks.rotate_webhook_secret(request.user)
    return _render_account(request, "secret", secret=secret, rotated=True)

