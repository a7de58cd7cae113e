"""The OpenAPI 3.1 document of the public API (served at /api/public/v1/openapi.json and rendered
by the docs page): the MusicGPT-compatible endpoints, their errors, and the outgoing webhooks."""
from __future__ import annotations

from django.conf import settings

from . import payloads

NULLABLE_STRING = {"type": ["string", "null"]}
NULLABLE_URL = {"type": ["string", "null"], "format": "uri"}
NULLABLE_NUMBER = {"type": ["number", "null"]}


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(schema: dict, description: str, headers: dict | None = None) -> dict:
    response = {"description": description, "content": {"application/json": {"schema": schema}}}
    if headers:
        response["headers"] = headers
    return response


def _error(description: str, headers: dict | None = None) -> dict:
    return _json(_ref("Error"), description, headers)


RETRY_AFTER = {"Retry-After": {"description": "Seconds until the next request is allowed.", "schema": {"type": "integer"}}}

WEBHOOK_HEADERS = [
    {"name": "webhook-id", "in": "header", "required": True, "schema": {"type": "string"},
     "description": "Unique per event, the same on every retry: de-duplicate on it."},
    {"name": "webhook-timestamp", "in": "header", "required": True, "schema": {"type": "string"},
     "description": "Unix seconds of this attempt."},
    {"name": "webhook-signature", "in": "header", "required": True, "schema": {"type": "string"},
     "description": "`v1,<base64 HMAC-SHA256 of 'id.timestamp.body'>` keyed with your `whsec_` secret "
                    "(Standard Webhooks; verify with any standardwebhooks library)."},
]


def _schemas(base_url: str) -> dict:
    schemas = _schema_shapes()
    for name, example in payloads.examples(base_url).items():
        schemas[name]["examples"] = [example]
    return schemas


