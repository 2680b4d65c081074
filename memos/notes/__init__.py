"""Notes: the memos themselves. Owns every memo write (`services`: create, edit, trash, restore, purge, import,
revisions and their AI summaries, memo preferences), tags (`tags`), revision diffs (`diff`), the rendered timeline
cards (`cards`), the reads behind the pages and API (`selectors`) and the revision-summary job (`summaries`).

May import: memos.models, memos.querysets, memos.signals, memos.sync_triggers (the floor) and apps below memos.
"""
