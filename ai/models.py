"""AI provider configurations and the token-usage ledger shared by chat, notes and bots."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy

from ai.validators import validate_base_url, validate_model_name

CONFIG_KEY = RegexValidator(
    r"^[a-z0-9][a-z0-9_-]{0,49}$", "A config's name is lower-case letters, digits, _ and -, e.g. local-llama."
)


class AIConfig(models.Model):
    """How to reach one OpenAI-compatible provider (Mosaic `server_ai_configs`, whose key is free text). The
    configs named `chat`, `embedding`, `diary`, `bot` and `summary` are the defaults for those purposes; any other
    name is a provider a chat or a bot can pick (a local model for bots, a hosted one for chat)."""

    class Key(models.TextChoices):
        """The purposes with a default config of their name."""

        CHAT = "chat", gettext_lazy("Chat")
        EMBEDDING = "embedding", gettext_lazy("Embeddings")
        DIARY = "diary", gettext_lazy("Diary generation")
        BOT = "bot", gettext_lazy("Bots")
        SUMMARY = "summary", gettext_lazy("Revision summaries")

    class Provider(models.TextChoices):
        OPENAI = "openai", "OpenAI"
        OLLAMA = "ollama", gettext_lazy("Ollama")
        VLLM = "vllm", gettext_lazy("vLLM")
        LLAMACPP = "llamacpp", gettext_lazy("llama.cpp server")
        LMSTUDIO = "lmstudio", gettext_lazy("LM Studio")
        OPENROUTER = "openrouter", gettext_lazy("OpenRouter")
        GEMINI = "gemini", gettext_lazy("Gemini (OpenAI endpoint)")
        OTHER = "other", gettext_lazy("Other OpenAI-compatible")

    key = models.CharField(
        gettext_lazy("name"),
        max_length=50,
        unique=True,
        validators=[CONFIG_KEY],
        help_text=gettext_lazy(
            "chat, embedding, diary, bot or summary: the default for that purpose; any other name: a provider "
            "chats and bots can pick."
        ),
    )
    provider = models.CharField(
        max_length=20, choices=Provider.choices, default=Provider.OTHER, verbose_name=gettext_lazy("provider")
    )
    base_url = models.URLField(
        max_length=500,
        validators=[validate_base_url],
        help_text=gettext_lazy("e.g. http://127.0.0.1:11434/v1 for Ollama."),
        verbose_name=gettext_lazy("base URL"),
    )
    # Fernet token, never the key itself; set through ai.services.ai_config_save.
    api_key_encrypted = models.TextField(
        blank=True, default="", editable=False, verbose_name=gettext_lazy("API key (encrypted)")
    )
    model = models.CharField(max_length=200, validators=[validate_model_name], verbose_name=gettext_lazy("model"))
    temperature = models.FloatField(
        default=0.7,
        validators=[MinValueValidator(0.0), MaxValueValidator(2.0)],
        verbose_name=gettext_lazy("temperature"),
    )
    max_tokens = models.PositiveIntegerField(
        null=True,
        blank=True,
        help_text=gettext_lazy("Empty: the provider's default."),
        verbose_name=gettext_lazy("max tokens"),
    )
    timeout_seconds = models.PositiveIntegerField(
        default=60,
        validators=[MinValueValidator(1), MaxValueValidator(600)],
        help_text=gettext_lazy("Longest wait for a reply."),
        verbose_name=gettext_lazy("timeout (s)"),
    )
    vision = models.BooleanField(
        default=False,
        help_text=gettext_lazy("Its model reads images: pictures attached in chats go to it as images."),
        verbose_name=gettext_lazy("reads images"),
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=gettext_lazy("created at"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=gettext_lazy("updated at"))

    class Meta:
        verbose_name_plural = gettext_lazy("AI configs")
        ordering = ["key"]
        verbose_name = gettext_lazy("AI config")

    def __str__(self) -> str:
        return f"{self.key} ({self.model})"  # shown to users picking one: never the provider's address

    @property
    def purpose(self) -> str:
        """What the config is the default for, or "" for a named provider."""
        return str(self.Key(self.key).label) if self.key in self.Key.values else ""

    @property
    def has_api_key(self) -> bool:
        return bool(self.api_key_encrypted)


class UserTokenLimit(models.Model):
    """A per-user daily token limit that overrides the site-wide `daily_token_limit`."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="token_limit",
        verbose_name=gettext_lazy("user"),
    )
    daily_tokens = models.PositiveIntegerField(
        null=True,
        blank=True,
        help_text=gettext_lazy("Empty: no limit for this user."),
        verbose_name=gettext_lazy("daily tokens"),
    )

    class Meta:
        verbose_name = gettext_lazy("user token limit")
        verbose_name_plural = gettext_lazy("user token limits")

    def __str__(self) -> str:
        return f"{self.user_id}: {self.daily_tokens or 'unlimited'}"


class TokenUsage(models.Model):
    """Tokens one user spent with one model for one feature on one day (their local day)."""

    class Feature(models.TextChoices):
        CHAT = "chat", gettext_lazy("Chat")
        TITLE = "title", gettext_lazy("Chat titles")
        MEMO = "memo", gettext_lazy("Notes")
        BOT = "bot", gettext_lazy("Bots")
        DIARY = "diary", gettext_lazy("Diaries")
        EMBEDDING = "embedding", gettext_lazy("Embeddings")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="token_usage",
        verbose_name=gettext_lazy("user"),
    )
    day = models.DateField(verbose_name=gettext_lazy("day"))
    model = models.CharField(max_length=200, verbose_name=gettext_lazy("model"))
    feature = models.CharField(max_length=20, choices=Feature.choices, verbose_name=gettext_lazy("feature"))
    requests = models.PositiveIntegerField(default=0, verbose_name=gettext_lazy("requests"))
    prompt_tokens = models.PositiveBigIntegerField(default=0, verbose_name=gettext_lazy("prompt tokens"))
    completion_tokens = models.PositiveBigIntegerField(default=0, verbose_name=gettext_lazy("completion tokens"))
    estimated_tokens = models.PositiveBigIntegerField(
        default=0,
        help_text=gettext_lazy("Part of the total that was estimated because the provider reported no usage."),
        verbose_name=gettext_lazy("estimated tokens"),
    )
    updated_at = models.DateTimeField(auto_now=True, verbose_name=gettext_lazy("updated at"))

    class Meta:
        verbose_name = gettext_lazy("token usage")
        ordering = ["-day", "model"]
        constraints = [
            models.UniqueConstraint(fields=["user", "day", "model", "feature"], name="ai_tokenusage_unique_day")
        ]
        verbose_name_plural = gettext_lazy("token usage")

    def __str__(self) -> str:
        return f"{self.user_id} {self.day} {self.model}/{self.feature}"

    @property
    def total_tokens(self) -> int:
        return self.prompt_tokens + self.completion_tokens
