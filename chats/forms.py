from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy

from ai.models import AIConfig
from chats.models import Chat, Folder
from chats.services import MAX_MESSAGE_CHARS

# What the message box's file picker offers (its files, read from request.FILES, are judged by their bytes in
# chats.attachments).
ACCEPTED = "image/png,image/jpeg,image/gif,image/webp,.txt,.md,.markdown,.csv,.pdf,text/plain,text/markdown"


class MessageForm(forms.Form):
    content = forms.CharField(
        label=gettext_lazy("Message"),
        max_length=MAX_MESSAGE_CHARS,
        required=False,  # a message may be only its files; chats.services says when there is nothing to send
        widget=forms.Textarea(
            attrs={"rows": 3, "placeholder": gettext_lazy("Ask anything… (Enter sends, Shift+Enter for a new line)")}
        ),
    )


class ChatSettingsForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Title"), max_length=255)
    system_prompt = forms.CharField(
        label=gettext_lazy("System prompt"),
        required=False,
        widget=forms.Textarea(
            attrs={"rows": 2, "placeholder": gettext_lazy("Optional instructions for every reply in this chat")}
        ),
    )
    use_notes = forms.BooleanField(required=False, label=gettext_lazy("Answer from my notes (related memos are cited)"))
    pinned = forms.BooleanField(required=False, label=gettext_lazy("Pinned"))
    folder = forms.ModelChoiceField(
        label=gettext_lazy("Folder"),
        queryset=Folder.objects.none(),
        required=False,
        empty_label=gettext_lazy("No folder"),
    )
    ai_config = forms.ModelChoiceField(
        queryset=AIConfig.objects.exclude(key=AIConfig.Key.EMBEDDING),
        required=False,
        to_field_name="key",
        label=gettext_lazy("AI provider"),
        empty_label=gettext_lazy("Default (chat)"),
    )

    def __init__(self, *args: Any, owner: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if owner is not None:
            self.fields["folder"].queryset = Folder.objects.visible_to(owner)  # type: ignore[attr-defined]

    @classmethod
    def for_chat(cls, chat: Chat) -> ChatSettingsForm:
        """The form filled in with the chat's current settings."""
        initial = {name: getattr(chat, name) for name in ("title", "system_prompt", "use_notes", "pinned")}
        config = chat.ai_config.key if chat.ai_config_id and chat.ai_config else None
        return cls(owner=chat.owner, initial={**initial, "folder": chat.folder_id, "ai_config": config})


class FolderForm(forms.Form):
    name = forms.CharField(max_length=100, label=gettext_lazy("New folder"))
