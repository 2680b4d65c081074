"""Task lists in memos (`- [ ] buy bread`, `- [x] done`), as usememos has them: counted, ticked by number, and
drawn as buttons in the rendered memo.

A task is a list item whose text starts with `[ ]` or `[x]`, outside fenced code, also inside a quote. Tasks are
numbered from 0 in the order they appear, which is the order the rendered memo shows them, so the n-th button
ticks the n-th task of the text.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

TASK = re.compile(r"^(?P<lead>(?:\s*>)*\s*(?:[-*+]|\d{1,9}[.)])\s+\[)(?P<mark>[ xX])(?P<rest>\]\s)")
FENCE = re.compile(r"^(?:\s*>)*\s*(```|~~~)")
# What Python-Markdown makes of a task item once sanitized: `<li>[ ] text` (tight) or `<li>\n<p>[x] text` (loose).
RENDERED = re.compile(r"(<li>\s*(?:<p>)?)\[([ xX])\](\s)")


@dataclass(frozen=True)
class Progress:
    done: int
    total: int

    def __bool__(self) -> bool:
        return self.total > 0


def _task_lines(content: str) -> list[tuple[int, re.Match[str]]]:
    found, fence = [], None
    for number, line in enumerate(content.split("\n")):
        opening = FENCE.match(line)
        if opening:
            fence = None if fence == opening.group(1) else fence or opening.group(1)
            continue
        if fence is None and (match := TASK.match(line)):
            found.append((number, match))
    return found


def progress(content: str) -> Progress:
    """How many of the memo's tasks are done, of how many."""
    marks = [match.group("mark") for _, match in _task_lines(content)]
    return Progress(done=sum(mark != " " for mark in marks), total=len(marks))


def toggle(content: str, index: int) -> str:
    """`content` with task `index` ticked, or unticked if it was; IndexError when there is no such task."""
    tasks = _task_lines(content)
    if not 0 <= index < len(tasks):
        raise IndexError(index)
    number, match = tasks[index]
    lines = content.split("\n")
    mark = " " if match.group("mark") != " " else "x"
    lines[number] = match.group("lead") + mark + lines[number][match.end("mark") :]
    return "\n".join(lines)


def with_checkboxes(html: str, content: str, *, memo_pk: object, revision: int, editable: bool) -> SafeString:
    """The rendered `content` (sanitized HTML) with each task's `[ ]` drawn as a checkbox button. An editable one
    submits the page's task form (`#task-form`, which carries the CSRF token) to tick it, so cached cards hold no
    token; scripts do the same without a reload."""
    counter = itertools.count()
    # Should Markdown read a line differently from TASK (an indented code block, say), the n-th box might not be
    # the n-th task of the text: then no box ticks anything.
    editable = editable and len(RENDERED.findall(html)) == len(_task_lines(content))

    def box(match: re.Match[str]) -> str:
        index, done = next(counter), match.group(2) != " "
        label = gettext("Done") if done else gettext("To do")
        if not editable:
            return format_html(
                '{}<span class="task-box" role="img" aria-label="{}">{}</span>{}',
                mark_safe(match.group(1)),  # noqa: S308 - sanitized markup from render_markdown
                label,
                "☑" if done else "☐",
                match.group(3),
            )
        return format_html(
            '{}<button type="submit" class="task-box" form="task-form" formaction="{}" name="revision" value="{}" '
            'role="checkbox" aria-checked="{}" aria-label="{}">{}</button>{}',
            mark_safe(match.group(1)),  # noqa: S308 - sanitized markup from render_markdown
            reverse("memos:task", args=[memo_pk, index]),
            revision,
            "true" if done else "false",
            label,
            "☑" if done else "☐",
            match.group(3),
        )

    return mark_safe(RENDERED.sub(box, html))  # noqa: S308 - sanitized HTML and our own buttons
