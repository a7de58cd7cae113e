"""Small template filters of the web app: clock times, rough durations in words, status chips."""
from __future__ import annotations

from django import template

from .. import stages

register = template.Library()


@register.filter
def clock(seconds) -> str:
    """63.4 -> "1:03"."""
    try:
        total = max(0, int(float(seconds)))
    except (TypeError, ValueError):
        return "0:00"
    return f"{total // 60}:{total % 60:02d}"


@register.filter
def about(seconds) -> str:
    """A rough, human duration: "less than a minute", "about 3 minutes"."""
    try:
        total = float(seconds)
    except (TypeError, ValueError):
        return ""
    if total < 60:
        return "less than a minute"
    minutes = round(total / 60)
    return "about 1 minute" if minutes == 1 else f"about {minutes} minutes"


@register.filter
def chip_class(task) -> str:
    """CSS modifier of a task's status chip; a flagged, unreviewed result reads as "review"."""
    if task.status == "COMPLETED" and task.review_state == "pending":
        return "review"
    if task.review_state == "rejected":
        return "rejected"
    return task.status.lower().replace("_", "-")


@register.filter
def chip_label(task) -> str:
    if task.status == "COMPLETED" and task.review_state == "pending":
        return "Awaiting review"
    if task.review_state == "rejected":
        return "Rejected"
    if task.status == "PROCESSING":
        return f"Processing {task.progress}%"
    return task.get_status_display()


@register.filter
def seconds_attr(value) -> str:
    """A float for a data- attribute, always with a dot (never localised)."""
    try:
        return f"{float(value):.3f}"
    except (TypeError, ValueError):
        return "0"


@register.filter
def stage_label(stage) -> str:
    """An engine stage name as a person reads it (remixes.stages): "separate" -> "Separating vocals"."""
    return stages.stage_label(stage)
