"""RemixForm: the one validator of a remix request, used by the web form and the public API alike,
so both give the same field errors for the same input."""
from __future__ import annotations

import tempfile
from pathlib import Path
from urllib.parse import urlsplit

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile

from . import safehttp, services
from .models import RemixTask, Upload

MAX_LYRICS = 2000
MAX_PROMPT = 1000
AUDIO_SUFFIXES = {"mp3", "wav", "ogg", "oga", "flac", "m4a", "aac", "mp4", "opus", "webm", "aif", "aiff"}


def probe_uploaded_file(uploaded: UploadedFile) -> services.AudioFacts:
    """Read an uploaded file's duration and format, or raise ValidationError with the engine's words."""
    from .engine import EngineError, probe

    suffix = Path(uploaded.name or "").suffix.lower()[:6]
    try:
        if hasattr(uploaded, "temporary_file_path"):
            info = probe(uploaded.temporary_file_path(), max_seconds=settings.REMIX_MAX_SECONDS)
        else:
            with tempfile.NamedTemporaryFile(suffix=suffix) as tmp:
                uploaded.seek(0)
                for chunk in uploaded.chunks():
                    tmp.write(chunk)
                tmp.flush()
                info = probe(tmp.name, max_seconds=settings.REMIX_MAX_SECONDS)
    except EngineError as exc:
        raise forms.ValidationError(exc.user_message, code="audio") from None
    finally:
        uploaded.seek(0)
    return services.AudioFacts(duration=info.duration, sample_rate=info.sample_rate, channels=info.channels)


class RemixForm(forms.Form):
    audio_file = forms.FileField(required=False, allow_empty_file=False)
    audio_url = forms.CharField(required=False, max_length=2048, strip=True)
    upload = forms.ModelChoiceField(queryset=Upload.objects.none(), required=False, to_field_name="id")
    prompt = forms.CharField(max_length=MAX_PROMPT, strip=True)
    lyrics = forms.CharField(required=False, max_length=MAX_LYRICS, strip=False, widget=forms.Textarea)
    gender = forms.ChoiceField(required=False, choices=[("", "Any")] + list(RemixTask.Gender.choices))
    webhook_url = forms.CharField(required=False, max_length=2048, strip=True)
    seed = forms.IntegerField(required=False, min_value=0, max_value=2**31 - 1)
    strength = forms.FloatField(required=False, min_value=0.0, max_value=1.0)
    instrumental = forms.BooleanField(required=False)

    def __init__(self, *args, owner=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.owner = owner
        self.audio_facts: services.AudioFacts | None = None
        if owner is not None:
            self.fields["upload"].queryset = Upload.objects.filter(owner=owner).exclude(file="")

    def clean_prompt(self) -> str:
        prompt = self.cleaned_data["prompt"]
        if not prompt.strip():
            raise forms.ValidationError("Describe how the song should be remixed.", code="required")
        return prompt

    def clean_lyrics(self) -> str:
        return self.cleaned_data["lyrics"].replace("\r\n", "\n").strip()

    def clean_audio_file(self) -> UploadedFile | None:
        uploaded = self.cleaned_data.get("audio_file")
        if not uploaded:
            return None
        if uploaded.size > settings.MAX_UPLOAD_MB * 1024 * 1024:
            raise forms.ValidationError(f"The file is larger than {settings.MAX_UPLOAD_MB} MB.", code="too_large")
        self.audio_facts = probe_uploaded_file(uploaded)
        return uploaded

    def clean_audio_url(self) -> str:
        url = self.cleaned_data.get("audio_url", "")
        if not url:
            return ""
        scheme = urlsplit(url).scheme.lower()
        if scheme == "s3":
            if not settings.S3_AUDIO_URLS_ENABLED:
                raise forms.ValidationError("s3:// paths are not enabled on this server; give an http(s) URL.")
            return url
        return _check_http_url(url, "audio_url")

    def clean_webhook_url(self) -> str:
        url = self.cleaned_data.get("webhook_url", "")
        return _check_http_url(url, "webhook_url") if url else ""

    def clean(self) -> dict:
        data = super().clean()
        given = [name for name in ("audio_file", "audio_url", "upload") if data.get(name)]
        missing_source = not given and not any(
            name in self.errors for name in ("audio_file", "audio_url", "upload")
        )
        if missing_source:
            raise forms.ValidationError("Provide either audio_file or audio_url.", code="missing_audio")
        if len(given) > 1:
            raise forms.ValidationError("Provide only one of audio_file or audio_url, not both.", code="both_audio")
        return data

    def remix_options(self) -> services.RemixOptions:
        data = self.cleaned_data
        return services.RemixOptions(
            prompt=data["prompt"],
            lyrics=data.get("lyrics", ""),
            gender=data.get("gender", ""),
            webhook_url=data.get("webhook_url", ""),
            seed=data.get("seed"),
            strength=0.5 if data.get("strength") is None else data["strength"],
            instrumental=bool(data.get("instrumental")),
        )

    def submit(self, owner, *, via_api: bool = False) -> RemixTask:
        """Submit a valid form; raises an errors.UserError (with .status) when it cannot be queued."""
        data = self.cleaned_data
        uploaded = data.get("audio_file")
        return services.submit_remix(
            owner,
            self.remix_options(),
            upload=data.get("upload"),
            audio_file=uploaded,
            audio_name=uploaded.name if uploaded else "",
            audio_facts=self.audio_facts,
            audio_url=data.get("audio_url", ""),
            via_api=via_api,
        )

    def estimated_credits(self) -> str:
        duration = self.audio_facts.duration if self.audio_facts else settings.REMIX_URL_ESTIMATE_SECONDS
        return str(services.price_for(duration))


def _check_http_url(url: str, field: str) -> str:
    parts = urlsplit(url)
    if parts.scheme.lower() not in {"http", "https"} or not parts.hostname:
        raise forms.ValidationError(f"{field} must be an http(s) URL.", code="invalid_url")
    if parts.username or parts.password:
        raise forms.ValidationError(f"{field} must not contain a user name or password.", code="invalid_url")
    try:
        safehttp.check_url(url)
    except safehttp.UnsafeURL as exc:
        raise forms.ValidationError(f"{field} is not allowed: {exc.user_message}.", code="unsafe_url") from None
    except safehttp.FetchError:
        pass  # a name that does not resolve now may later; the fetch or delivery reports it then
    return url
