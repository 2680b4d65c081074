"""A person's public memos as an Atom feed, for feed readers (signed out, like the public memo pages)."""

from __future__ import annotations

from datetime import datetime

from django.contrib.syndication.views import Feed
from django.db.models import QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _

from accounts.models import User
from memos.models import Memo, Visibility
from quillium_site.markdown import render_markdown

FEED_SIZE = 50


class PublicMemosFeed(Feed):
    feed_type = Atom1Feed

    def get_object(self, request: HttpRequest, user_pk: int) -> User:
        return get_object_or_404(User, pk=user_pk, is_active=True)

    def title(self, user: User) -> str:
        return _("Public memos of %(name)s") % {"name": user.name or _("a Quillium user")}

    def link(self, user: User) -> str:
        return reverse("memos:feed", args=[user.pk])

    def subtitle(self, user: User) -> str:
        return _("What %(name)s chose to share.") % {"name": user.name or _("a Quillium user")}

    def items(self, user: User) -> QuerySet[Memo]:
        public = Memo.objects.filter(owner=user, visibility=Visibility.PUBLIC, is_deleted=False, is_archived=False)
        return public.order_by("-created_at")[:FEED_SIZE]

    def item_title(self, memo: Memo) -> str:
        return memo.title

    def item_description(self, memo: Memo) -> str:
        return render_markdown(memo.content)

    def item_link(self, memo: Memo) -> str:
        return reverse("memos:public", args=[memo.pk])

    def item_pubdate(self, memo: Memo) -> datetime:
        return memo.created_at

    def item_updateddate(self, memo: Memo) -> datetime:
        return memo.updated_at
