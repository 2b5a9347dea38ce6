"""Telegram Bot API validation rules, free of any transport code (reusable by a fake server)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

MAX_TEXT_LENGTH = 4096
MAX_CAPTION_LENGTH = 1024
MAX_CALLBACK_DATA_BYTES = 64
MAX_INLINE_BUTTONS = 100
MAX_CALLBACK_ANSWER_LENGTH = 200

NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup "
    "are exactly the same as a current content and reply markup of the message"
)

Entity = dict[str, Any]

_ENTITY_TYPES = {
    **dict.fromkeys(("b", "strong"), "bold"),
    **dict.fromkeys(("i", "em"), "italic"),
    **dict.fromkeys(("u", "ins"), "underline"),
    **dict.fromkeys(("s", "strike", "del"), "strikethrough"),
    **dict.fromkeys(("tg-spoiler", "span"), "spoiler"),
    "a": "text_link",
    "code": "code",
    "pre": "pre",
    "blockquote": "blockquote",
    "tg-emoji": "custom_emoji",
}
_PLAIN_RUN = re.compile(r"[^<&]+")  # text up to the next tag or entity, emitted at once
_HTML_ENTITY = re.compile(r"&(?:#(\d{1,7})|#x([0-9a-fA-F]{1,6})|(lt|gt|amp|quot));")
_NAMED = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_BUTTON_ACTIONS = [
    "url",
    "callback_data",
    "web_app",
    "login_url",
    "switch_inline_query",
    "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat",
    "copy_text",
    "callback_game",
    "pay",
]
_COMMAND = re.compile(r"[a-z0-9_]{1,32}")


class TelegramRuleError(Exception):
    """A request Telegram would refuse, carrying the Bot API description and error code."""

    def __init__(
        self, description: str, error_code: int = 400, retry_after: int | None = None
    ) -> None:
        """Store the Bot API description, error code and optional retry_after."""
        super().__init__(description)
        self.description = description
        self.error_code = error_code
        self.retry_after = retry_after

    def to_response(self) -> dict[str, Any]:
        """Return the JSON body Telegram sends for this error."""
        body: dict[str, Any] = {
            "ok": False,
            "error_code": self.error_code,
            "description": self.description,
        }
        if self.retry_after is not None:
            body["parameters"] = {"retry_after": self.retry_after}
        return body


def blocked_error() -> TelegramRuleError:
    """Return the error for a chat whose user blocked the bot."""
    return TelegramRuleError("Forbidden: bot was blocked by the user", 403)


def flood_error(retry_after: int) -> TelegramRuleError:
    """Return the 429 flood-control error with its retry_after parameter."""
    return TelegramRuleError(
        f"Too Many Requests: retry after {retry_after}", 429, retry_after=retry_after
    )


def utf16_len(text: str) -> int:
    """Return the length of text in UTF-16 code units, as Telegram measures it."""
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def _entity_error(reason: str) -> TelegramRuleError:
    """Wrap an HTML parsing reason in Telegram's "can't parse entities" error."""
    return TelegramRuleError(f"Bad Request: can't parse entities: {reason}")


@dataclass
class _OpenTag:
    """A start tag waiting for its end tag."""

    name: str
    attrs: dict[str, str]
    offset: int


