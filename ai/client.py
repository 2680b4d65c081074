"""One async client for every OpenAI-compatible provider (OpenAI, Ollama, vLLM, llama.cpp, LM Studio, …).

Every failure leaves here as a ProviderError of a few kinds, with a message a person can act on and never
the API key in it. Connection failures are retried a little; nothing else is, and nothing waits longer than
the config's timeout for a reply or for the next piece of a streamed one.
"""

from __future__ import annotations

import asyncio
import logging
import math
import re
import time
import weakref
from collections.abc import AsyncGenerator, Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import httpx2
import openai

from ai import sse
from quillium_site.errors import ServiceError
from quillium_site.metrics import PROVIDER_CALLS, record_provider_call

logger = logging.getLogger("quillium.ai")

CONNECT_RETRIES = 2
RETRY_BACKOFF_SECONDS = 0.25


class ProviderError(ServiceError):
    """A provider call failed; `kind` says how, `message` says it to a person. An API request that needed the
    provider answers 503 when none is configured, else 502, with the code `provider_<kind>`."""

    UNREACHABLE = "unreachable"
    TIMED_OUT = "timed_out"
    UNAUTHORIZED = "unauthorized"
    RATE_LIMITED = "rate_limited"
    BAD_REQUEST = "bad_request"
    FAILED = "failed"
    INTERRUPTED = "interrupted"
    NOT_CONFIGURED = "not_configured"

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message

    @property
    def retryable(self) -> bool:
        return self.kind not in {self.BAD_REQUEST, self.NOT_CONFIGURED}

    @property
    def http_status(self) -> int:
        return 503 if self.kind == self.NOT_CONFIGURED else 502

    @property
    def error_code(self) -> str:
        return f"provider_{self.kind}"


@dataclass(frozen=True)
class Endpoint:
    """Everything needed to call a provider, with the API key already decrypted (never logged or shown)."""

    base_url: str
    api_key: str
    model: str
    temperature: float = 0.7
    max_tokens: int | None = None
    timeout: float = 60.0

    def __repr__(self) -> str:
        return f"Endpoint(base_url={self.base_url!r}, model={self.model!r})"


@dataclass(frozen=True)
class Usage:
    prompt_tokens: int
    completion_tokens: int
    estimated: bool = False

    @property
    def total(self) -> int:
        return self.prompt_tokens + self.completion_tokens


@dataclass(frozen=True)
class Completion:
    content: str
    usage: Usage


_WIDE = re.compile(r"[\u3000-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef]")


def estimate_tokens(text: str) -> int:
    """A rough count for when the provider reports none: ~4 characters a token, one per CJK character."""
    if not text:
        return 0
    wide = len(_WIDE.findall(text))
    return wide + math.ceil((len(text) - wide) / 4)


# A message's content: text, or (for vision-capable models) a list of parts, text and images.
Messages = list[dict[str, Any]]
IMAGE_TOKENS = 765  # what OpenAI charges a high-detail 512 px tile image; estimates only


def _content_tokens(content: str | list[dict[str, Any]]) -> int:
    if isinstance(content, str):
        return estimate_tokens(content)
    return sum(
        estimate_tokens(part.get("text", "")) if part.get("type") == "text" else IMAGE_TOKENS for part in content
    )


def estimate_usage(messages: Messages, reply: str) -> Usage:
    prompt = sum(_content_tokens(message["content"]) + 4 for message in messages)
    return Usage(prompt_tokens=prompt, completion_tokens=estimate_tokens(reply), estimated=True)


def _scrub(text: str, endpoint: Endpoint) -> str:
    if endpoint.api_key and len(endpoint.api_key) >= 4:
        text = text.replace(endpoint.api_key, "[key]")
    return text[:300]


