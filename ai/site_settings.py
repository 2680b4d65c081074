"""Site settings owned by the AI app."""

from accounts.site_settings import Definition, register

register(
    Definition(
        key="daily_token_limit",
        kind=int,
        default=None,
        nullable=True,
        minimum=1,
        help="Tokens each user may spend per day (their local day) across chat, notes and bots; "
        "null for no limit. A per-user limit in the admin overrides it.",
    )
)
