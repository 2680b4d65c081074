"""The shape of `quillium.json` in an export, checked field by field before anything is imported."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from rest_framework import serializers

from memos.models import Diary, Visibility
from memos.notes import tags
from memos.notes.services import MAX_CONTENT_CHARS

FORMAT = "quillium-memos"
VERSION = 1
MAX_MEMOS = 100_000
MAX_REVISIONS = 10_000
MAX_TAGS = 100
MAX_FILES_PER_MEMO = 1_000


def _tag_list() -> serializers.ListField:
    return serializers.ListField(
        child=serializers.CharField(max_length=tags.MAX_TAG_LENGTH, allow_blank=False), max_length=MAX_TAGS
    )


def _content(**kwargs: Any) -> serializers.CharField:
    return serializers.CharField(max_length=MAX_CONTENT_CHARS, trim_whitespace=False, **kwargs)


class RevisionShape(serializers.Serializer):
    revision_number = serializers.IntegerField(min_value=1, max_value=MAX_REVISIONS)
    content = _content(allow_blank=True)
    tags = _tag_list()
    ai_summary = _content(allow_blank=True, default="")
    visibility = serializers.ChoiceField(choices=Visibility.choices, default=Visibility.PRIVATE)
    is_deleted = serializers.BooleanField()
    created_at = serializers.DateTimeField()


class FileShape(serializers.Serializer):
    id = serializers.CharField(max_length=64)
    filename = serializers.CharField(max_length=255)
    metadata = serializers.DictField(required=False, default=dict)

    def validate_metadata(self, value: dict[str, Any]) -> dict[str, Any]:
        if len(str(value)) > 10_000:
            raise serializers.ValidationError(_("Attachment metadata is limited to 10,000 characters."))
        return value


class MemoShape(serializers.Serializer):
    content = _content()
    tags = _tag_list()
    pinned = serializers.BooleanField(default=False)
    visibility = serializers.ChoiceField(choices=Visibility.choices, default=Visibility.PRIVATE)
    is_archived = serializers.BooleanField(default=False)
    is_deleted = serializers.BooleanField(default=False)
    deleted_at = serializers.DateTimeField(allow_null=True, default=None)
    diary_date = serializers.DateField(allow_null=True, default=None)
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()
    revisions = serializers.ListField(child=RevisionShape(), max_length=MAX_REVISIONS, default=list)
    resources = serializers.ListField(child=FileShape(), max_length=MAX_FILES_PER_MEMO, default=list)

    def validate_content(self, value: str) -> str:
        if not value.strip():
            raise serializers.ValidationError(_("A memo needs some text."))
        return value

    def validate_revisions(self, value: list[dict[str, Any]]) -> list[dict[str, Any]]:
        numbers = [revision["revision_number"] for revision in value]
        if len(numbers) != len(set(numbers)):
            raise serializers.ValidationError(_("Revision numbers repeat."))
        return sorted(value, key=lambda revision: revision["revision_number"])


class DiaryShape(serializers.Serializer):
    date = serializers.DateField()
    summary = serializers.CharField(max_length=MAX_CONTENT_CHARS, allow_blank=True, trim_whitespace=False)
    mood_key = serializers.CharField(max_length=32, allow_blank=True)
    mood_score = serializers.IntegerField(min_value=1, max_value=5, allow_null=True)
    generation_source = serializers.ChoiceField(choices=Diary.Source.choices)
    auto_generation_locked = serializers.BooleanField()
    is_deleted = serializers.BooleanField()


class ManifestShape(serializers.Serializer):
    format = serializers.ChoiceField(choices=[FORMAT])
    version = serializers.ChoiceField(choices=[VERSION])
    memos = serializers.ListField(child=MemoShape(), max_length=MAX_MEMOS)
    diaries = serializers.ListField(child=DiaryShape(), max_length=MAX_MEMOS)

    def validate_diaries(self, value: list[dict[str, Any]]) -> list[dict[str, Any]]:
        days = [diary["date"] for diary in value]
        if len(days) != len(set(days)):
            raise serializers.ValidationError(_("Two diaries for the same day."))
        return value


def first_error(errors: Any, path: str = "") -> str:
    """The first problem with where it is, e.g. `memos[3].revisions[1].content: Ensure this field has no more
    than 200000 characters.`"""
    if isinstance(errors, dict) and errors:
        key, value = next(iter(errors.items()))
        step = f"[{key}]" if isinstance(key, int) else (f".{key}" if path else str(key))
        return first_error(value, path + step)
    if isinstance(errors, list) and errors:
        first = errors[0]
        return first_error(first, path) if isinstance(first, dict | list) else f"{path}: {first}"
    return f"{path}: {errors}"