def _translate(exc: BaseException, endpoint: Endpoint) -> ProviderError:
    timeout = f"{endpoint.timeout:g}"
    if isinstance(exc, openai.APITimeoutError | httpx2.TimeoutException | TimeoutError):
        return ProviderError(ProviderError.TIMED_OUT, f"The AI provider didn't answer within {timeout} s.")
    if isinstance(exc, openai.APIConnectionError | httpx2.ConnectError):
        return ProviderError(ProviderError.UNREACHABLE, f"Can't reach the AI provider at {endpoint.base_url}.")
    if isinstance(exc, httpx2.TransportError):
        return ProviderError(ProviderError.INTERRUPTED, "The AI provider broke off the reply.")
    if isinstance(exc, openai.APIStatusError):
        return _status_error(exc.status_code, exc.body, endpoint, fallback=exc.message)
    if isinstance(exc, sse.StatusError):
        return _status_error(exc.status_code, exc.body, endpoint)
    if isinstance(exc, sse.StreamError):
        return ProviderError(ProviderError.FAILED, _scrub(str(exc), endpoint))
    if isinstance(exc, openai.APIError):
        return ProviderError(
            ProviderError.FAILED, f"The AI provider sent something we can't read: {type(exc).__name__}."
        )
    return _unexpected(exc, endpoint)


def _unexpected(exc: BaseException, endpoint: Endpoint) -> ProviderError:
    """Whatever else a provider call raised (a bug here or in a library, a value it can't send): still a failed
    call with a reason, never an error page or a reply that stops without one."""
    logger.error("Provider call to %s failed unexpectedly: %s", endpoint.base_url, _scrub(repr(exc), endpoint))
    return ProviderError(ProviderError.FAILED, f"The call to the AI provider failed ({type(exc).__name__}).")


def _status_error(status_code: int, body: Any, endpoint: Endpoint, fallback: str = "") -> ProviderError:
    if status_code in (401, 403):
        return ProviderError(
            ProviderError.UNAUTHORIZED,
            f"The AI provider refused the API key (HTTP {status_code}); an administrator should check it.",
        )
    if status_code == 429:
        return ProviderError(ProviderError.RATE_LIMITED, "The AI provider is rate-limiting us; try again shortly.")
    if 400 <= status_code < 500:
        detail = _scrub(_error_message(body) or fallback or f"HTTP {status_code}", endpoint)
        return ProviderError(ProviderError.BAD_REQUEST, f"The AI provider rejected the request: {detail}")
    return ProviderError(ProviderError.FAILED, f"The AI provider failed (HTTP {status_code}); try again.")


def _error_message(body: Any) -> str:
    if isinstance(body, dict):
        error = body.get("error", body)
        if isinstance(error, dict) and error.get("message"):
            return str(error["message"])
        if isinstance(error, str):
            return error
    if isinstance(body, str):
        return body.strip()
    return ""


# Each event loop keeps one AsyncOpenAI per endpoint, over the loop's HTTP client for that provider (shared with
# streams, see ai.sse.http_client); a loop's clients go when the loop does.
_clients: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, dict[tuple, openai.AsyncOpenAI]] = (
    weakref.WeakKeyDictionary()
)


def _client(endpoint: Endpoint) -> openai.AsyncOpenAI:
    return sse.per_loop(
        _clients,
        (endpoint.base_url, endpoint.api_key, endpoint.timeout),
        lambda: openai.AsyncOpenAI(
            base_url=endpoint.base_url,
            api_key=endpoint.api_key or "none",  # local servers take no key, but the SDK insists on one
            timeout=endpoint.timeout,
            max_retries=0,  # we retry connection failures only, below
            http_client=sse.http_client(endpoint.base_url, endpoint.timeout),
        ),
    )


async def _retrying[T](endpoint: Endpoint, request: Callable[[], Awaitable[T]], operation: str) -> T:
    """Run `request`, retrying only when the provider could not be reached at all; counted in /metrics."""
    started = time.perf_counter()
    try:
        result = await _attempts(endpoint, request)
    except ProviderError as error:
        record_provider_call(operation, started, error.kind)
        raise
    record_provider_call(operation, started, "ok")
    return result


async def _attempts[T](endpoint: Endpoint, request: Callable[[], Awaitable[T]]) -> T:
    for attempt in range(CONNECT_RETRIES + 1):
        try:
            return await request()
        except openai.APITimeoutError as exc:
            raise _translate(exc, endpoint) from None
        except (openai.APIConnectionError, httpx2.ConnectError) as exc:  # the SDK's calls, and streams (ai.sse)
            if attempt == CONNECT_RETRIES:
                raise _translate(exc, endpoint) from None
        except (openai.APIError, httpx2.HTTPError, sse.StatusError) as exc:
            raise _translate(exc, endpoint) from None
        except ProviderError:
            raise
        except Exception as exc:  # noqa: BLE001 - see _unexpected
            raise _unexpected(exc, endpoint) from None
        await asyncio.sleep(RETRY_BACKOFF_SECONDS * 2**attempt)
    raise AssertionError("not reached")


