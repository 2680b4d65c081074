"""Site settings owned by memos."""

from accounts.site_settings import Definition, register

register(
    Definition(
        key="trash_retention_days",
        kind=int,
        default=30,
        minimum=1,
        help="Days a memo stays in the trash before `manage.py purge_trash` deletes it for good.",
    )
)
register(
    Definition(
        key="upload_max_bytes",
        kind=int,
        default=25 * 1024 * 1024,
        minimum=1024,
        help="Largest attachment a user may upload, in bytes.",
    )
)
register(
    Definition(
        key="sync_tombstone_days",
        kind=int,
        default=180,
        minimum=1,
        help="Days a record of something deleted for good is kept for devices to sync; a device that stayed away "
        "longer downloads everything again (`manage.py prune_sync_tombstones`).",
    )
)
register(
    Definition(
        key="import_max_bytes",
        kind=int,
        default=1024 * 1024 * 1024,
        minimum=1024 * 1024,
        help="Most bytes an imported export may unpack to, all files together (each file is also held to "
        "upload_max_bytes).",
    )
)
