"""Diaries: one entry per user and day, written by hand or by the AI diary job (bots), synced and exported with the
memos. This part owns every diary write (`services.py`); the model is `memos.models.Diary`.

May import: memos.models (the floor of the memos app) and apps below memos; nothing else of memos.
"""
