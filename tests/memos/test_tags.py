import pytest

from memos.notes.tags import hashtags, merge


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Plans for #Work and #work again", ["work"]),
        ("今天很开心#日记 还有 #旅行。", ["日记", "旅行"]),
        ("（#括号）#标签，end", ["括号", "标签"]),
        ("# A heading, not a tag", []),
        ("see http://example.com/#anchor and page.html#part, C# is a language", []),
        ("issue #123 is a number, #v2 is a tag", ["v2"]),
        ("`#code` and\n```\n#block\n```\n#real", ["real"]),
        ("&#39; is an entity", []),
    ],
)
def test_hashtags_are_found_in_any_script_and_nowhere_else(text, expected):
    assert hashtags(text) == expected


def test_explicit_tags_come_first_each_once():
    assert merge(["Plans", "#work"], "hello #WORK #新年") == ["plans", "work", "新年"]


def test_explicit_tags_are_the_ones_the_text_does_not_explain():
    from memos.notes.tags import explicit

    assert explicit(["plans", "work", "新年"], "hello #WORK #新年") == ["plans"]
