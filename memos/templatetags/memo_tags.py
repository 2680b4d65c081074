"""A memo's text as its pages show it: Markdown, with its task list's boxes."""

from __future__ import annotations

from django import template
from django.utils.safestring import SafeString

from memos.models import Memo
from memos.notes import links, tasks
from quillium_site.markdown import render_markdown

register = template.Library()


@register.simple_tag
def memo_body(memo: Memo, editable: bool = False) -> SafeString:
    """The rendered memo, its `[[links]]` through the resolver; with `editable`, its task boxes submit the page's
    task form (see memos/_nav.html)."""
    html = tasks.with_checkboxes(
        render_markdown(memo.content),
        memo.content,
        memo_pk=memo.pk,
        revision=memo.revision_count,
        editable=editable and not memo.is_deleted,
    )
    return links.with_links(html, memo.pk)


@register.filter
def task_progress(memo: Memo) -> tasks.Progress:
    return tasks.progress(memo.content)
