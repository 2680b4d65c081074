from django import template

register = template.Library()


@register.filter
def clock(seconds: float) -> str:
    """A place in a track as the player shows it: 4:05, or 1:02:03 past an hour."""
    whole = int(seconds or 0)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"
