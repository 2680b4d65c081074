"""Site settings owned by chats (attachments are also held to memos' `upload_max_bytes`)."""

from accounts.site_settings import Definition, register

register(
    Definition(
        key="chat_file_max_chars",
        kind=int,
        default=50_000,
        minimum=1000,
        help="Most characters of a text or PDF file attached in a chat that go to the model; the rest is cut.",
    )
)
