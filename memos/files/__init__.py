"""Files: memos' attachments (resources). Owns every attachment write (`services`: upload, import, attach, delete,
signed links), what an uploaded file really is from its bytes (`sniff`), storing files with the transaction that
writes their rows (`transactions`) and serving them safely (`downloads`).

May import: memos.models (the floor) and apps below memos; nothing else of memos.
"""
