"""The size rule every upload meets (memo attachments, chat files), against the `upload_max_bytes` site setting its
caller reads (quillium_site reads no app's settings)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


def check_size(size: int, limit: int, *, refuse: type[ValidationError] = ValidationError) -> None:
    """Refuse (with `refuse`, keyed `file`) an empty file or one over `limit` bytes."""
    if size > limit:
        raise refuse(
            {
                "file": _("Files may be at most %(limit)s bytes; this one has %(size)s.")
                % {"limit": format(limit, ","), "size": format(size, ",")}
            }
        )
    if size == 0:
        raise refuse({"file": _("The file is empty.")})