def _schema_shapes() -> dict:
    lyrics_word = {
        "type": "object",
        "required": ["word", "start", "end"],
        "properties": {"word": {"type": "string"}, "start": {"type": "number"}, "end": {"type": "number"}},
    }
    lyrics_line = {
        "type": "object",
        "description": "One sung line; times in seconds from the start of that version's audio.",
        "required": ["text", "start", "end"],
        "properties": {
            "text": {"type": "string"},
            "start": {"type": "number"},
            "end": {"type": "number"},
            "words": {"type": "array", "items": _ref("LyricsWord")},
        },
    }
    conversion_fields = {
        "conversion_id": {"type": "string", "format": "uuid"},
        "conversion_path": {**NULLABLE_URL, "description": "Signed, expiring mp3 link; null until ready or while hidden."},
        "conversion_path_wav": {**NULLABLE_URL, "description": "Signed, expiring wav link (downloads as a file)."},
        "conversion_duration": {**NULLABLE_NUMBER, "description": "Seconds."},
        "lyrics": {"type": "string"},
        "lyrics_timestamped": {"type": "array", "items": _ref("LyricsLine")},
        "conversion_path_vocals": {
            **NULLABLE_URL, "description": "Extension: signed link to this version's vocal stem (mp3 192 kb/s); "
                                           "null for an instrumental version, while hidden or when the provider "
                                           "gives no stems."},
        "conversion_path_instrumental": {
            **NULLABLE_URL, "description": "Extension: signed link to this version without its vocal (mp3 192 kb/s); "
                                           "null when absent."},
    }
    source_stem_fields = {
        "source_path_vocals": {
            **NULLABLE_URL, "description": "Extension: signed link to the vocal separated from your song "
                                           "(mp3 192 kb/s); null when absent."},
        "source_path_accompaniment": {
            **NULLABLE_URL, "description": "Extension: signed link to your song without its vocal (mp3 192 kb/s); "
                                           "null when absent."},
    }
    task_fields = {
        "task_id": {"type": "string", "format": "uuid"},
        "conversionType": {"type": "string", "const": "REMIX"},
        "status": {"type": "string", "enum": ["IN_QUEUE", "PROCESSING", "COMPLETED", "FAILED"]},
        "status_msg": {"type": "string"},
        "progress": {"type": "integer", "minimum": 0, "maximum": 100},
        "stage": {"type": "string"},
        "eta": {
            "type": "integer", "minimum": 0,
            "description": "Seconds until done. IN_QUEUE: ceil((ahead / workers + 1) x (10 + rate x duration)) "
                           "where ahead = tasks queued before this one plus tasks processing and rate = measured "
                           "seconds of work per second of audio over the last 20 tasks (0.4 before any); "
                           "PROCESSING: (1 - progress/100) x (10 + rate x duration); finished: 0.",
        },
        "prompt": {"type": "string"},
        "gender": {"type": ["string", "null"], "enum": ["male", "female", "neutral", None]},
        "album_cover_path": NULLABLE_URL,
        "album_cover_thumbnail": NULLABLE_URL,
        "credit_estimate": {"type": "number", "description": "Credits held at submission (see RemixAccepted)."},
        "conversion_cost": {**NULLABLE_NUMBER, "description": "Credits charged; set when the task finishes "
                                                             "(never above the estimate; 0 when it failed)."},
        "is_flagged": {"type": "boolean", "description": "Flagged by moderation: files stay hidden until approved."},
        "reason": {"type": "string", "description": "Why it was flagged, or why it failed."},
        "createdAt": {"type": "string", "format": "date-time"},
        "updatedAt": {"type": "string", "format": "date-time"},
        "finishedAt": {"type": ["string", "null"], "format": "date-time"},
        **source_stem_fields,
    }
    task_status = {
        "type": "object",
        "description": "A task looked up by task_id: its fields and both versions (`_1`, `_2`).",
        "required": list(task_fields) + [f"{name}_{i}" for i in (1, 2) for name in conversion_fields],
        "properties": {
            **task_fields,
            **{f"{name}_{i}": schema for i in (1, 2) for name, schema in conversion_fields.items()},
        },
    }
    conversion_status = {
        "type": "object",
        "description": "One version looked up by conversion_id, with its task's fields.",
        "required": list(task_fields) + list(conversion_fields),
        "properties": {**task_fields, **conversion_fields},
    }
    return {
        "Error": {
            "type": "object",
            "required": ["success", "message", "errors"],
            "properties": {
                "success": {"type": "boolean", "const": False},
                "message": {"type": "string"},
                "errors": {
                    "type": "object",
                    "description": "Messages by field name (`non_field_errors` for the request as a whole).",
                    "additionalProperties": {"type": "array", "items": {"type": "string"}},
                },
            },
        },
        "RemixRequest": {
            "type": "object",
            "required": ["prompt"],
            "description": "Exactly one of audio_file or audio_url.",
            "properties": {
                "audio_file": {"type": "string", "format": "binary",
                               "description": f"The song (mp3, wav, ogg, flac, m4a...), at most "
                                              f"{settings.MAX_UPLOAD_MB} MB and {settings.REMIX_MAX_SECONDS} s."},
                "audio_url": {"type": "string", "maxLength": 2048,
                              "description": "A public http(s) URL of the song, fetched by the server "
                                             "(private and loopback addresses are refused); `s3://bucket/key` "
                                             "when the server enables it."},
                "prompt": {"type": "string", "minLength": 1, "maxLength": 1000,
                           "description": "How the song should be transformed."},
                "lyrics": {"type": "string", "maxLength": 2000, "description": "New lyrics to sing."},
                "gender": {"type": "string", "enum": ["male", "female", "neutral"], "description": "Vocal tone."},
                "webhook_url": {"type": "string", "maxLength": 2048,
                                "description": "http(s) URL that receives the signed result events."},
                "seed": {"type": "integer", "minimum": 0, "maximum": 2**31 - 1,
                         "description": "Extension: the same seed and input give the same remix."},
                "strength": {"type": "number", "minimum": 0, "maximum": 1,
                             "description": "Extension: how far from the original (default 0.5)."},
                "instrumental": {"type": "boolean",
                                 "description": "Extension: no vocals, no lyrics events (default false)."},
            },
        },
        "RemixAccepted": {
            "type": "object",
            "required": ["success", "message", "task_id", "conversion_id_1", "conversion_id_2", "eta",
                         "credit_estimate"],
            "properties": {
                "success": {"type": "boolean", "const": True},
                "message": {"type": "string"},
                "task_id": {"type": "string", "format": "uuid"},
                "conversion_id_1": {"type": "string", "format": "uuid"},
                "conversion_id_2": {"type": "string", "format": "uuid"},
                "eta": {"type": "integer", "description": "Estimated seconds until done (see TaskStatus.eta)."},
                "credit_estimate": {
                    "type": "number",
                    "description": f"Credits held: max({settings.CREDITS_MINIMUM}, {settings.CREDITS_PER_MINUTE} x "
                                   f"started seconds / 60) of the song's duration ({settings.REMIX_URL_ESTIMATE_SECONDS}"
                                   " s assumed for an audio_url until fetched). The charge is settled on completion "
                                   "against the real duration; a failure refunds everything.",
                },
            },
        },
        "ByIdResponse": {
            "type": "object",
            "required": ["success", "conversion"],
            "properties": {
                "success": {"type": "boolean", "const": True},
                "conversion": {"anyOf": [_ref("TaskStatus"), _ref("ConversionStatus")]},
            },
        },
        "TaskStatus": task_status,
        "ConversionStatus": conversion_status,
        "LyricsLine": lyrics_line,
        "LyricsWord": lyrics_word,
        "ConversionEvent": {
            "type": "object",
            "required": ["success", "conversion_type", "task_id", *conversion_fields, "is_flagged", "reason",
                         *source_stem_fields],
            "properties": {
                "success": {"const": True}, "conversion_type": {"const": "Remix"},
                "task_id": {"type": "string"}, **conversion_fields,
                "is_flagged": {"type": "boolean"}, "reason": {"type": "string"}, **source_stem_fields,
            },
        },
        "LyricsEvent": {
            "type": "object",
            "required": ["success", "conversion_type", "subtype", "task_id", "conversion_id", "lyrics",
                         "lyrics_timestamped"],
            "properties": {
                "success": {"const": True}, "conversion_type": {"const": "Remix"},
                "subtype": {"const": "lyrics_timestamped"}, "task_id": {"type": "string"},
                "conversion_id": {"type": "string"}, "lyrics": {"type": "string"},
                "lyrics_timestamped": {"type": "array", "items": _ref("LyricsLine")},
            },
        },
        "AlbumCoverEvent": {
            "type": "object",
            "required": ["success", "conversion_type", "subtype", "task_id", "album_cover_path",
                         "album_cover_thumbnail"],
            "properties": {
                "success": {"const": True}, "conversion_type": {"const": "Remix"},
                "subtype": {"const": "album_cover"}, "task_id": {"type": "string"},
                "album_cover_path": NULLABLE_URL, "album_cover_thumbnail": NULLABLE_URL,
            },
        },
        "FailureEvent": {
            "type": "object",
            "required": ["success", "conversion_type", "task_id", "status", "reason"],
            "properties": {
                "success": {"const": False}, "conversion_type": {"const": "Remix"},
                "task_id": {"type": "string"}, "status": {"const": "FAILED"}, "reason": {"type": "string"},
            },
        },
    }


