"""One-line AI summaries of new memo revisions, for people who turned them on (MemoPreference)."""

from __future__ import annotations

from asgiref.sync import async_to_sync

from ai import client
from ai import services as ai_services
from ai.client import ProviderError
from ai.models import AIConfig, TokenUsage
from memos.models import MemoRevision
from memos.notes import services

PROMPT = (
    "You label the history of the user's notes. Given a note before and after an edit, answer with one short line "
    "(at most 15 words, in the note's language) saying what the edit changed. No quotes, no preamble."
)
EXCERPT_CHARS = 3000


def summarize(revision_id: str) -> str:
    """Write the revision's summary; returns what happened (kept as the task's result)."""
    revision = MemoRevision.objects.select_related("memo__owner").filter(pk=revision_id).first()
    if revision is None or revision.ai_summary:
        return "gone" if revision is None else "done already"
    owner = revision.memo.owner
    if not services.wants_summaries(owner.pk):
        return "turned off"
    before = (
        MemoRevision.objects.filter(memo_id=revision.memo_id, revision_number__lt=revision.revision_number)
        .order_by("-revision_number")
        .values_list("content", flat=True)
        .first()
    )
    if before is None or before == revision.content:
        return "no text change"  # a pin, archive or tag-only revision
    try:
        ai_services.quota_check(owner)
    except ai_services.QuotaExceeded:
        return "skipped: daily token allowance used"
    messages = [
        {"role": "system", "content": PROMPT},
        {"role": "user", "content": f"Before:\n{before[:EXCERPT_CHARS]}\n\nAfter:\n{revision.content[:EXCERPT_CHARS]}"},
    ]
    try:
        endpoint = ai_services.endpoint_or_chat(AIConfig.Key.SUMMARY)
        completion = async_to_sync(client.complete)(endpoint, messages)
    except ProviderError as error:
        if error.kind == ProviderError.NOT_CONFIGURED:
            return "skipped: no AI provider is configured"
        raise  # the task fails with the provider's reason, shown in the admin's task list
    ai_services.usage_record(user=owner, model=endpoint.model, feature=TokenUsage.Feature.MEMO, usage=completion.usage)
    services.revision_summary_save(revision, completion.content)
    return "written"
