"""The shared Markdown renderer: one instance per thread reused safely, and rendered HTML cached by text."""

from __future__ import annotations

import threading

from quillium_site import markdown


def test_a_reused_renderer_forgets_the_previous_text():
    first = markdown.render_markdown("[ref]: https://example.com/a\n\nSee [it][ref].\n\n```\ncode\n```")
    second = markdown.render_markdown("See [it][ref].")  # the reference must not leak from the text before
    assert 'href="https://example.com/a"' in first and "<pre><code>code" in first
    assert "href" not in second


def test_rendering_is_cached_by_text_and_long_texts_stay_out_of_the_cache():
    markdown._render_cached.cache_clear()
    text = "Hello <script>alert(1)</script> **there**"
    assert markdown.render_markdown(text) == markdown.render_markdown(text)
    assert markdown._render_cached.cache_info().hits == 1
    assert "<script>" not in markdown.render_markdown(text)
    long = "word " * (markdown.CACHED_UP_TO // 5 + 1) + "<script>x</script>"
    assert "<script>" not in markdown.render_markdown(long)
    assert markdown._render_cached.cache_info().currsize == 1


def test_threads_render_side_by_side():
    results: dict[int, str] = {}

    def render(n: int) -> None:
        for _ in range(50):
            results[n] = markdown._render(f"# Title {n}\n\n- item {n}")

    threads = [threading.Thread(target=render, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert all(f"Title {n}</h1>" in results[n] and f"item {n}</li>" in results[n] for n in range(4))
