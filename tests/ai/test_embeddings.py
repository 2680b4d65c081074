"""The offline default embedding model, and the switch to an OpenAI-compatible endpoint."""

import numpy as np
import pytest

from ai import local_embeddings
from ai.models import AIConfig
from ai.services import ai_config_save, embed_texts
from tests.fakes.openai_server import vector


def cosine(a, b) -> float:
    return float(np.dot(a, b))


def test_paraphrases_are_closer_than_unrelated_texts():
    vectors = local_embeddings.model().embed(
        [
            "A man is playing a guitar.",
            "Someone is strumming a guitar.",
            "Stock markets fell sharply today.",
        ]
    )

    assert vectors.shape == (3, 384) and vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert cosine(vectors[0], vectors[1]) > 0.6
    assert cosine(vectors[0], vectors[2]) < 0.2


def test_batching_and_padding_do_not_change_a_vector():
    model = local_embeddings.model()
    alone = model.embed(["a short note"])[0]
    in_a_batch = model.embed(["a much longer note about many different things " * 5, "a short note"])[1]

    assert np.allclose(alone, in_a_batch, atol=1e-5)


def test_long_texts_are_embedded_in_chunks():
    model = local_embeddings.model()
    long_text = "The garden was full of roses and tulips. " * 120  # far past 256 tokens

    assert len(model._chunks(long_text)) > 1
    vector = model.embed([long_text])[0]
    assert abs(np.linalg.norm(vector) - 1.0) < 1e-5
    assert cosine(vector, model.embed(["a garden of roses and tulips"])[0]) > 0.5


@pytest.mark.django_db
def test_without_an_embedding_config_the_offline_model_is_used(fake_llm):
    result = embed_texts(["hello"])

    assert (result.provider, result.model, len(result.vectors[0])) == ("local", "all-MiniLM-L6-v2", 384)
    assert not any(request["path"].endswith("/embeddings") for request in fake_llm.requests)


@pytest.mark.django_db
def test_an_embedding_config_switches_to_its_endpoint(fake_llm):
    ai_config_save(AIConfig(key="embedding", base_url=fake_llm.url, model="fake-embed", timeout_seconds=2))

    result = embed_texts(["hello", "world"])

    assert (result.provider, result.model) == ("openai-compatible", "fake-embed")
    assert [len(vector) for vector in result.vectors] == [8, 8]
    assert result.vectors[0] == pytest.approx(vector("hello", 8), abs=1e-6)
    request = fake_llm.requests[-1]["body"]
    assert (request["model"], request["input"]) == ("fake-embed", ["hello", "world"])


def test_concurrent_callers_share_forward_passes_and_each_gets_its_own_vectors():
    import threading
    import time

    passes: list[list[str]] = []

    def run(texts: list[str]) -> np.ndarray:
        passes.append(texts)
        time.sleep(0.02)  # a forward pass takes a while: callers arriving meanwhile wait for the next one
        return np.array([[float(text.split()[1]), float(len(texts))] for text in texts], dtype=np.float32)

    batcher = local_embeddings.Batcher(run, most=8)
    results: dict[int, np.ndarray] = {}

    def call(n: int) -> None:
        results[n] = batcher.embed([f"query {n}", f"again {n}"])

    threads = [threading.Thread(target=call, args=(n,)) for n in range(24)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)

    assert sorted(results) == list(range(24))
    assert all(list(results[n][:, 0]) == [n, n] for n in results)  # each caller's own texts, in order
    assert len(passes) < 24 and max(len(texts) for texts in passes) <= 8  # shared passes, none past `most`
    assert sum(len(texts) for texts in passes) == 48


def test_a_failed_pass_fails_its_callers_and_the_next_pass_runs():
    calls = []

    def run(texts: list[str]) -> np.ndarray:
        calls.append(texts)
        if len(calls) == 1:
            raise RuntimeError("model broke")
        return np.zeros((len(texts), 2), dtype=np.float32)

    batcher = local_embeddings.Batcher(run)

    with pytest.raises(RuntimeError, match="model broke"):
        batcher.embed(["a"])
    assert batcher.embed(["b"]).shape == (1, 2)


def test_the_offline_model_through_the_batcher_matches_the_model():
    alone = local_embeddings.model().embed(["piano lessons"])[0]

    assert np.allclose(local_embeddings.embed(["piano lessons"])[0], alone, atol=1e-6)
