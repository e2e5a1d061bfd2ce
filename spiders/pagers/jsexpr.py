"""Reading the small pieces of JavaScript that pagers are made of, without running any.

A pager script states a page count and builds its links by string
concatenation (``"index" + "_" + nextPage + "." + "html"``,
``this.hrefFormer + '_' + n + this.hrefLatter``, ``'list_' + obj.curr + '.shtml'``).
We read the variables a script defines, the arguments of a call, and turn a
concatenation into a URL template: string parts stay, the page number becomes
``{n}`` (with its offset, for ``(n - 1)``).  Anything else is "not understood".
"""
from __future__ import annotations

import re
from dataclasses import dataclass

import chompjs

IDENT = r"[A-Za-z_$][\w$]*"
ASSIGN = re.compile(r"(?:\bvar|\blet|\bconst|[;{}\n,(]|^)\s*(" + IDENT + r"(?:\." + IDENT + r")*)\s*=(?![=>])\s*", re.M)
NUMBER = re.compile(r"^-?\d+(?:\.\d+)?$")
PAGE_NAME = re.compile(r"page|curr|pno|num|index|^[npi]$|^pg$", re.I)
NOT_PAGE_NAME = re.compile(r"size|limit|count|total|per|rows|record|show", re.I)
KEYWORDS = {"true", "false", "null", "undefined", "this", "new", "typeof", "void"}
URL_MARKS = re.compile(r"[./?=_-]")
ESCAPES = {"n": "\n", "t": "\t", "r": "", "/": "/", "\\": "\\", '"': '"', "'": "'"}


def strip_comments(js: str) -> str:
    """JavaScript without comments, strings kept intact ("http://" is no comment)."""
    out, i, n, quote = [], 0, len(js), None
    while i < n:
        ch = js[i]
        if quote:
            out.append(ch)
            if ch == "\\" and i + 1 < n:
                out.append(js[i + 1])
                i += 2
                continue
            if ch == quote or ch == "\n":
                quote = None
            i += 1
            continue
        if ch in "\"'`":
            quote = ch
            out.append(ch)
            i += 1
        elif js.startswith("//", i):
            end = js.find("\n", i)
            i = n if end < 0 else end
        elif js.startswith("/*", i):
            end = js.find("*/", i + 2)
            i = n if end < 0 else end + 2
        else:
            out.append(ch)
            i += 1
    return "".join(out)


def _outside_strings(text: str, start: int = 0):
    """``(index, char, depth)`` for each character of ``text`` from ``start`` that stands
    outside a string literal, ``depth`` being the bracket depth before it."""
    i, depth, quote = start, 0, None
    while i < len(text):
        ch = text[i]
        if quote:
            if ch == "\\":
                i += 2
                continue
            if ch == quote:
                quote = None
        elif ch in "\"'`":
            quote = ch
        else:
            yield i, ch, depth
            if ch in "([{":
                depth += 1
            elif ch in ")]}":
                depth -= 1
        i += 1


def split_top(expr: str, sep: str) -> list[str]:
    """Split at ``sep`` outside strings, parentheses, brackets and braces."""
    parts, start = [], 0
    for i, ch, depth in _outside_strings(expr):
        if depth == 0 and i >= start and ch not in "([{)]}" and expr.startswith(sep, i):
            parts.append(expr[start:i])
            start = i + len(sep)
    parts.append(expr[start:])
    return [p.strip() for p in parts]


def balanced(text: str, open_at: int) -> str | None:
    """The text inside the bracket that opens at ``open_at`` (strings respected)."""
    pairs = {"(": ")", "[": "]", "{": "}"}
    stack: list[str] = []
    for i, ch, _depth in _outside_strings(text, open_at):
        if ch in pairs:
            stack.append(pairs[ch])
        elif stack and ch == stack[-1]:
            stack.pop()
            if not stack:
                return text[open_at + 1 : i]
    return None


def unquote(token: str) -> str | None:
    token = token.strip()
    if len(token) >= 2 and token[0] == token[-1] and token[0] in "\"'`":
        body = token[1:-1]
        return re.sub(r"\\(.)", lambda m: ESCAPES.get(m.group(1), m.group(1)), body)
    return None


def literal(token: str, env: dict | None = None):
    """A number, a string, an object/array literal, or a known variable; else None."""
    token = token.strip().rstrip(";").strip()
    while token.startswith("(") and token.endswith(")") and balanced(token, 0) == token[1:-1]:
        token = token[1:-1].strip()
    if NUMBER.match(token):
        return float(token) if "." in token else int(token)
    text = unquote(token)
    if text is not None:
        return int(text) if NUMBER.match(text) and "." not in text else text
    if token[:1] == "{":
        return loose_object(token, env)  # keeps strings apart from identifiers and functions
    if token[:1] == "[":
        try:
            return chompjs.parse_js_object(token)
        except ValueError:
            return None
    if env is not None:
        if token in env:
            return env[token]
        arith = re.fullmatch(r"(" + IDENT + r")\s*([+-])\s*(\d+)", token)
        if arith and isinstance(env.get(arith.group(1)), int):
            delta = int(arith.group(3))
            return env[arith.group(1)] + (delta if arith.group(2) == "+" else -delta)
        parts = split_top(token, "+")
        if len(parts) > 1:
            values = [literal(p, env) for p in parts]
            if all(isinstance(v, str) for v in values):
                return "".join(values)
    return None