def _webhook(summary: str, schema: str) -> dict:
    return {
        "post": {
            "summary": summary,
            "description": "Sent to the task's webhook_url. A 2xx answer acknowledges it; anything else is "
                           "retried 5 s, 5 min, 30 min, 2 h, 5 h, 10 h and 10 h later (+/-10 % jitter); 410 Gone "
                           "stops all deliveries to that URL. Redirects are not followed.",
            "parameters": WEBHOOK_HEADERS,
            "requestBody": {"required": True, "content": {"application/json": {"schema": _ref(schema)}}},
            "responses": {"200": {"description": "Received."}, "410": {"description": "Stop sending to this URL."}},
        }
    }


def openapi_document(server_url: str | None = None) -> dict:
    """The whole document; `server_url` is this server's /api/public/v1 base."""
    common_errors = {
        "401": _error("Missing, unknown or revoked API key."),
        "429": _error("Too many requests for this key in the current minute.", RETRY_AFTER),
        "500": _error("Internal error; nothing was charged."),
    }
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Remix API",
            "version": "1.0.0",
            "description": "A self-hosted implementation of the MusicGPT Remix API: change the base URL and the key "
                           "of a MusicGPT client and it works here. Submit a song and a prompt, then poll `byId` or "
                           "receive webhooks with two remixed versions, timestamped lyrics and an album cover.",
        },
        "servers": [{"url": server_url or settings.SITE_URL + "/api/public/v1"}],
        "security": [{"ApiKey": []}],
        "paths": {
            "/Remix": {
                "post": {
                    "operationId": "remix",
                    "summary": "Remix a song from a prompt",
                    "description": f"Starts a remix task producing two versions. Limited to "
                                   f"{getattr(settings, 'API_RATE_SUBMIT_PER_MINUTE', 60)} requests per minute per key.",
                    "requestBody": {
                        "required": True,
                        "content": {
                            "multipart/form-data": {"schema": _ref("RemixRequest")},
                            "application/x-www-form-urlencoded": {"schema": _ref("RemixRequest")},
                        },
                    },
                    "responses": {
                        "200": _json(_ref("RemixAccepted"), "Successfully initiated remix task."),
                        "402": _error("The account's credits do not cover the estimate."),
                        "413": _error(f"The upload is larger than {settings.MAX_UPLOAD_MB} MB."),
                        "422": _error("Validation failed: `errors` names each field and why."),
                        **common_errors,
                    },
                }
            },
            "/byId": {
                "get": {
                    "operationId": "byId",
                    "summary": "Status and results of a task or one of its conversions",
                    "description": f"Exactly one of task_id or conversion_id. Another account's ids answer 404. Limited "
                                   f"to {getattr(settings, 'API_RATE_STATUS_PER_MINUTE', 200)} requests per minute per key.",
                    "parameters": [
                        {"name": "conversionType", "in": "query", "required": True,
                         "schema": {"type": "string", "pattern": "^[Rr][Ee][Mm][Ii][Xx]$", "example": "REMIX"}},
                        {"name": "task_id", "in": "query", "schema": {"type": "string", "format": "uuid"}},
                        {"name": "conversion_id", "in": "query", "schema": {"type": "string", "format": "uuid"}},
                    ],
                    "responses": {
                        "200": _json(_ref("ByIdResponse"), "The task or conversion."),
                        "404": _error("No such task or conversion for this key's account."),
                        "422": _error("conversionType is not REMIX, or not exactly one id was given."),
                        **common_errors,
                    },
                }
            },
        },
        "webhooks": {
            "conversion": _webhook("One per version when the task completes", "ConversionEvent"),
            "lyrics": _webhook("One per version with timestamped lyrics (not for instrumental tasks)", "LyricsEvent"),
            "albumCover": _webhook("The album cover, once", "AlbumCoverEvent"),
            "failure": _webhook("The task failed (credits refunded)", "FailureEvent"),
        },
        "components": {
            "securitySchemes": {
                "ApiKey": {
                    "type": "apiKey", "in": "header", "name": "Authorization",
                    "description": "Your API key as is (`Authorization: <key>`) or as `Bearer <key>`. Create keys on "
                                   "the account page or with `manage.py create_api_key USERNAME`.",
                }
            },
            "schemas": _schemas((server_url or settings.SITE_URL + "/api/public/v1").removesuffix("/api/public/v1")),
        },
    }