class _HtmlParser:
    """Telegram's HTML parse mode, modelled on tdlib's parse_html (slightly stricter)."""

    def __init__(self, text: str) -> None:
        """Prepare to parse text."""
        self.src = text
        self.out: list[str] = []
        self.utf16 = 0
        self.entities: list[Entity] = []

    def byte(self, pos: int) -> int:
        """Return the UTF-8 byte offset of a character position, for error messages."""
        return len(self.src[:pos].encode("utf-8", "surrogatepass"))

    def emit(self, chunk: str) -> None:
        """Append plain text to the output."""
        self.out.append(chunk)
        self.utf16 += utf16_len(chunk)

    def decode_entity(self, pos: int) -> tuple[str, int]:
        """Decode the HTML entity at pos; a bare "&" is refused (stricter than Telegram)."""
        match = _HTML_ENTITY.match(self.src, pos)
        if match and match.group(3):
            return _NAMED[match.group(3)], match.end()
        code = int(match.group(1) or match.group(2), 10 if match.group(1) else 16) if match else 0
        if match is None or not 0 < code < 0x110000 or 0xD800 <= code <= 0xDFFF:
            raise _entity_error(
                f'Unescaped "&" or unsupported HTML entity at byte offset {self.byte(pos)}'
            )
        return chr(code), match.end()

    def skip_spaces(self, pos: int) -> int:
        """Return the first position at or after pos that is not whitespace."""
        while pos < len(self.src) and self.src[pos].isspace():
            pos += 1
        return pos

    def parse(self) -> tuple[str, list[Entity]]:
        """Parse the whole text and return the plain text and its entities."""
        src, stack, pos = self.src, list[_OpenTag](), 0
        while pos < len(src):
            char = src[pos]
            if char == "&":
                decoded, pos = self.decode_entity(pos)
                self.emit(decoded)
            elif char != "<":
                plain = _PLAIN_RUN.match(src, pos)
                assert plain is not None  # char itself is plain
                self.emit(plain.group())
                pos = plain.end()
            elif src.startswith("</", pos):
                pos = self.end_tag(pos, stack)
            else:
                pos = self.start_tag(pos, stack)
        if stack:
            raise _entity_error(
                f'Can\'t find end tag corresponding to start tag "{stack[-1].name}"'
            )
        for entity in self.entities:
            if entity["type"] == "code":
                entity.pop("language", None)  # a language only survives on <pre><code>
        self.entities.sort(key=lambda e: (e["offset"], -e["length"]))
        return "".join(self.out), self.entities

    def start_tag(self, begin: int, stack: list[_OpenTag]) -> int:
        """Parse a start tag at begin, push it, and return the position after it."""
        src, pos = self.src, begin + 1
        while pos < len(src) and not src[pos].isspace() and src[pos] != ">":
            pos += 1
        if pos >= len(src):
            raise _entity_error(f"Unclosed start tag at byte offset {self.byte(begin)}")
        name = src[begin + 1 : pos].lower()
        if name not in _ENTITY_TYPES:
            raise _entity_error(
                f'Unsupported start tag "{name}" at byte offset {self.byte(begin)}'
            )
        attrs, pos = self.attributes(pos, name, begin)
        where = f"at byte offset {self.byte(begin)}"
        if name == "a" and not attrs.get("href"):
            raise _entity_error(f'Tag "a" must have a non-empty "href" attribute {where}')
        if name == "span" and attrs.get("class") != "tg-spoiler":
            raise _entity_error(f'Tag "span" must have class "tg-spoiler" {where}')
        if name == "tg-emoji" and not attrs.get("emoji-id", "").isdigit():
            raise TelegramRuleError("Bad Request: Invalid custom emoji identifier specified")
        stack.append(_OpenTag(name, attrs, self.utf16))
        return pos + 1

    def attributes(self, pos: int, tag: str, begin: int) -> tuple[dict[str, str], int]:
        """Parse the attributes of tag starting at pos; return them and the position of ">"."""
        src, attrs, where = self.src, dict[str, str](), f"at byte offset {self.byte(begin)}"
        while True:
            pos = self.skip_spaces(pos)
            if pos >= len(src):
                raise _entity_error(f'Unclosed start tag "{tag}" {where}')
            if src[pos] == ">":
                return attrs, pos
            name_start = pos
            while pos < len(src) and not src[pos].isspace() and src[pos] not in "=>":
                pos += 1
            attr = src[name_start:pos].lower()
            if not attr:
                raise _entity_error(f'Empty attribute name in the tag "{tag}" {where}')
            pos = self.skip_spaces(pos)
            if pos >= len(src) or src[pos] != "=":
                if tag == "blockquote" and attr == "expandable":
                    attrs[attr] = ""
                    continue
                raise _entity_error(
                    "Expected equal sign in declaration of an attribute of the tag "
                    f'"{tag}" {where}'
                )
            pos = self.skip_spaces(pos + 1)
            if pos >= len(src):
                raise _entity_error(f'Unclosed start tag "{tag}" {where}')
            attrs[attr], pos = self.attribute_value(pos, begin)

    def attribute_value(self, pos: int, begin: int) -> tuple[str, int]:
        """Parse a quoted string or a bare name token at pos."""
        src = self.src
        if src[pos] in "\"'":
            quote, pos, chars = src[pos], pos + 1, list[str]()
            while pos < len(src) and src[pos] != quote:
                if src[pos] == "&":
                    decoded, pos = self.decode_entity(pos)
                    chars.append(decoded)
                else:
                    chars.append(src[pos])
                    pos += 1
            if pos >= len(src):
                raise _entity_error(f"Unclosed start tag at byte offset {self.byte(begin)}")
            return "".join(chars), pos + 1
        start = pos
        while pos < len(src) and ((src[pos].isascii() and src[pos].isalnum()) or src[pos] in ".-"):
            pos += 1
        if pos >= len(src) or not (src[pos].isspace() or src[pos] == ">"):
            raise _entity_error(f"Unexpected end of name token at byte offset {self.byte(pos)}")
        return src[start:pos].lower(), pos

    def end_tag(self, begin: int, stack: list[_OpenTag]) -> int:
        """Parse an end tag at begin, close the matching entity, return the position after it."""
        src, where = self.src, f"at byte offset {self.byte(begin)}"
        if not stack:
            raise _entity_error(f"Unexpected end tag {where}")
        pos = begin + 2
        while pos < len(src) and not src[pos].isspace() and src[pos] != ">":
            pos += 1
        name = src[begin + 2 : pos]
        pos = self.skip_spaces(pos)
        if pos >= len(src) or src[pos] != ">":
            raise _entity_error(f"Unclosed end tag {where}")
        tag = stack.pop()
        if name and name != tag.name:
            raise _entity_error(
                f'Unmatched end tag {where}, expected "</{tag.name}>", found "</{name}>"'
            )
        self.close(tag)
        return pos + 1

    def close(self, tag: _OpenTag) -> None:
        """Record the entity of a closed tag unless it is empty."""
        length = self.utf16 - tag.offset
        if length <= 0:
            return
        entity: Entity = {"type": _ENTITY_TYPES[tag.name], "offset": tag.offset, "length": length}
        if tag.name == "a":
            entity["url"] = tag.attrs["href"]
        elif tag.name == "tg-emoji":
            entity["custom_emoji_id"] = tag.attrs["emoji-id"]
        elif tag.name == "blockquote" and "expandable" in tag.attrs:
            entity["type"] = "expandable_blockquote"
        elif tag.name == "pre":
            last = self.entities[-1] if self.entities else None
            if (
                last
                and last["type"] == "code"
                and (last["offset"], last["length"])
                == (
                    tag.offset,
                    length,
                )
            ):
                self.entities.pop()
                if "language" in last:
                    entity["language"] = last["language"]
        elif tag.name == "code" and tag.attrs.get("class", "").startswith("language-"):
            entity["language"] = tag.attrs["class"].removeprefix("language-")
        self.entities.append(entity)


