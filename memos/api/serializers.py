"""Shapes of the memos API."""

from __future__ import annotations

from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from memos.models import Diary, Memo, MemoPreference, MemoRevision, Resource, Visibility
from memos.notes import tasks
from memos.notes.services import MAX_CONTENT_CHARS


class TaskProgressSerializer(serializers.Serializer):
    done = serializers.IntegerField(help_text=gettext_lazy("Ticked tasks (`- [x]`)."))
    total = serializers.IntegerField(help_text=gettext_lazy("Tasks in the text (`- [ ]` or `- [x]`)."))


class MemoSerializer(serializers.ModelSerializer):
    title = serializers.CharField(read_only=True)
    tasks = serializers.SerializerMethodField(help_text=gettext_lazy("The memo's task list, counted."))

    class Meta:
        model = Memo
        fields = [
            "id",
            "title",
            "content",
            "tags",
            "pinned",
            "is_archived",
            "is_deleted",
            "deleted_at",
            "diary_date",
            "visibility",
            "revision_count",
            "tasks",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    @extend_schema_field(TaskProgressSerializer)
    def get_tasks(self, memo: Memo) -> dict[str, int]:
        counted = tasks.progress(memo.content)
        return {"done": counted.done, "total": counted.total}


class SharedMemoSerializer(MemoSerializer):
    author = serializers.CharField(source="owner.name", read_only=True, help_text=gettext_lazy("The writer's name."))

    class Meta(MemoSerializer.Meta):
        fields = ["id", "author", "title", "content", "tags", "visibility", "tasks", "created_at", "updated_at"]
        read_only_fields = fields


class TaskToggleInput(serializers.Serializer):
    revision = serializers.IntegerField(
        min_value=1, help_text=gettext_lazy("The revision_count you saw; a stale one gets 409.")
    )


class MemoCreateInput(serializers.Serializer):
    content = serializers.CharField(max_length=MAX_CONTENT_CHARS)
    tags = serializers.ListField(
        child=serializers.CharField(max_length=64), max_length=50, required=False, default=list
    )
    pinned = serializers.BooleanField(required=False, default=False)
    diary_date = serializers.DateField(required=False, allow_null=True, default=None)
    visibility = serializers.ChoiceField(choices=Visibility.choices, required=False, default=Visibility.PRIVATE)


class MemoUpdateInput(serializers.Serializer):
    revision = serializers.IntegerField(
        min_value=1,
        required=False,
        help_text=gettext_lazy("The revision_count you edited; required to change content or tags."),
    )
    content = serializers.CharField(max_length=MAX_CONTENT_CHARS, required=False)
    tags = serializers.ListField(child=serializers.CharField(max_length=64), max_length=50, required=False)
    pinned = serializers.BooleanField(required=False)
    is_archived = serializers.BooleanField(required=False)
    diary_date = serializers.DateField(required=False, allow_null=True)
    visibility = serializers.ChoiceField(
        choices=Visibility.choices,
        required=False,
        help_text=gettext_lazy("Changing it adds a revision, like an edit of the text."),
    )


class RevisionSerializer(serializers.ModelSerializer):
    class Meta:
        model = MemoRevision
        fields = ["revision_number", "content", "tags", "visibility", "ai_summary", "is_deleted", "created_at"]
        read_only_fields = fields


class RevisionDetailSerializer(RevisionSerializer):
    diff = serializers.CharField(
        read_only=True, help_text=gettext_lazy("Unified diff from this revision to the current text.")
    )

    class Meta(RevisionSerializer.Meta):
        fields = [*RevisionSerializer.Meta.fields, "diff"]
        read_only_fields = fields


class TagCountSerializer(serializers.Serializer):
    tag = serializers.CharField()
    count = serializers.IntegerField()


class SearchHitSerializer(serializers.Serializer):
    memo = MemoSerializer()
    rank = serializers.FloatField()
    snippet = serializers.CharField(help_text=gettext_lazy("HTML-escaped text with <mark> around the matches."))


class DiarySerializer(serializers.ModelSerializer):
    class Meta:
        model = Diary
        fields = [
            "date",
            "summary",
            "mood_key",
            "mood_score",
            "generation_source",
            "auto_generation_locked",
            "generated_from_memo_ids",
            "created_at",
            "updated_at",
        ]
        read_only_fields = [
            "date",
            "generation_source",
            "auto_generation_locked",
            "generated_from_memo_ids",
            "created_at",
            "updated_at",
        ]


class SearchInput(serializers.Serializer):
    q = serializers.CharField(max_length=200)
    mode = serializers.ChoiceField(choices=["keyword", "semantic", "hybrid"], default="keyword")
    tag = serializers.CharField(max_length=64, required=False)
    start = serializers.DateField(required=False)
    end = serializers.DateField(required=False)
    archived = serializers.BooleanField(required=False, allow_null=True, default=None)
    limit = serializers.IntegerField(min_value=1, max_value=100, default=50)


class DateRangeInput(serializers.Serializer):
    start = serializers.DateField(required=False)
    end = serializers.DateField(required=False)


class ResourceSerializer(serializers.ModelSerializer):
    class Meta:
        model = Resource
        fields = [
            "id",
            "memo",
            "filename",
            "resource_type",
            "mime_type",
            "file_size",
            "storage_type",
            "metadata",
            "is_deleted",
            "created_at",
        ]
        read_only_fields = fields


class ResourceUploadInput(serializers.Serializer):
    file = serializers.FileField(allow_empty_file=False)
    memo = serializers.UUIDField(required=False, allow_null=True)


class ResourceLinkOutput(serializers.Serializer):
    url = serializers.CharField()
    expires_in = serializers.IntegerField(help_text=gettext_lazy("Seconds the link works."))


class MemoPreferenceSerializer(serializers.ModelSerializer):
    revision_summaries = serializers.BooleanField(
        help_text=gettext_lazy(
            "A one-line AI summary of each new revision (the summary config, else chat; uses your tokens)."
        )
    )

    class Meta:
        model = MemoPreference
        fields = ["revision_summaries", "updated_at"]
        read_only_fields = ["updated_at"]
