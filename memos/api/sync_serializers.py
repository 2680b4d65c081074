"""Shapes of `sync/`: pulled changes, pushed changes and the answer to each."""

from __future__ import annotations

from typing import Any

from django.core.validators import RegexValidator
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from memos.api.serializers import DiarySerializer, MemoSerializer, ResourceSerializer
from memos.models import Diary, MemoRevision, SyncEntity
from memos.notes.services import MAX_CONTENT_CHARS
from memos.sync import changes

client_id_field = serializers.CharField(
    max_length=100,
    validators=[RegexValidator(r"^[A-Za-z0-9._:-]+$", "Use letters, digits and . _ : - only.")],
    help_text=gettext_lazy("A name the device chose for itself and keeps, e.g. `phone-7f3a`."),
)


class SyncRevisionSerializer(serializers.ModelSerializer):
    class Meta:
        model = MemoRevision
        fields = ["id", "memo", "revision_number", "content", "tags", "ai_summary", "is_deleted", "created_at"]
        read_only_fields = fields


class SyncResourceSerializer(ResourceSerializer):
    class Meta(ResourceSerializer.Meta):
        fields = [*ResourceSerializer.Meta.fields, "updated_at"]
        read_only_fields = fields


class SyncDiarySerializer(DiarySerializer):
    class Meta(DiarySerializer.Meta):
        model = Diary
        fields = [*DiarySerializer.Meta.fields, "is_deleted"]
        read_only_fields = fields


DATA_SERIALIZERS: dict[str, type[serializers.Serializer]] = {
    SyncEntity.MEMO: MemoSerializer,
    SyncEntity.REVISION: SyncRevisionSerializer,
    SyncEntity.RESOURCE: SyncResourceSerializer,
    SyncEntity.DIARY: SyncDiarySerializer,
}


@extend_schema_field(OpenApiTypes.OBJECT)
def entity_data(entity_type: str, obj: Any) -> dict[str, Any] | None:
    return None if obj is None else DATA_SERIALIZERS[entity_type](obj).data


class PullInput(serializers.Serializer):
    client_id = client_id_field
    types = serializers.CharField(
        required=False,
        help_text=format_lazy(
            gettext_lazy("Comma-separated kinds to pull (default all): {kinds}."), kinds=", ".join(changes.ENTITY_TYPES)
        ),
    )
    cursor = serializers.IntegerField(
        min_value=0,
        max_value=2**63 - 1,
        required=False,
        help_text=gettext_lazy(
            "The cursor of the last page you stored (0 for everything). Omit it to continue from where this "
            "device last confirmed."
        ),
    )
    limit = serializers.IntegerField(min_value=1, max_value=changes.MAX_PAGE_SIZE, default=changes.PAGE_SIZE)

    def validate_types(self, value: str) -> list[str]:
        kinds = [kind.strip() for kind in value.split(",") if kind.strip()]
        unknown = sorted(set(kinds) - set(changes.ENTITY_TYPES))
        if unknown or not kinds:
            raise serializers.ValidationError(
                _("Choose from %(choices)s.") % {"choices": ", ".join(changes.ENTITY_TYPES)}
            )
        return list(dict.fromkeys(kinds))


class ChangeSerializer(serializers.Serializer):
    type = serializers.CharField(source="entity_type")
    id = serializers.CharField(source="entity_id", help_text=gettext_lazy("A UUID; for diaries, the day (YYYY-MM-DD)."))
    seq = serializers.IntegerField()
    deleted = serializers.BooleanField(
        help_text=gettext_lazy("Deleted for good: forget it (a memo takes its revisions along).")
    )
    data = serializers.SerializerMethodField()  # type: ignore[assignment]  # the API's field; shadows .data

    @extend_schema_field(OpenApiTypes.OBJECT)
    def get_data(self, change: changes.Change) -> dict[str, Any] | None:
        return entity_data(change.entity_type, change.obj)


class PageSerializer(serializers.Serializer):
    changes = ChangeSerializer(many=True)
    cursor = serializers.IntegerField(help_text=gettext_lazy("Send this back as `cursor` to get the next page."))
    has_more = serializers.BooleanField()


class MemoChangeInput(serializers.Serializer):
    type = serializers.ChoiceField(choices=[SyncEntity.MEMO])
    id = serializers.UUIDField(help_text=gettext_lazy("The memo's id; a new memo gets one chosen by the device."))
    base_revision = serializers.IntegerField(
        min_value=0,
        max_value=2**31 - 1,
        required=False,
        allow_null=True,
        help_text=gettext_lazy("The revision_count you edited; 0 or null for new."),
    )
    content = serializers.CharField(max_length=MAX_CONTENT_CHARS, required=False)
    tags = serializers.ListField(child=serializers.CharField(max_length=64), max_length=50, required=False)
    pinned = serializers.BooleanField(required=False)
    is_archived = serializers.BooleanField(required=False)
    is_deleted = serializers.BooleanField(
        required=False, help_text=gettext_lazy("true moves it to the trash, false restores it.")
    )
    diary_date = serializers.DateField(required=False, allow_null=True)


class DiaryChangeInput(serializers.Serializer):
    type = serializers.ChoiceField(choices=[SyncEntity.DIARY])
    date = serializers.DateField()
    base_seq = serializers.IntegerField(
        min_value=0,
        max_value=2**63 - 1,
        required=False,
        allow_null=True,
        help_text=gettext_lazy("The `seq` of the diary change you edited; null for new."),
    )
    summary = serializers.CharField(max_length=20_000, required=False, allow_blank=True)
    mood_key = serializers.CharField(max_length=32, required=False, allow_blank=True)
    mood_score = serializers.IntegerField(min_value=1, max_value=5, required=False, allow_null=True)
    is_deleted = serializers.BooleanField(required=False)


CHANGE_INPUTS: dict[str, type[serializers.Serializer]] = {
    SyncEntity.MEMO: MemoChangeInput,
    SyncEntity.DIARY: DiaryChangeInput,
}


class PushInput(serializers.Serializer):
    client_id = client_id_field
    changes = serializers.ListField(
        child=serializers.DictField(),
        max_length=changes.MAX_PUSH,
        help_text=gettext_lazy(
            "Memo changes (`type: memo`) and diary changes (`type: diary`); attachments are uploaded with `resources/`."
        ),
    )


class OutcomeSerializer(serializers.Serializer):
    index = serializers.IntegerField(help_text=gettext_lazy("Position of the change in the batch."))
    type = serializers.CharField(source="entity_type")
    id = serializers.CharField(source="entity_id")
    status = serializers.ChoiceField(choices=["applied", "conflict", "invalid"])
    seq = serializers.SerializerMethodField()
    data = serializers.SerializerMethodField(  # type: ignore[assignment]  # the API's field; shadows .data
        help_text=gettext_lazy("The server's version: after the change, or the one in the way.")
    )
    message = serializers.CharField()
    errors = serializers.DictField()  # type: ignore[assignment]  # the API's field; shadows .errors

    def get_seq(self, outcome: changes.Outcome) -> int | None:
        return outcome.obj.change_seq if outcome.obj is not None else None

    @extend_schema_field(OpenApiTypes.OBJECT)
    def get_data(self, outcome: changes.Outcome) -> dict[str, Any] | None:
        return entity_data(outcome.entity_type, outcome.obj)


class PushOutput(serializers.Serializer):
    results = OutcomeSerializer(many=True)
