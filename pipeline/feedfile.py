"""Editing feeds.yaml in place: feeds added or removed while its comments, order and layout stay as they
were (ruamel.yaml's round trip). The edited text is checked like any feeds file before it replaces the
old one, in one rename: a failed edit leaves the file as it was."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import CommentMark
from ruamel.yaml.tokens import CommentToken
from ruamel.yaml.util import load_yaml_guess_indent

from pipeline.config import load_config
from pipeline.errors import ConfigError


def add_feeds(path: Path, feeds: Sequence[tuple[str, str, Sequence[str]]]) -> None:
    """Append feeds (name, url, tags) to the file's `feeds:` list."""
    document, yaml = _read(path)
    listed = _feeds_list(document)
    for name, url, tags in feeds:
        entry = CommentedMap(name=name, url=url)
        if tags:
            flow = CommentedSeq(tags)
            flow.fa.set_flow_style()
            entry["tags"] = flow
        listed.append(entry)
    _write(path, document, yaml)


def remove_feed(path: Path, name: str) -> None:
    """Take the named feed out of the file's `feeds:` list."""
    document, yaml = _read(path)
    listed = _feeds_list(document)
    names = [str(entry.get("name", "")).strip() for entry in listed]
    if name not in names:
        raise ConfigError(f"{path}: no feed named {name!r} (known: {', '.join(names) or 'none'})")
    index = names.index(name)
    _keep_comments_after(document, listed, index)
    del listed[index]
    _write(path, document, yaml)


def _keep_comments_after(document: CommentedMap, listed: CommentedSeq, index: int) -> None:
    """The lines after a feed that is removed (a group's heading comment, a blank line) belong to what
    follows it, but the YAML library keeps them with the feed: they move to what now comes before them
    (the feed before, or the `feeds:` key). The removed feed's own end-of-line comment goes with it."""
    entry = listed[index]
    token = _trailing_comment(entry)
    if token is None or "\n" not in token.value:
        return
    following = token.value.split("\n", 1)[1]
    if not following.strip(" \n") and index < len(listed) - 1:
        return  # only blank lines between two feeds: the ones before the next stay
    before = listed[index - 1] if index > 0 else None
    holder, key = (
        (before, list(before)[-1]) if isinstance(before, CommentedMap) and before else (document, "feeds")
    )
    slot = holder.ca.items.setdefault(key, [None, None, None, None])
    if slot[2] is None:
        slot[2] = CommentToken("\n" + following, CommentMark(0), None)
    else:
        slot[2].value += following


def _trailing_comment(entry: Any) -> CommentToken | None:
    if not isinstance(entry, CommentedMap) or not entry:
        return None
    slot = entry.ca.items.get(list(entry)[-1])
    return slot[2] if slot and len(slot) > 2 else None


def _read(path: Path) -> tuple[Any, YAML]:
    load_config(path)  # a file that does not load as it is gets its usual error, not an edit
    text = path.read_text(encoding="utf-8")
    _, indent, dash_offset = load_yaml_guess_indent(text)
    yaml = YAML()  # round trip: comments, order and quoting kept
    yaml.preserve_quotes = True
    yaml.width = 4096
    # the file's own indentation ("  - name:" or "- name:"), so that only the edited lines change
    yaml.indent(mapping=dash_offset or 2, sequence=indent or 2, offset=dash_offset or 0)
    return yaml.load(text), yaml


def _feeds_list(document: Any) -> CommentedSeq:
    if not isinstance(document, CommentedMap):
        raise ConfigError("the feeds file holds no settings, feeds or recipients to edit")
    listed = document.get("feeds")
    # `feeds:` with nothing under it, none at all, or `feeds: []`: a block list from here on
    if not isinstance(listed, CommentedSeq) or (not listed and listed.fa.flow_style()):
        listed = document["feeds"] = CommentedSeq()
    return listed


def _write(path: Path, document: Any, yaml: YAML) -> None:
    """The new text, checked as a feeds file, put in place by one rename (the file's mode kept)."""
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            yaml.dump(document, out)
        load_config(Path(temporary))
        os.chmod(temporary, path.stat().st_mode & 0o7777)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
