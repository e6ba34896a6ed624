"""Reading characters into tokens: Unicode and LaTeX normalization, then a regular-expression
tokenizer that refuses anything outside the formula language (strings, attribute access, ...)
with a message naming the character. Pure Python; the grammar is in `syntax.py`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from quizzer.core.expr.lexicon import (
    LATEX_COMMANDS,
    OPERATOR_CHARS,
    RESERVED,
    SUBSCRIPTS,
    SUPERSCRIPTS,
    UNICODE_GREEK,
)
from quizzer.errors import AnswerError

MAX_CHARS = 2000  # a formula longer than this is a paste accident, not an answer
MAX_LITERAL_DIGITS = 120  # digits of one number as typed
MAX_SCI_EXPONENT = 300  # |n| in 1e<n>
MAX_TOKENS = 600


@dataclass(frozen=True, slots=True)
class Token:
    kind: str  # num, name, op, end
    text: str
    column: int
    spaced: bool = False  # whitespace before the token


_TOKEN = re.compile(
    r"""
    (?P<space>\s+)
  | (?P<num>(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?)
  | (?P<name>[A-Za-z_](?:[A-Za-z0-9]|_(?!\{))*(?:_\{[A-Za-z0-9]+\})?)
  | (?P<greek>[\u0370-\u03ff\u00b5](?:_\{?[A-Za-z0-9]+\}?|[0-9]+)?)
  | (?P<op>\*\*|==|[-+*/^=(),|!\[\]{}√∛∜])
    """,
    re.VERBOSE,
)


def normalize(text: str) -> str:
    """Map Unicode operators, superscripts and subscripts to the ASCII language."""
    if len(text) > MAX_CHARS:
        raise AnswerError(f"formula too long ({len(text)} characters, at most {MAX_CHARS})")
    if "\\" in text:
        text = latex_to_plain(text)
    out: list[str] = []
    i = 0
    while i < len(text):
        ch = text[i]
        if ch in SUPERSCRIPTS:
            j = i
            while j < len(text) and text[j] in SUPERSCRIPTS:
                j += 1
            run = "".join(SUPERSCRIPTS[c] for c in text[i:j])
            if run == "T":
                raise AnswerError("'ᵀ' (transpose) is not understood: answers are scalar formulas")
            out.append(f"^({run})")
            i = j
            continue
        if ch in SUBSCRIPTS:
            j = i
            while j < len(text) and text[j] in SUBSCRIPTS:
                j += 1
            out.append("_" + "".join(SUBSCRIPTS[c] for c in text[i:j]))
            i = j
            continue
        if ch not in OPERATOR_CHARS and not ch.isascii():
            ch = _compatible(ch)
        out.append(OPERATOR_CHARS.get(ch, ch))
        i += 1
    return "".join(out)


def _compatible(ch: str) -> str:
    """The plain letter or digit behind a styled one pasted from a PDF or a web page
    (𝑥 MATHEMATICAL ITALIC X, ｘ FULLWIDTH X, 𝜎 -> σ); other characters unchanged."""
    import unicodedata

    plain = unicodedata.normalize("NFKC", ch)
    if len(plain) == 1 and ((plain.isascii() and plain.isalnum()) or plain in UNICODE_GREEK):
        return plain
    return ch


def latex_to_plain(text: str) -> str:
    """Translate the LaTeX people paste (`\\frac{1}{\\sqrt{d_k}}`) to the plain language."""
    out: list[str] = []
    i = 0
    while i < len(text):
        ch = text[i]
        if ch != "\\":
            out.append(ch)
            i += 1
            continue
        match = re.match(r"\\([A-Za-z]+|.)", text[i:])
        if match is None:
            raise AnswerError("a lone '\\' at the end is not understood")
        command = match.group(1)
        i += len(match.group(0))
        if command in ("frac", "dfrac", "tfrac"):
            numerator, i = _brace_group(text, i, command)
            denominator, i = _brace_group(text, i, command)
            out.append(f"(({latex_to_plain(numerator)})/({latex_to_plain(denominator)}))")
        elif command == "sqrt":
            index = None
            if text[i:].lstrip().startswith("["):
                start = text.index("[", i)
                end = text.find("]", start)
                if end < 0:
                    raise AnswerError("\\sqrt[ has no closing ']'")
                index, i = text[start + 1 : end], end + 1
            radicand, i = _brace_group(text, i, command)
            inner = latex_to_plain(radicand)
            out.append(
                f"sqrt({inner})" if index is None else f"(({inner})^(1/({latex_to_plain(index)})))"
            )
        elif command in ("operatorname", "mathrm", "text", "mathit", "mathbf"):
            body, i = _brace_group(text, i, command)
            out.append(f" {body} ")
        elif command in LATEX_COMMANDS:
            replacement = LATEX_COMMANDS[command]
            out.append(f" {replacement} " if replacement.isalpha() else replacement)
        else:
            raise AnswerError(f"the LaTeX command \\{command} is not understood")
    return "".join(out)


def _brace_group(text: str, i: int, command: str) -> tuple[str, int]:
    while i < len(text) and text[i].isspace():
        i += 1
    if i >= len(text):
        raise AnswerError(f"\\{command} needs an argument in braces")
    if text[i] != "{":
        return text[i], i + 1  # \frac12 style: a single character
    depth = 0
    for j in range(i, len(text)):
        if text[j] == "{":
            depth += 1
        elif text[j] == "}":
            depth -= 1
            if depth == 0:
                return text[i + 1 : j], j + 1
    raise AnswerError(f"\\{command}{{ has no closing '}}'")


def tokenize(text: str) -> list[Token]:
    tokens: list[Token] = []
    pos = 0
    spaced = False
    while pos < len(text):
        match = _TOKEN.match(text, pos)
        if match is None:
            raise AnswerError(_bad_character(text, pos))
        kind = match.lastgroup or ""
        lexeme = match.group(0)
        if kind == "space":
            spaced = True
        elif kind == "num":
            tokens.append(Token("num", _check_number(lexeme), pos, spaced))
        elif kind in ("name", "greek"):
            tokens.append(Token("name", _check_name(lexeme, kind), pos, spaced))
        else:
            lexeme = {"[": "(", "{": "(", "]": ")", "}": ")", "==": "=", "**": "^"}.get(
                lexeme, lexeme
            )
            tokens.append(Token("op", lexeme, pos, spaced))
        if kind != "space":
            spaced = False
        pos = match.end()
        if len(tokens) > MAX_TOKENS:
            raise AnswerError(f"formula too long (more than {MAX_TOKENS} symbols and operators)")
    if pos < len(text) and text[pos] == ".":
        raise AnswerError("'.' is not understood: attribute access is not allowed")
    tokens.append(Token("end", "", len(text)))
    return tokens


def _bad_character(text: str, pos: int) -> str:
    ch = text[pos]
    where = f" (at column {pos + 1})"
    if ch == ".":
        return "'.' is not understood" + where + ": attribute access is not allowed"
    if ch in "'\"`":
        return f"{ch!r} is not understood{where}: strings are not allowed in a formula"
    if ch == ":":
        return "':' is not understood" + where + ": lambdas and slices are not allowed"
    if ch in "<>≤≥≠":
        return f"{ch!r} is not understood{where}: inequalities are not supported"
    if ch == "∞":
        return "'∞' is not understood" + where + ": infinity is not allowed in an answer"
    return f"the character {ch!r} is not understood{where}"


def _check_number(lexeme: str) -> str:
    mantissa, _, exponent = lexeme.lower().partition("e")
    if len(mantissa.replace(".", "").lstrip("0")) > MAX_LITERAL_DIGITS:
        raise AnswerError(f"number too long ({len(mantissa)} digits, at most {MAX_LITERAL_DIGITS})")
    if exponent and abs(int(exponent)) > MAX_SCI_EXPONENT:
        raise AnswerError(f"{lexeme}: exponent out of range (at most 1e±{MAX_SCI_EXPONENT})")
    return lexeme


def _check_name(lexeme: str, kind: str) -> str:
    if kind == "greek":
        head = lexeme[0]
        if head not in UNICODE_GREEK:
            raise AnswerError(f"the character {head!r} is not understood")
        rest = lexeme[1:].replace("{", "").replace("}", "")
        if rest and not rest.startswith("_"):
            rest = "_" + rest
        return UNICODE_GREEK[head] + rest
    if lexeme.startswith("_") or "__" in lexeme or lexeme.endswith("_"):
        raise AnswerError(
            f"the name {lexeme!r} is not allowed: names may not start or end "
            "with '_' or contain '__'"
        )
    name = lexeme.replace("{", "").replace("}", "")
    if name in RESERVED:
        raise AnswerError(
            f"the name {name!r} is not understood: it is not a symbol or a "
            "function of this language"
        )
    return name