def parse_html_entities(text: str) -> tuple[str, list[Entity]]:
    """Validate Telegram HTML and return the plain text with its Bot API entities."""
    return _HtmlParser(text).parse()


def parse_html(text: str) -> str:
    """Validate Telegram HTML and return the plain text with tags removed and entities decoded."""
    return parse_html_entities(text)[0]


def parse_formatted(text: str, parse_mode: str | None) -> tuple[str, list[Entity]]:
    """Apply parse_mode to text; only HTML (or no parse mode) is supported by this fake."""
    if not parse_mode:
        return text, []
    if parse_mode.lower() == "html":
        return parse_html_entities(text)
    raise TelegramRuleError(
        f"Bad Request: unsupported parse_mode {parse_mode!r} (the fake implements only HTML)"
    )


def check_text(text: str, parse_mode: str | None) -> tuple[str, list[Entity]]:
    """Validate a message text and return its plain text and entities."""
    plain, entities = parse_formatted(text, parse_mode)
    if not plain.strip():
        raise TelegramRuleError("Bad Request: message text is empty")
    if utf16_len(plain) > MAX_TEXT_LENGTH:
        raise TelegramRuleError("Bad Request: message is too long")
    return plain, entities


def check_caption(caption: str, parse_mode: str | None) -> tuple[str, list[Entity]]:
    """Validate a media caption (may be empty) and return its plain text and entities."""
    plain, entities = parse_formatted(caption, parse_mode)
    if utf16_len(plain) > MAX_CAPTION_LENGTH:
        raise TelegramRuleError("Bad Request: message caption is too long")
    return plain, entities


