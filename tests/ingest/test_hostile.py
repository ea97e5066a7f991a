"""The hostile files of issue 16: each one crashed `preview` and `tags` with a traceback.

Every file here must give either its article (an invalid character or field dropped) or exit
status 1 with one error line naming the file; never an exception out of the command.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from auxil.cli import CliRunner

JSON_FEED = "https://jsonfeed.org/version/1.1"
DEEP = 100_000


def _rss(description: str) -> str:
    return (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Hostile</title>'
        f"<item><title>Harbour {description} plan</title><link>https://example.org/a</link>"
        f"<description><![CDATA[<p>The council {description} approved the harbour plan.</p>]]>"
        "</description></item></channel></rss>"
    )


def _json_feed(**fields: object) -> str:
    item = {"id": "1", "title": "Harbour plan", "content_text": "The council approved the plan.", **fields}
    return json.dumps({"version": JSON_FEED, "title": "Hostile", "items": [item]})


#: Files whose article is still read: the bad character or field is dropped.
READABLE = {
    "charref_huge.xml": _rss("&#99999999999999999999;"),
    "charref_beyond_unicode.xml": _rss("&#x110000;"),
    "charref_surrogate.xml": _rss("&#xD800;"),
    "authors_number.json": _json_feed(authors=5),
    "attachments_number.json": _json_feed(attachments=3),
    "mime_type_number.json": _json_feed(attachments=[{"url": "https://example.org/a.png", "mime_type": 5}]),
    "attachment_url_number.json": _json_feed(attachments=[{"url": 9}]),
    "author_name_number.json": _json_feed(authors=[{"name": 12}]),
    "lone_surrogate.json": _json_feed(content_text="The council \\ud800 approved the plan.").replace(
        "\\\\ud800", "\\ud800"
    ),
}

#: Files refused with one line naming the file and what is wrong.
REFUSED = {
    "deep.json": ("[" * DEEP + "]" * DEEP, "nested deeper than"),
    "deep.jsonl": ('{"text": ' + "[" * DEEP + "]" * DEEP + "}\n", "nested deeper than"),
    "deep_feed.json": (_json_feed(extra="@").replace('"@"', "[" * DEEP + "]" * DEEP), "nested deeper than"),
    "deep_front_matter.md": ("---\na: " + "[" * 5000 + "]" * 5000 + "\n---\n# T\n\nBody.\n", "nested deeper"),
    "huge_number.json": ('{"text": "The council met.", "id": ' + "9" * 5000 + "}", "digits"),
}


@pytest.mark.parametrize("command", ["preview", "tags"])
@pytest.mark.parametrize("name", sorted(READABLE))
def test_a_bad_character_or_field_is_dropped_and_the_article_kept(
    run_cli: CliRunner, tmp_path: Path, command: str, name: str
) -> None:
    path = tmp_path / name
    path.write_text(READABLE[name], encoding="utf-8")
    result = run_cli(command, str(path))
    assert result.code == 0, result.err
    result.out.encode("utf-8")  # no lone surrogate reaches the output
    assert "\ufffd" not in result.out
    if command == "preview":
        assert "council" in result.out and "approved" in result.out


@pytest.mark.parametrize("command", ["preview", "tags"])
@pytest.mark.parametrize("name", sorted(REFUSED))
def test_a_hostile_file_is_one_error_line_naming_it(
    run_cli: CliRunner, tmp_path: Path, command: str, name: str
) -> None:
    content, problem = REFUSED[name]
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    result = run_cli(command, str(path))
    assert result.code == 1
    [line] = result.err.splitlines()
    assert line.startswith(f"hashbot: error: {path}") and problem in line, line


def test_a_javascript_link_never_becomes_the_posts_href(run_cli: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "a.json"
    path.write_text(
        json.dumps({"title": "Harbour", "text": "The council met.", "url": "javascript:alert(1)"})
    )
    result = run_cli("preview", str(path))
    assert result.code == 0, result.err
    assert "javascript:" not in result.out and "href" not in result.out and "Harbour" in result.out
