"""Sync: devices that keep a copy of their owner's memos, revisions, attachments and diaries. Owns the change feed
and pushes (`changes`, which writes through the notes and diaries services, never around them) and the pruning of
tombstones (`services`). The triggers that number every change live on the floor (`memos.sync_triggers`), because
the models declare them.

May import: memos.models, memos.sync_triggers (the floor), memos.notes, memos.diaries and apps below memos.
"""
