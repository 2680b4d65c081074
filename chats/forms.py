from django import forms

from chats.services import MAX_MESSAGE_CHARS


class MessageForm(forms.Form):
    content = forms.CharField(
        max_length=MAX_MESSAGE_CHARS,
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": "Ask anything… (Ctrl+Enter sends)", "required": True}),
    )


class RenameForm(forms.Form):
    title = forms.CharField(max_length=255)
