"""Template filters shared by every app's pages: `{% load quillium %}`."""

from django import template
from django.utils.safestring import SafeString

from quillium_site.markdown import render_markdown

register = template.Library()


@register.filter(name="markdown")
def markdown_filter(text: str) -> SafeString:
    """Render Markdown safely (see quillium_site.markdown)."""
    return render_markdown(text)