def _check_inline_button(button: Any) -> None:
    """Validate one inline keyboard button."""
    prefix = "Bad Request: can't parse inline keyboard button: "
    if not isinstance(button, dict):
        raise TelegramRuleError(prefix + "InlineKeyboardButton must be an Object")
    if not isinstance(button.get("text"), str) or not button["text"]:
        raise TelegramRuleError(prefix + 'Field "text" must be a non-empty String')
    actions = [key for key in _BUTTON_ACTIONS if button.get(key) is not None]
    if not actions:
        raise TelegramRuleError(prefix + "Text buttons are unallowed in the inline keyboard")
    if len(actions) > 1:
        raise TelegramRuleError(prefix + f"exactly one optional field must be used, got {actions}")
    data = button.get("callback_data")
    if data is not None and (
        not isinstance(data, str) or not 1 <= len(data.encode("utf-8")) <= MAX_CALLBACK_DATA_BYTES
    ):
        raise TelegramRuleError("Bad Request: BUTTON_DATA_INVALID")
    url = button.get("url")
    if url is not None and not re.match(r"(https?|tg)://\S+$", str(url)):
        raise TelegramRuleError("Bad Request: BUTTON_URL_INVALID")


def check_reply_markup(markup: dict[str, Any] | None) -> None:
    """Validate a reply_markup object (inline keyboard, reply keyboard, remove or force reply)."""
    if markup is None:
        return
    if not isinstance(markup, dict):
        raise TelegramRuleError("Bad Request: can't parse reply keyboard markup JSON object")
    if "inline_keyboard" in markup:
        rows = markup["inline_keyboard"]
        if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
            raise TelegramRuleError(
                'Bad Request: field "inline_keyboard" of the InlineKeyboardMarkup '
                "should be an Array of Arrays"
            )
        if sum(len(row) for row in rows) > MAX_INLINE_BUTTONS:
            raise TelegramRuleError("Bad Request: reply markup is too long")
        for row in rows:
            for button in row:
                _check_inline_button(button)
    elif "keyboard" in markup:
        for row in markup["keyboard"]:
            for button in row:
                text = button.get("text") if isinstance(button, dict) else button
                if not isinstance(text, str) or not text:
                    raise TelegramRuleError("Bad Request: keyboard button text is empty")
    elif not {"remove_keyboard", "force_reply"} & markup.keys():
        raise TelegramRuleError("Bad Request: can't parse reply keyboard markup JSON object")


def check_commands(commands: Any) -> None:
    """Validate the command list of setMyCommands."""
    if not isinstance(commands, list) or len(commands) > 100:
        raise TelegramRuleError("Bad Request: BOT_COMMANDS_TOO_MUCH")
    for command in commands:
        if not _COMMAND.fullmatch(str(command.get("command", ""))):
            raise TelegramRuleError("Bad Request: BOT_COMMAND_INVALID")
        if not 1 <= len(str(command.get("description", "")).strip()) <= 256:
            raise TelegramRuleError("Bad Request: BOT_COMMAND_DESCRIPTION_INVALID")
