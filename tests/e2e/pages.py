"""Every page of the site, with the data each needs: the list the all-pages browser test walks.

`tests/e2e/test_every_page.py` checks that each page-serving route is here (or is said not to be a page), so a new
page can't miss the languages, phone and accessibility checks."""

from __future__ import annotations

import importlib
import json
from datetime import date
from pathlib import Path

from accounts.models import User

SIGNED_OUT = {
    "home": "/",
    "accounts:login": "/accounts/login/",
    "accounts:register": "/accounts/register/",
    "memos:public": "/memos/public/{public_memo}/",
    "chats:shared": "/chats/shared/{chat_share}/",
    "offline": "/offline/",
}

SIGNED_IN = {
    "home": "/",
    "accounts:settings": "/accounts/settings/",
    "accounts:password": "/accounts/settings/password/",
    "chats:list": "/chats/",
    "chats:new": "/chats/new/",
    "chats:detail": "/chats/{chat}/",
    "chats:delete": "/chats/{chat}/delete/",
    "memos:timeline": "/memos/",
    "memos:archive": "/memos/archive/",
    "memos:trash": "/memos/trash/",
    "memos:explore": "/memos/explore/",
    "memos:search": "/memos/search/?q=晚安",
    "memos:diary": "/memos/diary/",
    "memos:diary-day": "/memos/diary/{day}/",
    "memos:detail": "/memos/{memo}/",
    "memos:revision": "/memos/{memo}/revisions/1/",
    "bots:list": "/bots/",
    "bots:edit": "/bots/{bot}/edit/",
    "bots:delete": "/bots/{bot}/delete/",
    "library:browse": "/library/",
    "library:mine": "/library/mine/",
    "library:playlists": "/library/playlists/",
    "library:playlist": "/library/playlists/{playlist}/",
    "library:playlist-delete": "/library/playlists/{playlist}/delete/",
    "library:scans": "/library/scans/",
    "library:work": "/library/works/{work}/",
    "library:circles": "/library/circles/",
    "library:circles-one": "/library/circles/{circle}/",
    "library:tags": "/library/tags/",
    "library:tags-one": "/library/tags/{tag}/",
    "library:vas": "/library/vas/",
    "library:vas-one": "/library/vas/{va}/",
    "gamestats:overview": "/gamestats/",
    "gamestats:players": "/gamestats/players/",
    "gamestats:player": "/gamestats/players/{player}/",
    "gamestats:guilds": "/gamestats/guilds/",
    "gamestats:guild": "/gamestats/guilds/{guild}/",
    "gamestats:leaderboard": "/gamestats/leaderboards/wordle/",
}

# Routes that serve no page of their own (form targets, files, streams, fragments, data), and two that are not
# Quillium's pages: Django's admin (its own translations and layout) and the API's generated reference.
NOT_PAGES = {
    "healthz", "metrics", "manifest", "service-worker", "javascript-catalog", "api-schema", "api-docs",
    "accounts:logout", "accounts:profile", "accounts:preferences", "accounts:theme", "accounts:language",
    "accounts:sign-out-everywhere", "accounts:api-key-create", "accounts:api-key-revoke",
    "chats:folder-new", "chats:archive", "chats:send", "chats:regenerate", "chats:message", "chats:message-edit",
    "chats:message-show", "chats:settings", "chats:share", "chats:share-revoke", "chats:file",
    "memos:new", "memos:signed-file", "memos:export", "memos:import", "memos:device-forget", "memos:purge",
    "memos:action", "memos:revision-restore", "memos:file", "memos:feed", "memos:task", "memos:link",
    "memos:summary-settings", "memos:edit",
    "gamestats:player-moderate", "gamestats:guild-settings", "gamestats:leaderboard-export",
    "bots:move", "bots:ask", "bots:reply-action", "bots:diary-write", "bots:create", "bots:diary-settings",
    "library:cover", "library:review", "library:track-stream", "library:track-signed", "library:settings",
    "library:favourite", "library:playlist-add", "library:playlist-item", "library:bookmark-delete",
}  # fmt: skip


def household(owner: User, library_root: Path) -> dict[str, str]:
    """Data on every page, written the way people write it: through the services. User content is in Chinese or
    single words, so English left on a translated page is ours."""
    from accounts.services import user_update
    from ai.client import Usage
    from bots import services as bots
    from chats import services as chats
    from gamestats.ingest import parse, store
    from gamestats.models import Game
    from library import scanner
    from library import services as library
    from library.models import Circle, Tag, Track, VoiceActor, Work
    from memos.diaries.services import diary_write
    from memos.notes import services as memos
    from tests.gamestats.factories import players_with_games
    from tests.library.disk import wav

    user_update(owner, name="小林")

    folder = chats.folder_create(owner=owner, name="家")
    chat = chats.chat_create(owner=owner, title="晚饭", folder=folder, pinned=True)
    for n in range(12):  # long enough that the message box could cover the last reply
        question, reply = chats.message_send(chat, f"问题 {n}\n\n" + "今天吃什么？" * 20)
        chats.reply_finish(reply, content="面条。" * 60, usage=Usage(10, 20), model="fake-small")
    _share, share_token = chats.share_create(chat)
    memo = memos.memo_create(owner=owner, content="晚安 #日常\n\n- [ ] 洗碗\n- 买菜")
    memos.memo_update(memo, user=owner, base_revision=1, content="晚安 #日常\n\n- [x] 洗碗\n- 买菜")
    public = memos.memo_create(owner=owner, content="公开的 #日常\n\n- [x] 分享", visibility="public")
    day = date.today()
    diary_write(owner=owner, day=day, summary="平静的一天", mood_key="calm", mood_score=4)
    bot = bots.bot_create(owner=owner, name="小助手", tags=["日常"])

    folder = library_root / "RJ01234567 雨"
    wav(folder / "01 序章.wav", seconds=1.0)
    wav(folder / "02 雨音.wav", seconds=2.0)
    (folder / "01 序章.lrc").write_text("[00:00.00]雨が降る\n", encoding="utf-8")
    (folder / "work.json").write_text(
        json.dumps({"code": "RJ01234567", "circle": "月光", "tags": ["睡眠"], "vas": ["青"], "release": "2024-01-01"}),
        encoding="utf-8",
    )
    scanner.scan()
    playlist = library.playlist_create(owner=owner, name="睡前")
    library.playlist_add(playlist, list(Track.objects.order_by("sort_order")))
    library.favourite_set(user=owner, work=Work.objects.get(), on=True)

    # The games migration 0002 registers: a transactional test before this one flushed them away.
    built_in = importlib.import_module("gamestats.migrations.0002_games")
    for key, label, max_score in built_in.BUILT_IN:
        Game.objects.get_or_create(key=key, defaults={"label": label, "max_score": max_score})
    guild = "123456789012345678"
    players = players_with_games(3, guild_id=guild)
    store(parse([{"user_id": players[0], "guild_id": guild, "guild_name": "角落", "command": "ping",
                  "execution_time_ms": 3}]))  # fmt: skip
    return {
        "chat": str(chat.pk),
        "memo": str(memo.pk),
        "public_memo": str(public.pk),
        "chat_share": share_token,
        "day": day.isoformat(),
        "bot": str(bot.pk),
        "work": str(Work.objects.get().pk),
        "playlist": str(playlist.pk),
        "circle": str(Circle.objects.get().pk),
        "tag": str(Tag.objects.get().pk),
        "va": str(VoiceActor.objects.get().pk),
        "player": players[0],
        "guild": guild,
    }
