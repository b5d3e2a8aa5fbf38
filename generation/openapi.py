"""The OpenAPI 3.0 document of /api/v1, served at /api/v1/openapi.json.

Written by hand next to the API it describes (generation/api.py, README "JSON API
v1"): three endpoints do not justify a schema generator. tests/test_openapi.py
runs schemathesis against a live server with this document, so a drift between
the two fails there.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings

from access.errors import ErrorCode
from generation.params import caps_for

JSON = "application/json"


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


RETRY_STATUSES = (429, 503)  # these come with Retry-After


def _error_response(status: int, note: str = "") -> dict[str, Any]:
    """The codes that answer with `status` (access/errors.py), and what else to know."""
    codes = ", ".join(ErrorCode.with_status(status))
    response: dict[str, Any] = {
        "description": f"{codes} ({note})" if note else codes,
        "content": {JSON: {"schema": _ref("Error")}},
    }
    if status in RETRY_STATUSES:
        response["headers"] = {
            "Retry-After": {"schema": {"type": "string"}, "description": "seconds to wait"}
        }
    return response


COMMON_ERRORS = {
    "401": _error_response(401),
    "403": _error_response(403),
    "405": _error_response(405),
    "500": _error_response(500, "with an id that is in the log"),
    "503": _error_response(503),
}


def _nullable(schema: dict[str, Any]) -> dict[str, Any]:
    return {**schema, "nullable": True}


def _submission_schema() -> dict[str, Any]:
    caps = caps_for(settings.GENERATION_MODEL)
    text = {"type": "string", "maxLength": settings.GENERATION_MAX_PROMPT_CHARS}
    sizes = sorted({f"{w}x{h}" for presets in caps.presets.values() for w, h in presets})
    max_frames = min(settings.GENERATION_MAX_FRAMES, caps.max_frames)
    return {
        "type": "object",
        "required": ["prompt"],
        "properties": {
            "prompt": {**text, "minLength": 1},
            "negative_prompt": text,
            "aspect": {"type": "string", "enum": sorted(caps.presets)},
            "resolution": {
                "type": "string",
                "enum": ["", *sizes],
                "description": "WxH, one of the chosen aspect's sizes",
            },
            "duration": {
                "type": "number",
                "minimum": round(1 / settings.GENERATION_FPS, 3),
                "maximum": round(max_frames / settings.GENERATION_FPS, 3),
                "description": "seconds (or give num_frames, not both)",
            },
            "num_frames": {"type": "integer", "minimum": 1, "maximum": max_frames},
            "steps": {"type": "integer", "minimum": 1, "maximum": settings.GENERATION_MAX_STEPS},
            "guidance": {
                "type": "number",
                "minimum": 0,
                "maximum": settings.GENERATION_MAX_GUIDANCE,
            },
            "seed": {"type": "integer", "minimum": 0, "maximum": 2**31 - 1},
            "variations": {
                "type": "integer",
                "minimum": 1,
                "maximum": settings.GENERATION_MAX_VARIATIONS,
            },
        },
    }


def _job_schema() -> dict[str, Any]:
    integer, number, string = {"type": "integer"}, {"type": "number"}, {"type": "string"}
    return {
        "type": "object",
        "required": ["id", "status", "step", "steps", "progress", "video"],
        "properties": {
            "id": integer,
            "status": string,
            "status_label": string,
            "step": integer,
            "steps": integer,
            "progress": number,
            "phase": string,
            "show_bar": {"type": "boolean"},
            "queue_position": _nullable(integer),
            "queue_text": string,
            "eta_seconds": _nullable(number),
            "eta_text": string,
            "error": string,
            "moderation_category": string,
            "moderation_reason": string,
            "moderation_text": string,
            "adjustments": {"type": "array", "items": string},
            "seed": integer,
            "detail_url": string,
            "video": _nullable({"type": "object"}),
        },
    }


def _video_schema() -> dict[str, Any]:
    integer, number, string = {"type": "integer"}, {"type": "number"}, {"type": "string"}
    boolean = {"type": "boolean"}
    fields = {
        "id": integer,
        "job_id": integer,
        "prompt": string,
        "width": integer,
        "height": integer,
        "num_frames": integer,
        "fps": integer,
        "duration_seconds": number,
        "size_bytes": integer,
        "seed": integer,
        "model": string,
        "created_at": {"type": "string", "format": "date-time"},
        "shared": boolean,
        "hidden": boolean,
        "removed": boolean,
        "url": _nullable(string),
        "poster_url": _nullable(string),
        "detail_url": string,
    }
    return {"type": "object", "required": list(fields), "properties": fields}


def _paths() -> dict[str, Any]:
    return {
        "/api/v1/jobs": {
            "post": {
                "summary": "Submit a prompt (token scope submit)",
                "operationId": "jobs_submit",
                "requestBody": {
                    "required": True,
                    "content": {JSON: {"schema": _ref("Submission")}},
                },
                "responses": {
                    "201": {
                        "description": "one job per variation",
                        "content": {JSON: {"schema": _ref("JobsCreated")}},
                    },
                    "400": _error_response(400, "invalid comes with fields"),
                    "413": _error_response(413),
                    "429": _error_response(429),
                    **COMMON_ERRORS,
                },
            }
        },
        "/api/v1/jobs/{id}": {
            "get": {
                "summary": "Your job's snapshot (token scope read)",
                "operationId": "job_get",
                "parameters": [
                    {"name": "id", "in": "path", "required": True, "schema": {"type": "integer"}}
                ],
                "responses": {
                    "200": {"description": "the job", "content": {JSON: {"schema": _ref("Job")}}},
                    "404": _error_response(404, "no such job, or not yours"),
                    **COMMON_ERRORS,
                },
            }
        },
        "/api/v1/videos": {
            "get": {
                "summary": "Your videos, newest first (token scope read)",
                "operationId": "videos_list",
                "parameters": [
                    {"name": "page", "in": "query", "required": False, "schema": {"type": "string"}}
                ],
                "responses": {
                    "200": {
                        "description": "one page of videos",
                        "content": {JSON: {"schema": _ref("VideoPage")}},
                    },
                    **COMMON_ERRORS,
                },
            }
        },
    }


def openapi_document() -> dict[str, Any]:
    return {
        "openapi": "3.0.3",
        "info": {"title": f"{settings.SITE_NAME} API", "version": "1"},
        "security": [{"token": []}, {"session": []}],
        "paths": _paths(),
        "components": {
            "securitySchemes": {
                "token": {"type": "http", "scheme": "bearer", "bearerFormat": "sora_..."},
                "session": {"type": "apiKey", "in": "cookie", "name": "sessionid"},
            },
            "schemas": {
                "Submission": _submission_schema(),
                "Job": _job_schema(),
                "JobsCreated": {
                    "type": "object",
                    "required": ["jobs", "adjustments"],
                    "properties": {
                        "jobs": {"type": "array", "items": _ref("Job")},
                        "adjustments": {"type": "array", "items": {"type": "string"}},
                    },
                },
                "Video": _video_schema(),
                "VideoPage": {
                    "type": "object",
                    "required": ["count", "page", "pages", "next", "previous", "results"],
                    "properties": {
                        "count": {"type": "integer"},
                        "page": {"type": "integer"},
                        "pages": {"type": "integer"},
                        "next": _nullable({"type": "string"}),
                        "previous": _nullable({"type": "string"}),
                        "results": {"type": "array", "items": _ref("Video")},
                    },
                },
                "Error": {
                    "type": "object",
                    "required": ["error"],
                    "properties": {
                        "error": {
                            "type": "object",
                            "required": ["code", "message"],
                            "properties": {
                                "code": {"type": "string", "enum": [c.value for c in ErrorCode]},
                                "message": {"type": "string"},
                            },
                        }
                    },
                },
            },
        },
    }
