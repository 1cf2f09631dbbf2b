"""Message rendering: jinja2 templates from content/templates, Telegram HTML or plain text for a terminal."""

from __future__ import annotations

import html
import re
from functools import cache
from pathlib import Path
from typing import Any

import jinja2

from checklist.content import content_dir

_TAG = re.compile(r"</?(?:b|i|u|s|code|pre|a|blockquote|tg-spoiler)(?:\s[^>]*)?>")


class Renderer:
    """Renders `<name>.j2` templates; StrictUndefined makes a renamed variable fail a test, not a chat."""

    def __init__(self, template_dir: Path | None = None) -> None:
        self.env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(template_dir or content_dir() / "templates"),
            autoescape=True,
            trim_blocks=True,
            lstrip_blocks=True,
            undefined=jinja2.StrictUndefined,
            keep_trailing_newline=False,
        )

    def html(self, name: str, **context: Any) -> str:
        """Telegram HTML (parse_mode=HTML); every variable is escaped."""
        text = self.env.get_template(f"{name}.j2").render(**context)
        return re.sub(r"\n{3,}", "\n\n", text).strip()

    def text(self, name: str, **context: Any) -> str:
        """The same message as plain text, for the terminal."""
        return to_plain(self.html(name, **context))


def to_plain(message_html: str) -> str:
    return html.unescape(_TAG.sub("", message_html))


@cache
def default_renderer() -> Renderer:
    return Renderer()