async def list_models(endpoint: Endpoint) -> list[str]:
    """Model ids the provider offers, sorted."""

    client = _client(endpoint)
    page = await _retrying(endpoint, client.models.list, "models")
    return sorted(model.id for model in page.data)


def _params(endpoint: Endpoint, messages: Messages, model: str | None) -> dict[str, Any]:
    params: dict[str, Any] = {
        "model": model or endpoint.model,
        "messages": messages,
        "temperature": endpoint.temperature,
    }
    if endpoint.max_tokens:
        params["max_tokens"] = endpoint.max_tokens
    return params


async def complete(endpoint: Endpoint, messages: Messages, *, model: str | None = None) -> Completion:
    """A whole reply at once."""

    client = _client(endpoint)
    response = await _retrying(
        endpoint, lambda: client.chat.completions.create(**_params(endpoint, messages, model)), "chat"
    )
    content = (response.choices[0].message.content or "") if response.choices else ""
    if response.usage:
        usage = Usage(response.usage.prompt_tokens or 0, response.usage.completion_tokens or 0)
    else:
        usage = estimate_usage(messages, content)
    return Completion(content=content, usage=usage)


async def stream(endpoint: Endpoint, messages: Messages, *, model: str | None = None) -> AsyncGenerator[str | Usage]:
    """Yield the reply's text pieces as they arrive, then one Usage (the provider's, or an estimate).

    Raises ProviderError(INTERRUPTED) when the stream ends without the provider saying the reply is finished.
    """
    body = {**_params(endpoint, messages, model), "stream": True, "stream_options": {"include_usage": True}}
    pieces: list[str] = []
    usage: Usage | None = None
    finished = False
    response = None
    try:
        response = await _retrying(
            endpoint, lambda: sse.open_stream(endpoint.base_url, endpoint.api_key, endpoint.timeout, body), "stream"
        )
        async for chunk in sse.events(response):
            if chunk.get("usage"):
                usage = Usage(chunk["usage"].get("prompt_tokens") or 0, chunk["usage"].get("completion_tokens") or 0)
            for choice in chunk.get("choices") or ():
                content = (choice.get("delta") or {}).get("content")
                if content:
                    pieces.append(content)
                    yield content
                if choice.get("finish_reason"):
                    finished = True
    except (httpx2.HTTPError, sse.StreamError) as exc:
        broken = isinstance(exc, httpx2.TransportError) and not isinstance(exc, httpx2.TimeoutException)
        if broken and response is not None:  # the connection dropped mid-reply
            PROVIDER_CALLS.labels("stream_body", ProviderError.INTERRUPTED).inc()
            raise ProviderError(ProviderError.INTERRUPTED, "The AI provider broke off the reply.") from None
        error = _translate(exc, endpoint)
        if response is not None:
            PROVIDER_CALLS.labels("stream_body", error.kind).inc()
        raise error from None
    except ProviderError:
        raise
    except Exception as exc:  # noqa: BLE001 - see _unexpected
        raise _unexpected(exc, endpoint) from None
    finally:
        if response is not None:
            await response.aclose()
    if not finished:
        PROVIDER_CALLS.labels("stream_body", ProviderError.INTERRUPTED).inc()
        raise ProviderError(ProviderError.INTERRUPTED, "The AI provider broke off the reply.")
    yield usage or estimate_usage(messages, "".join(pieces))


async def embed(endpoint: Endpoint, texts: list[str], *, model: str | None = None) -> list[list[float]]:
    """One vector per text, in order."""

    client = _client(endpoint)
    response = await _retrying(
        endpoint, lambda: client.embeddings.create(model=model or endpoint.model, input=texts), "embed"
    )
    return [item.embedding for item in sorted(response.data, key=lambda item: item.index)]