def loose_object(token: str, env: dict | None = None) -> dict | None:
    """An object literal whose values are not all literals (``classsql: "" || "x"``,
    ``callback: function (api) {…}``): the keys whose values are, the rest kept as
    source text under their key, for a later look."""
    inner = balanced(token, 0)
    if inner is None:
        return None
    out: dict = {}
    for pair in split_top(inner, ","):
        key, sep, value = pair.partition(":")
        key = key.strip().strip("\"'")
        if not sep or not re.fullmatch(IDENT, key):
            continue
        parsed = literal(value, env)
        out[key] = parsed if parsed is not None else Code(value.strip())
    return out


def variables(js: str) -> dict:
    """What a script assigns, first assignment of each name: numbers, strings,
    literals and simple sums of those (``nextPage = currentPage + 1``)."""
    env: dict = {}
    for match in ASSIGN.finditer(js):
        name = match.group(1)
        if name in env:
            continue
        rhs = _expression_at(js, match.end())
        value = literal(rhs, env)
        if value is not None:
            env[name] = value
            if isinstance(value, dict):
                for key, inner in value.items():
                    if isinstance(inner, (int, str)) and not isinstance(inner, Code):
                        env.setdefault(f"{name}.{key}", inner)
    return env


def _expression_at(js: str, start: int) -> str:
    """The expression starting at ``start``, up to ``;``, a line end or a closing
    bracket at depth 0 (object and array literals kept whole)."""
    end = len(js)
    for i, ch, depth in _outside_strings(js, start):
        if depth == 0 and ch in ")]};\n,":
            end = i
            break
    return js[start:end].strip()


def calls(js: str, name: str) -> list[list[str]]:
    """The argument lists of every call of ``name`` (a function or ``obj.method``),
    not of its definition."""
    out = []
    for match in re.finditer(r"(?<![\w$])" + re.escape(name) + r"\s*\(", js):
        before = js[max(0, match.start() - 9) : match.start()]
        if re.search(r"function\s*$", before):
            continue
        inner = balanced(js, match.end() - 1)
        if inner is not None:
            out.append(split_top(inner, ","))
    return out


class Code(str):
    """Source text of a value that is not a literal (a function, an expression)."""


@dataclass(frozen=True)
class Template:
    """A page URL with ``{n}`` where the page number goes; ``offset`` is added to
    the page number first (``'?page=' + (n - 1)`` has offset -1)."""

    text: str
    offset: int = 0

    def url(self, n: int) -> str:
        return self.text.replace("{n}", str(n + self.offset))


def template(expr: str, env: dict) -> Template | None:
    """A concatenation as a URL template: strings (and string variables) kept,
    one page-number term turned into ``{n}``.  None when there is no page number
    in it, or it cannot be told which term is the page number."""
    parts = split_top(expr, "+")
    pieces: list[str | tuple[str, int]] = []
    for part in parts:
        if not part:
            return None
        value = literal(part, env)
        if isinstance(value, str) and not isinstance(value, Code):
            pieces.append(value)
            continue
        term, offset = _page_term(part)
        if term is None:
            return None
        pieces.append((term, offset))
    terms = {p[0] for p in pieces if isinstance(p, tuple)}
    if not terms:
        return None
    if len(terms) > 1:
        named = {t for t in terms if PAGE_NAME.search(t.split(".")[-1]) and not NOT_PAGE_NAME.search(t)}
        if len(named) != 1:
            return None
        chosen = named.pop()
        for i, piece in enumerate(pieces):
            if isinstance(piece, tuple) and piece[0] != chosen:
                known = env.get(piece[0])
                if not isinstance(known, int):
                    return None
                pieces[i] = str(known + piece[1])
    offsets = {p[1] for p in pieces if isinstance(p, tuple)}
    if len(offsets) != 1:
        return None
    text = "".join(p if isinstance(p, str) else "{n}" for p in pieces)
    if not URL_MARKS.search(text.replace("{n}", "")):
        return None  # a bare number is no page URL
    return Template(text, offsets.pop())


def branches(expr: str) -> list[str]:
    """``cond ? a : b`` → [a, b]; anything else → [expr]."""
    test = split_top(expr, "?")
    if len(test) == 2:
        return split_top(test[1], ":")
    return [expr]


def _page_term(part: str) -> tuple[str | None, int]:
    """``n`` → (n, 0); ``(n - 1)`` → (n, -1); ``obj.curr`` and ``api.getCurrent()`` → themselves."""
    token = part.strip()
    while token.startswith("(") and token.endswith(")") and balanced(token, 0) == token[1:-1]:
        token = token[1:-1].strip()
    token = re.sub(r"^(?:parseInt|Number)\s*\((.*)\)$", r"\1", token).strip()
    match = re.fullmatch(r"(" + IDENT + r"(?:\." + IDENT + r")*(?:\(\))?)\s*(?:([+-])\s*(\d+))?", token)
    if not match or match.group(1) in KEYWORDS:
        return None, 0
    delta = int(match.group(3) or 0)
    return match.group(1), (-delta if match.group(2) == "-" else delta)
