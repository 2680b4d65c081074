"""What a service refuses, said once: each refusal declares its HTTP status and error code here, so the API maps
every one of them the same way (`quillium_site.api.errors`) and views never catch and re-raise.

Pages catch them too and show `str(error)` as a message; tasks record it. This module imports no app: every app
may raise these.
"""

from __future__ import annotations

from typing import ClassVar


class ServiceError(Exception):
    """A request a service can't carry out, with a message a person can act on.

    Subclasses set `status` (the API's answer) and `code` (the machine-readable `code` of the JSON error); one
    whose status or code depends on the instance (a provider's failure) overrides `http_status`/`error_code`.
    """

    status: ClassVar[int] = 400
    code: ClassVar[str] = "invalid"

    @property
    def http_status(self) -> int:
        return self.status

    @property
    def error_code(self) -> str:
        return self.code


class Conflict(ServiceError):
    """The thing is in a state that refuses this now (a reply still being written, a scan already queued)."""

    status = 409
    code = "conflict"
