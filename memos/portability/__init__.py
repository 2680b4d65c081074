"""Portability: a user's notes as one archive and back. Owns the archive (`archive`: export, import, both whole or
not at all) and the archive's documented shape (`schema`). Imports write through the notes, diaries and files
services.

May import: memos.models (the floor), memos.notes, memos.diaries, memos.files and apps below memos.
"""
