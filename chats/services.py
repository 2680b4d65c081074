"""Every write to chats: pages, API, admin, tasks and tests call these (the streaming runner too)."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, connection, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _

from accounts import site_settings
from ai import services as ai_services
from ai.client import Messages, ProviderError, Usage, estimate_tokens
from ai.models import AIConfig, TokenUsage
from chats import attachments, selectors, threads
from chats.models import DEFAULT_TITLE, Chat, ChatFile, ChatShare, Folder, Message
from quillium_site import queue
from quillium_site.errors import Conflict
from quillium_site.files import limits
from quillium_site.files import transactions as file_transactions

if TYPE_CHECKING:
    from accounts.models import User

MAX_MESSAGE_CHARS = 100_000


class ReplyInProgress(Conflict):
    """The chat is already answering; stop that reply first."""


class NothingToRegenerate(Conflict):
    """The chat has no user message to answer."""


# -- chats and folders ----------------------------------------------------------------------------------


def chat_create(
    *,
    owner: User,
    title: str = "",
    model: str = "",
    system_prompt: str = "",
    folder: Folder | None = None,
    pinned: bool = False,
    use_notes: bool = False,
    ai_config: AIConfig | None = None,
    is_archived: bool = False,
) -> Chat:
    """Start a chat; a blank title gets the default and an automatic one after the first reply."""
    _check_folder(owner, folder)
    _check_config(ai_config)
    chat = Chat(
        owner=owner,
        title=title.strip() or DEFAULT_TITLE,
        title_source=Chat.TitleSource.MANUAL if title.strip() else Chat.TitleSource.DEFAULT,
        model=model.strip(),
        system_prompt=system_prompt,
        folder=folder,
        pinned=pinned,
        use_notes=use_notes,
        ai_config=ai_config,
        is_archived=is_archived,
    )
    chat.full_clean()
    chat.save()
    return chat


def chat_update(chat: Chat, **changes: Any) -> Chat:
    """Rename, re-file, pin, archive, or change the model or system prompt of a chat."""
    allowed = {"title", "model", "system_prompt", "folder", "pinned", "use_notes", "ai_config", "is_archived"}
    unknown = set(changes) - allowed
    if unknown:
        raise ValueError(f"Not a chat field: {', '.join(sorted(unknown))}")
    if "folder" in changes:
        _check_folder(chat.owner, changes["folder"])
    if "ai_config" in changes:
        _check_config(changes["ai_config"])
    if "title" in changes:
        changes["title"] = changes["title"].strip()
        if not changes["title"]:
            raise ValidationError({"title": _("A chat needs a title.")})
        chat.title_source = Chat.TitleSource.MANUAL
    for field, value in changes.items():
        setattr(chat, field, value)
    chat.full_clean()
    chat.save(update_fields=[*changes, "title_source", "updated_at"])
    return chat


def share_create(chat: Chat) -> tuple[ChatShare, str]:
    """A read-only link to the conversation as it stands now (later turns don't appear). Returns the share and its
    token, which is not kept: only its hash is."""
    turns = [
        {"role": message.role, "content": message.content}
        for message in chat_path(chat)
        if message.role in (Message.Role.USER, Message.Role.ASSISTANT) and message.content
    ]
    if not turns:
        raise ValidationError({"chat": _("There is nothing to share yet.")})
    token = secrets.token_urlsafe(24)
    share = ChatShare.objects.create(chat=chat, token_hash=share_hash(token), title=chat.title, snapshot=turns)
    return share, token


def share_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def share_revoke(share: ChatShare) -> ChatShare:
    if share.revoked_at is None:
        share.revoked_at = timezone.now()
        share.save(update_fields=["revoked_at"])
    return share


def shared_by_token(token: str) -> ChatShare | None:
    return ChatShare.objects.filter(token_hash=share_hash(token), revoked_at=None).first()


def chat_delete(chat: Chat) -> None:
    """Delete a chat with its messages, shares and files (the stored files once the deletion is committed)."""
    names = list(chat.files.values_list("file", flat=True))
    chat.delete()
    transaction.on_commit(lambda: _files_delete(names), robust=True)


def _files_delete(names: list[str]) -> None:
    for name in names:
        default_storage.delete(name)


# -- files attached in the message box ------------------------------------------------------------------


def chat_reads_images(chat: Chat) -> bool:
    """Whether the chat's provider config says its model reads images."""
    config = chat.ai_config if chat.ai_config_id else AIConfig.objects.filter(key=AIConfig.Key.CHAT).first()
    return bool(config and config.vision)


def chat_file_add(chat: Chat, upload: UploadedFile) -> ChatFile:
    """Store a file for the chat's next question; refused (ValidationError) when too large, of a kind chats
    can't use, or an image for a model that doesn't read images. Its type comes from its bytes."""
    size = upload.size or 0
    limits.check_size(size, site_settings.get("upload_max_bytes"))
    filename = get_valid_filename(upload.name or "")[:255] or "file"
    try:
        read = attachments.read(upload, filename, max_chars=site_settings.get("chat_file_max_chars"))
    except ValidationError as exc:
        raise ValidationError({"file": exc.messages}) from None
    if read.kind == ChatFile.Kind.IMAGE and not chat_reads_images(chat):
        raise ValidationError(
            {
                "file": _(
                    "This chat's model doesn't read images. Pick a provider that does in the chat's settings, or "
                    "ask an administrator to mark its AI config as reading images."
                )
            }
        )
    attachment = ChatFile(
        chat=chat, filename=filename, kind=read.kind, mime_type=read.mime_type, file_size=size, text=read.text,
        truncated=read.truncated,
    )  # fmt: skip
    upload.seek(0)
    attachment.file.save(filename, upload, save=False)
    name = attachment.file.name or ""
    file_transactions.remember(name)  # an enclosing atomic_with_files deletes it if it rolls back
    try:
        with transaction.atomic():
            attachment.save()
    except BaseException:
        default_storage.delete(name)  # the row never existed: neither may its file
        raise
    return attachment


def chat_file_delete(attachment: ChatFile) -> None:
    """Take back a file not sent yet (sent ones stay with their question, as the conversation was)."""
    if attachment.message_id is not None:
        raise Conflict(_("This file was sent with a question; it stays with it."))
    name = attachment.file.name or ""
    attachment.delete()
    transaction.on_commit(lambda: default_storage.delete(name), robust=True)


def _pending_files(chat: Chat, file_ids: list[Any]) -> list[ChatFile]:
    if not file_ids:
        return []
    files = list(chat.files.filter(pk__in=file_ids, message=None))
    if len(files) != len(set(file_ids)):
        raise ValidationError({"files": _("A file is not one of this chat's unsent files.")})
    return files


def _check_folder(owner: User, folder: Folder | None) -> None:
    if folder is not None and folder.owner_id != owner.pk:
        raise ValidationError({"folder": _("No such folder.")})


def _check_config(config: AIConfig | None) -> None:
    if config is not None and config.key == AIConfig.Key.EMBEDDING:
        raise ValidationError({"ai_config": _("The embedding config can't chat; pick another.")})


def folder_create(*, owner: User, name: str) -> Folder:
    name = name.strip()
    if not name:
        raise ValidationError({"name": _("A folder needs a name.")})
    if Folder.objects.filter(owner=owner, name=name).exists():
        raise ValidationError({"name": _("You already have a folder with this name.")})
    return Folder.objects.create(owner=owner, name=name)


def folder_rename(folder: Folder, name: str) -> Folder:
    name = name.strip()
    if not name:
        raise ValidationError({"name": _("A folder needs a name.")})
    if Folder.objects.filter(owner=folder.owner, name=name).exclude(pk=folder.pk).exists():
        raise ValidationError({"name": _("You already have a folder with this name.")})
    folder.name = name
    folder.save(update_fields=["name"])
    return folder


def folder_delete(folder: Folder) -> None:
    """Delete a folder; its chats stay, unfiled."""
    folder.delete()


# -- messages and replies -------------------------------------------------------------------------------


def _content(content: str, *, files_attached: bool = False) -> str:
    content = content.strip()
    if not content and not files_attached:
        raise ValidationError({"content": _("Write something first.")})
    if len(content) > MAX_MESSAGE_CHARS:
        raise ValidationError(
            {"content": _("Messages are limited to %(limit)s characters.") % {"limit": format(MAX_MESSAGE_CHARS, ",")}}
        )
    return content


def chat_path(chat: Chat, *, with_files: bool = False) -> list[Message]:
    """The conversation as shown: the active version of every turn (see chats.threads); `with_files` also reads
    the questions' files (one query) for a page to show."""
    messages = chat.messages.prefetch_related("files") if with_files else chat.messages.all()
    return threads.active_path(messages)


TREE_FIELDS = ("id", "parent_id", "active", "created_at", "role", "content", "status")


def message_send(chat: Chat, content: str, files: list[Any] | None = None) -> tuple[Message, Message]:
    """Save the user's message (with the chat's unsent files of `files`, by id) after the shown conversation and an
    empty reply to fill in; refuses over quota or while a reply runs."""
    question, reply = message_prepare(chat, content, files=files)
    message_save(question, reply)
    return question, reply


def message_prepare(
    chat: Chat, content: str, path: list[Message] | None = None, files: list[Any] | None = None
) -> tuple[Message, Message]:
    """`message_send` up to the insert: the question and its reply, not saved yet, so a caller can start asking the
    provider while `message_save` stores them. The reply carries its prompt's turns, read in the same query as the
    conversation (see prompt_for); `path` is that conversation when the caller read it with the chat
    (selectors.conversation), else it is read here (selectors.shown_path)."""
    attached = _pending_files(chat, files or [])
    content = _content(content, files_attached=bool(attached))
    ai_services.quota_check(chat.owner)
    if path is None:
        path = selectors.shown_path(chat)
    if path and path[-1].status == Message.Status.STREAMING:  # the usual conflict, refused before any provider call
        raise ReplyInProgress(_("The previous reply is still being written; stop it or wait."))
    question, reply = _pair(chat, content, parent_id=path[-1].pk if path else None)
    question.attached = attached  # type: ignore[attr-defined]
    reply.turns = [*path, question]  # type: ignore[attr-defined]
    return question, reply


def message_save(question: Message, reply: Message) -> None:
    """Store a prepared question and reply; ReplyInProgress when another reply started meanwhile."""
    _save_pair(question, reply, fresh_tail=True)


def message_edit(question: Message, content: str) -> tuple[Message, Message]:
    """Ask an edited question in place of `question`: a new version beside it, with a fresh reply; the earlier
    version and everything that followed it stay, one click away."""
    if question.role != Message.Role.USER:
        raise ValidationError({"content": _("Only your own questions can be edited.")})
    kept = list(question.files.all())  # the edited version is sent with the same files
    content = _content(content, files_attached=bool(kept))
    ai_services.quota_check(question.chat.owner)
    edited, reply = _pair(question.chat, content, parent_id=question.parent_id)
    edited.attached = [  # type: ignore[attr-defined]
        ChatFile(
            **{
                field.attname: getattr(attachment, field.attname)
                for field in ChatFile._meta.concrete_fields
                if not field.primary_key
            }
        )
        for attachment in kept
    ]
    _save_pair(edited, reply, fresh_tail=False)
    return edited, reply


def _pair(chat: Chat, content: str, *, parent_id: int | None) -> tuple[Message, Message]:
    question = Message(
        chat=chat, parent_id=parent_id, role=Message.Role.USER, content=content, tokens=estimate_tokens(content),
        tokens_estimated=True,
    )  # fmt: skip
    reply = Message(chat=chat, role=Message.Role.ASSISTANT, status=Message.Status.STREAMING, model=chat.model)
    return question, reply


def _save_pair(question: Message, reply: Message, *, fresh_tail: bool) -> None:
    """`fresh_tail`: the question follows the end of the shown conversation, so no sibling question needs hiding."""
    attached: list[ChatFile] = getattr(question, "attached", [])
    try:
        if fresh_tail and not attached and not connection.in_atomic_block:  # one statement is atomic on its own
            _insert_pair(question, reply)
        else:  # a savepoint inside a transaction, so a refused insert leaves it usable
            with transaction.atomic():
                if not fresh_tail:
                    _siblings(question.chat, question.parent_id, Message.Role.USER).update(active=False)
                _insert_pair(question, reply)
                _files_attach(question, attached)
    except IntegrityError:  # chats_message_one_running_reply
        raise ReplyInProgress(_("The previous reply is still being written; stop it or wait.")) from None
    # the chat's updated_at moves when the reply settles, off the path to the first token


def _files_attach(question: Message, attached: list[ChatFile]) -> None:
    copies = [attachment for attachment in attached if attachment._state.adding]  # an edited question's
    unsent = [attachment.pk for attachment in attached if not attachment._state.adding]
    for attachment in copies:
        attachment.message_id = question.pk
    ChatFile.objects.bulk_create(copies)
    if unsent and ChatFile.objects.filter(pk__in=unsent, message=None).update(message=question) != len(unsent):
        raise ValidationError({"files": _("A file was sent with another question meanwhile; attach it again.")})


def _insert_pair(question: Message, reply: Message) -> None:
    """Insert a question and its reply (whose parent is the question) in one statement: one round trip and atomic
    on its own, on the path to the first token of every reply."""
    fields = [field for field in Message._meta.concrete_fields if not field.primary_key]
    columns = ", ".join(connection.ops.quote_name(str(field.column)) for field in fields)
    params: list[Any] = []

    def row(message: Message, parent_from_question: bool) -> str:
        placeholders = []
        for field in fields:
            if parent_from_question and field.name == "parent":
                placeholders.append("q.id")
            else:
                placeholders.append("%s")
                params.append(field.get_db_prep_save(field.pre_save(message, True), connection))
        return ", ".join(placeholders)

    table = connection.ops.quote_name(Message._meta.db_table)
    first, second = row(question, False), row(reply, True)
    with connection.cursor() as cursor:
        cursor.execute(
            f"WITH q AS (INSERT INTO {table} ({columns}) VALUES ({first}) RETURNING id), "
            f"r AS (INSERT INTO {table} ({columns}) SELECT {second} FROM q RETURNING id) "
            "SELECT (SELECT id FROM q), (SELECT id FROM r)",
            params,
        )
        question.pk, reply.pk = cursor.fetchone()
    reply.parent = question
    question._state.adding = reply._state.adding = False


def _siblings(chat: Chat, parent_id: int | None, role: str) -> QuerySet[Message]:
    return Message.objects.filter(chat=chat, parent_id=parent_id, role=role)


@transaction.atomic
def reply_regenerate(chat: Chat) -> Message:
    """A new version of the last reply (or an answer to a last, unanswered question); earlier versions are kept."""
    path = chat_path(chat)
    if not path:
        raise NothingToRegenerate(_("There is nothing to answer yet."))
    last = path[-1]
    if last.status == Message.Status.STREAMING:
        raise ReplyInProgress(_("The reply is still being written; stop it first."))
    ai_services.quota_check(chat.owner)
    question = last if last.role == Message.Role.USER else last.parent
    _siblings(chat, question.pk if question else None, Message.Role.ASSISTANT).update(active=False)
    try:
        with transaction.atomic():
            return Message.objects.create(
                chat=chat, parent=question, role=Message.Role.ASSISTANT, status=Message.Status.STREAMING,
                model=chat.model,
            )  # fmt: skip
    except IntegrityError:
        raise ReplyInProgress(_("The reply is still being written; stop it first.")) from None


@transaction.atomic
def version_show(message: Message) -> Message:
    """Show this version of a reply or question (and what followed it) instead of its siblings."""
    if Message.objects.filter(chat=message.chat_id, status=Message.Status.STREAMING).exists():
        raise ReplyInProgress(_("A reply is being written; stop it first."))
    _siblings(message.chat, message.parent_id, message.role).exclude(pk=message.pk).update(active=False)
    Message.objects.filter(pk=message.pk).update(active=True)
    message.active = True
    return message


NOTES_IN_PROMPT = 5
NOTES_PREAMBLE = (
    "Notes from the user's own journal that may help with the last question. Use them where they are relevant, "
    "cite them by number like [1], and say so when they don't answer it.\n\n"
)


def prompt_for(reply: Message) -> Messages:
    """The conversation up to `reply`, as the provider wants it: system prompt, then the turns that count (a
    question's files with it: see turn_content). In a chat that answers from the user's notes, the notes related to
    the last question come first, and are recorded on the reply as its sources (the page links them)."""
    chat = reply.chat
    before = getattr(reply, "turns", None)  # given by message_prepare, which read the conversation already
    if before is None:
        before = threads.ancestors(chat.messages.only(*TREE_FIELDS), reply.pk)
    files = _files_of(chat, before)
    turns = [m for m in before if m.status != Message.Status.FAILED and (m.content or files.get(id(m)))]
    messages: Messages = [{"role": "system", "content": chat.system_prompt}] if chat.system_prompt.strip() else []
    question = next((m.content for m in reversed(turns) if m.role == Message.Role.USER), "")
    if chat.use_notes and question:
        notes = notes_attach(reply, question)
        if notes:
            listed = "\n\n".join(f"[{n}] ({note['date']}) {note['text']}" for n, note in enumerate(notes, start=1))
            messages.append({"role": "system", "content": NOTES_PREAMBLE + listed})
    images = [f for m in turns for f in files.get(id(m), []) if f.kind == ChatFile.Kind.IMAGE]
    shown = set(images[-attachments.IMAGES_PER_PROMPT :]) if images and chat_reads_images(chat) else set()
    return messages + [{"role": m.role, "content": turn_content(m.content, files.get(id(m), []), shown)} for m in turns]


def _files_of(chat: Chat, turns: list[Message]) -> dict[int, list[ChatFile]]:
    """The files of each question (by the message's id(), as the new question has no pk yet): one query."""
    files: dict[int, list[ChatFile]] = {}
    saved: dict[int | None, Message] = {m.pk: m for m in turns if m.role == Message.Role.USER and m.pk is not None}
    if saved:
        for attachment in ChatFile.objects.filter(chat=chat, message_id__in=list(saved)).order_by("created_at"):
            files.setdefault(id(saved[attachment.message_id]), []).append(attachment)
    for m in turns:
        if m.pk is None and getattr(m, "attached", None):
            files[id(m)] = getattr(m, "attached")  # noqa: B009  (set by message_prepare, unknown to the model)
    return files


def turn_content(content: str, files: list[ChatFile], shown: set[ChatFile]) -> str | list[dict[str, Any]]:
    """A question with its files: the text of text and PDF files after it, images in `shown` as image parts (a
    list of parts), other images named (the model can't see them, or they are older than the last few)."""
    text = content
    parts = []
    for attachment in files:
        if attachment.kind != ChatFile.Kind.IMAGE:
            text += attachments.context_block(attachment.filename, attachment.text, attachment.truncated)
        elif attachment in shown:
            with attachment.file.open("rb") as stored:
                parts.append(attachments.image_part(attachment.mime_type, stored.read()))
        else:
            text += f"\n[image: {attachment.filename}]"
    return [{"type": "text", "text": text}, *parts] if parts else text


def notes_attach(reply: Message, question: str) -> list[dict[str, str]]:
    """The user's notes related to `question` (from whichever app offers `notes_for`), kept on the reply without
    their text."""
    from quillium_site.sections import app_hooks

    notes = [note for found in app_hooks("notes_for", reply.chat.owner, question, NOTES_IN_PROMPT) for note in found]
    notes = notes[:NOTES_IN_PROMPT]
    reply.sources = [{key: note[key] for key in ("id", "url", "date", "title")} for note in notes]
    if reply.pk is not None:  # else message_save stores them with the reply
        Message.objects.filter(pk=reply.pk).update(sources=reply.sources)
    return notes


def reply_progress(reply_id: int, content: str) -> bool:
    """Save the partial text of a running reply; False when it is no longer running (someone stopped it)."""
    return bool(
        Message.objects.filter(pk=reply_id, status=Message.Status.STREAMING).update(
            content=content, updated_at=timezone.now()
        )
    )


def reply_stop(chat: Chat) -> int:
    """Stop the running reply of a chat: its runner notices within half a second even while the provider is silent
    (see chats.replies), closes the provider request and keeps the partial text."""
    return Message.objects.filter(chat=chat, status=Message.Status.STREAMING).update(
        status=Message.Status.STOPPED, updated_at=timezone.now()
    )


ABANDONED_MESSAGE = "The reply was cut off: the server stopped while writing it. Send it again to retry."


def replies_abandoned_settle(*, untouched_for: timedelta) -> int:
    """Fail the replies still `streaming` whose runner is gone (the server stopped or crashed mid-reply), keeping
    their text, so their chats take messages again. A live runner writes at least once per provider timeout (its
    text once a second while pieces come, a timeout error at the end of a silence): `untouched_for` must be longer."""
    now = timezone.now()
    return Message.objects.filter(status=Message.Status.STREAMING, updated_at__lt=now - untouched_for).update(
        status=Message.Status.FAILED, error=ABANDONED_MESSAGE, error_kind=ProviderError.INTERRUPTED, updated_at=now
    )


def reply_running(reply_id: int) -> bool:
    return Message.objects.filter(pk=reply_id, status=Message.Status.STREAMING).exists()


@transaction.atomic
def reply_finish(
    reply: Message, *, content: str, usage: Usage, model: str, status: str = Message.Status.COMPLETE
) -> Message:
    """Store the finished (or stopped) reply with its tokens and charge them to the user's ledger."""
    reply.content = content
    reply.status = status
    reply.model = model
    reply.tokens = usage.completion_tokens
    reply.prompt_tokens = usage.prompt_tokens
    reply.tokens_estimated = usage.estimated
    reply.error = reply.error_kind = ""
    reply.save(update_fields=_REPLY_FIELDS)
    chat = reply.chat
    _touch(chat)
    ai_services.usage_record(user=chat.owner, model=model, feature=TokenUsage.Feature.CHAT, usage=usage)
    if status == Message.Status.COMPLETE and chat.title_source == Chat.TitleSource.DEFAULT:
        queue.enqueue(
            "chats.tasks.generate_title", chat.pk
        )  # in the reply's transaction: committed together or not at all
    return reply


@transaction.atomic
def reply_fail(
    reply: Message, *, error: ProviderError, content: str = "", model: str = "", usage: Usage | None = None
) -> Message:
    """Mark a reply failed with a readable error, keeping any partial text; the user can retry."""
    reply.content = content
    reply.status = Message.Status.FAILED
    reply.error = error.message
    reply.error_kind = error.kind
    reply.model = model or reply.model
    if usage is not None:
        reply.tokens, reply.prompt_tokens, reply.tokens_estimated = (
            usage.completion_tokens,
            usage.prompt_tokens,
            usage.estimated,
        )
        ai_services.usage_record(user=reply.chat.owner, model=reply.model, feature=TokenUsage.Feature.CHAT, usage=usage)
    reply.save(update_fields=_REPLY_FIELDS)
    _touch(reply.chat)
    return reply


def _touch(chat: Chat) -> None:
    Chat.objects.filter(pk=chat.pk).update(updated_at=timezone.now())


_REPLY_FIELDS = [
    "content",
    "status",
    "model",
    "tokens",
    "prompt_tokens",
    "tokens_estimated",
    "error",
    "error_kind",
    "updated_at",
]


def chat_title_set_automatically(chat_id: int, title: str) -> bool:
    """Store a generated title unless the user named the chat meanwhile (models add quotes, Markdown and
    chatter: keep the first line, plain, at most 80 characters on a word boundary)."""
    first_line = next((line for line in title.splitlines() if line.strip()), "")
    title = " ".join(first_line.replace("*", "").replace("`", "").replace("#", "").strip(" \"'.").split())
    if len(title) > 80:
        title = title[:80].rsplit(" ", 1)[0] + "…"
    if not title:
        return False
    return bool(
        Chat.objects.filter(pk=chat_id, title_source=Chat.TitleSource.DEFAULT).update(
            title=title, title_source=Chat.TitleSource.AUTO
        )
    )
