"""Memos: the notes journal. Its parts are rooms; each room's `__init__` says what it owns and what it may import.

The floor, which every room may import: `models` (every table of the app), `querysets`, `signals` (what memos tell
other apps) and `sync_triggers` (the database triggers the models declare). Above the floor, lowest first:

- `files`: attachments (what a file really is, storing it with its transaction, serving it);
- `notes`: memos, their revisions, tags, cards, reads for the pages, revision summaries;
- `diaries`: one entry per user and day;
- `search`: keyword and semantic search, and the embeddings index;
- `sync`: devices pulling and pushing changes;
- `portability`: export and import of a user's notes as one archive.

The app's surface (`views`, `forms`, `api/`, `admin`, `tasks`, `apps`, `management/`) may import any room. A test
(tests/site/test_import_rules.py) holds every room and the floor to these rules.
"""
