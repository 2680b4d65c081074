"""Search: finding memos. Owns keyword search and the hybrid ranking (`keyword`), the embeddings index and the
nearest-neighbour queries (`semantic`), and the index's writes (`services`: forget, catch up).

May import: memos.models (the floor) and apps below memos; nothing else of memos.
"""
