"""The library at 10,000 works: a first scan against an unchanged rescan (target: the rescan ≥ 10× faster), and the
grid page's latency beside a constant page's, in one run.

Generates WORKS work folders under var/bench/library (once; reused after): two 0.1 s WAV tracks, a cover, lyrics
and a work.json sidecar (one of 300 circles, 3 of 60 tags, one of 120 voice actors, a release date, price and
sales). Forgets the bench root's works, scans (first scan), scans again (nothing changed), then serves Quillium as
`make run` does (uvicorn, DEBUG off) and asks for grid pages (sorts, filters, deep pages) as one signed-in person,
next to `/healthz` as the reference.

Usage: .venv/bin/python bench/library.py [--works 10000 --requests 300]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import time
import wave
from pathlib import Path

import httpx2
from harness import free_port, percentile, start_quillium, stop, wait_for

LIBRARY = Path(os.environ["DATA_DIR"]) / "library"
os.environ["LIBRARY_ROOTS"] = f"bench={LIBRARY}"
os.environ["DEBUG"] = "false"  # as served; and DEBUG would keep every query of the scan in memory


def generate(count: int) -> None:
    """Work folders RJ10000000… with tiny audio; skipped when they are already there."""
    marker = LIBRARY / f".generated-{count}"
    if marker.exists():
        return
    rng = random.Random(12)
    frames = b"\x00\x00" * 800
    for n in range(count):
        folder = LIBRARY / f"circle-{n % 300:03d}" / f"RJ{10000000 + n} Work {n}"
        folder.mkdir(parents=True, exist_ok=True)
        for track in (1, 2):
            with wave.open(str(folder / f"{track:02d} part.wav"), "wb") as audio:
                audio.setnchannels(1)
                audio.setsampwidth(2)
                audio.setframerate(8000)
                audio.writeframes(frames)
        (folder / "01 part.lrc").write_text("[00:00.00]hello\n")
        (folder / "cover.jpg").write_bytes(b"\xff\xd8\xff\xe0bench")
        sidecar = {
            "circle": f"Circle {n % 300}", "tags": [f"tag-{t}" for t in rng.sample(range(60), 3)],
            "vas": [f"Voice {rng.randrange(120)}"], "release": f"{2015 + n % 10}-{1 + n % 12:02d}-{1 + n % 28:02d}",
            "price": rng.randrange(100, 3000), "dl_count": rng.randrange(0, 50000), "nsfw": n % 7 == 0,
        }  # fmt: skip
        (folder / "work.json").write_text(json.dumps(sidecar))
        if n % 1000 == 999:
            print(f"  generated {n + 1:,} folders", flush=True)
    marker.touch()


def scans() -> tuple[float, float, dict, dict]:
    import django

    django.setup()
    from django.core.management import call_command

    from library import scanner
    from library.models import Root, Work

    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)  # the server runs with DEBUG off
    Work.objects.filter(root__name="bench").delete()
    Root.objects.exclude(name="bench").delete()

    def counts(record) -> dict:
        return {k: getattr(record, k) for k in ("added", "changed", "unchanged", "missing", "folders_total")}

    started = time.perf_counter()
    first = scanner.scan(progress=lambda r: print(f"  first scan {r.folders_done:,}/{r.folders_total:,}", flush=True)
                         if r.folders_done % 2000 == 0 else None)  # fmt: skip
    first_seconds = time.perf_counter() - started
    started = time.perf_counter()
    again = scanner.scan()
    again_seconds = time.perf_counter() - started
    return first_seconds, again_seconds, counts(first), counts(again)


def session_cookie() -> str:
    from django.test import Client

    from accounts.models import User
    from accounts.services import user_create

    User.objects.filter(email="bench-library@example.com").delete()
    user = user_create(email="bench-library@example.com", password=None, name="Bench")
    client = Client()
    client.force_login(user)
    return client.cookies["sessionid"].value


def timed(client: httpx2.Client, url: str) -> float:
    sent = time.perf_counter()
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return (time.perf_counter() - sent) * 1000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--works", type=int, default=10000)
    parser.add_argument("--requests", type=int, default=300)
    options = parser.parse_args()

    generate(options.works)
    first, again, first_counts, again_counts = scans()
    print(f"First scan of {options.works:,} folders: {first:.1f} s {first_counts}")
    print(f"Unchanged rescan: {again:.2f} s {again_counts}  → {first / again:.1f}× faster")

    cookie = session_cookie()
    port = free_port()
    processes = [start_quillium(port)]
    base = f"http://127.0.0.1:{port}"
    wait_for(f"{base}/healthz")
    rng = random.Random(5)
    grids = [
        "/library/", "/library/?ordering=-dl_count", "/library/?ordering=-rate_average_2dp", "/library/?ordering=price",
        "/library/?ordering=-review_count", "/library/?circle=Circle+42", "/library/?tag=tag-7",
        "/library/?va=Voice+3&ordering=-release", "/library/?page=100", "/library/?search=Work+77",
    ]  # fmt: skip
    try:
        with httpx2.Client(base_url=base, cookies={"sessionid": cookie}, timeout=30) as client:
            for url in grids:
                timed(client, url)  # warm
            grid = [timed(client, rng.choice(grids)) for _ in range(options.requests)]
            constant = [timed(client, "/healthz") for _ in range(options.requests)]
            api = [timed(client, "/api/v1/library/works/?ordering=-dl_count") for _ in range(options.requests // 3)]
    finally:
        stop(processes)

    def line(name: str, values: list[float]) -> str:
        return (f"  {name:<38} p50 {percentile(values, 0.5):6.1f} ms   p95 {percentile(values, 0.95):6.1f} ms   "
                f"({len(values)} requests)")  # fmt: skip

    print(f"Pages with {options.works:,} works, one signed-in person, sequential:")
    print(line("grid (sorts, filters, page 100)", grid))
    print(line("API works list (-dl_count)", api))
    print(line("/healthz (reference)", constant))


if __name__ == "__main__":
    main()
