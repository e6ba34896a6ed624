"""Reading a typed formula into a small syntax tree, in pure Python (no SymPy, no `eval`).

The answer text is tokenized by `lexer.py` and parsed here by recursive descent; only numbers,
the whitelisted functions of `lexicon.FUNCTIONS`, constants and symbol names allowed by the
`ExprContext` can appear in the tree, so nothing the learner types can reach Python. The lexer
bounds the length and the literals, the parser the nesting depth, `build.py` the size of
numbers SymPy would compute.

Conventions (documented in docs/expressions.md):
- `^` and `**` are powers, right-associative; `-x^2` is `-(x^2)`; `2^-1` is allowed.
- Implicit multiplication binds like `*` (left to right): `2x`, `2(x+1)`, `x y`, `(a)(b)`;
  so `1/2x` is `x/2`; write `1/(2x)` for the other reading.
- A multi-letter name is one symbol (`lr`, `d_k`); write `x y` or `x*y` for a product. When a
  question declares its symbols, an unknown name that splits into declared ones (`xy`) is read
  as their product.
- `f(x)` calls a known or declared function; a declared symbol before `(` multiplies.
- `d/dx(f)` and `d²/dx²(f)` are `diff(f, x)` and `diff(f, x, 2)` unless `d` is declared.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from quizzer.core.expr.context import ExprContext
from quizzer.core.expr.lexer import Token, normalize, tokenize
from quizzer.core.expr.lexicon import CONSTANTS, FUNCTIONS
from quizzer.errors import AnswerError

MAX_DEPTH = 40  # parentheses/operators nested deeper than this are refused


@dataclass(frozen=True, slots=True)
class Node:
    """A syntax-tree node: kind is num, sym, const, call, add, neg, mul, div, pow, abs, fact, eq.

    `value` holds the number text, the symbol or constant name, or the function name.
    """

    kind: str
    value: str = ""
    args: tuple[Node, ...] = ()

    def names(self) -> Iterator[str]:
        """Symbol names used in the tree."""
        if self.kind == "sym":
            yield self.value
        for arg in self.args:
            yield from arg.names()


class Parser:
    """Recursive descent over the token list; see the module docstring for the grammar."""

    def __init__(self, text: str, context: ExprContext, allowed: frozenset[str] | None) -> None:
        self.tokens = tokenize(normalize(text))
        self.i = 0
        self.context = context
        self.allowed = allowed  # None: any name becomes a symbol
        self.depth = 0
        self.abs_depth = 0

    @property
    def tok(self) -> Token:
        return self.tokens[self.i]

    def take(self) -> Token:
        token = self.tokens[self.i]
        self.i += 1
        return token

    def expect(self, op: str) -> None:
        if self.tok.kind != "op" or self.tok.text != op:
            found = f"{self.tok.text!r}" if self.tok.kind != "end" else "the end"
            raise AnswerError(f"expected {op!r} at column {self.tok.column + 1}, found {found}")
        self.i += 1

    def at(self, *ops: str) -> bool:
        return self.tok.kind == "op" and self.tok.text in ops

    def parse(self) -> Node:
        if self.tok.kind == "end":
            raise AnswerError("empty formula")
        node = self.sum()
        if self.at("="):
            self.take()
            node = Node("eq", args=(node, self.sum()))
            if self.at("="):
                raise AnswerError("more than one '=' in the formula")
        if self.tok.kind != "end":
            raise AnswerError(
                f"{self.tok.text!r} at column {self.tok.column + 1} is not understood here"
            )
        return node

    def enter(self) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise AnswerError(f"formula nested too deeply (more than {MAX_DEPTH} levels)")

    def sum(self) -> Node:
        terms = [self.product()]
        while self.at("+", "-"):
            op = self.take().text
            term = self.product()
            terms.append(term if op == "+" else Node("neg", args=(term,)))
        return terms[0] if len(terms) == 1 else Node("add", args=tuple(terms))

    def starts_operand(self) -> bool:
        tok = self.tok
        if tok.kind in ("num", "name"):
            return True
        if tok.kind == "op" and tok.text in ("(", "√", "∛", "∜"):
            return True
        # A bar after an operand closes an |abs| when one is open, else opens one (2|x|).
        return tok.kind == "op" and tok.text == "|" and self.abs_depth == 0

    def product(self) -> Node:
        node = self.signed()
        while True:
            if self.at("*", "/"):
                op = self.take().text
                rhs = self.signed()
                node = Node("mul" if op == "*" else "div", args=(node, rhs))
            elif self.starts_operand():
                if self.tok.kind == "num" and self._ends_number():
                    raise AnswerError(f"two numbers in a row at column {self.tok.column + 1}")
                node = Node("mul", args=(node, self.power()))
            else:
                return node

    def _ends_number(self) -> bool:
        previous = self.tokens[self.i - 1]
        return previous.kind == "num"

    def signed(self) -> Node:
        if self.at("-", "+"):
            op = self.take().text
            self.enter()
            inner = self.signed()
            self.depth -= 1
            return Node("neg", args=(inner,)) if op == "-" else inner
        return self.power()

    def power(self) -> Node:
        base = self.postfix()
        if self.at("^"):
            self.take()
            self.enter()
            exponent = self.signed()
            self.depth -= 1
            return Node("pow", args=(base, exponent))
        return base

    def postfix(self) -> Node:
        node = self.atom()
        while self.at("!"):
            self.take()
            node = Node("fact", args=(node,))
        return node

    def atom(self) -> Node:
        self.enter()
        try:
            return self._atom()
        finally:
            self.depth -= 1

    def _atom(self) -> Node:
        tok = self.take()
        if tok.kind == "num":
            return Node("num", tok.text)
        if tok.kind == "op" and tok.text == "(":
            if self.at(")"):
                raise AnswerError(f"empty parentheses at column {tok.column + 1}")
            node = self.sum()
            self.expect(")")
            return node
        if tok.kind == "op" and tok.text == "|":
            self.abs_depth += 1
            node = self.sum()
            self.abs_depth -= 1
            self.expect("|")
            return Node("abs", args=(node,))
        if tok.kind == "op" and tok.text in ("√", "∛", "∜"):
            radicand = self.power()
            if tok.text == "√":
                return Node("call", "sqrt", (radicand,))
            root = "3" if tok.text == "∛" else "4"
            return Node(
                "pow", args=(radicand, Node("div", args=(Node("num", "1"), Node("num", root))))
            )
        if tok.kind == "name":
            return self.name(tok)
        if tok.kind == "end":
            raise AnswerError("the formula ends too early (an operand is missing)")
        raise AnswerError(f"{tok.text!r} at column {tok.column + 1} is not understood here")

    def name(self, tok: Token) -> Node:
        name = tok.text
        declared_symbol = name in self.context.symbols or (
            self.allowed is not None and name in self.allowed
        )
        if name == "d" and not declared_symbol and self.at("/", "^"):
            derivative = self._leibniz()
            if derivative is not None:
                return derivative
        if name == "sigma" and self.context.sigma_logistic and self.at("("):
            return self.call(tok, "sigmoid")
        if name in self.context.functions:
            if not self.at("("):
                raise AnswerError(f"{name} is a function: write {name}(...)")
            return self.call(tok, name, declared=True)
        if name in FUNCTIONS and not declared_symbol:
            exponent = self._function_power()
            if exponent is not None:  # sin^2(x) and sin²(x) mean sin(x)^2
                return Node("pow", args=(self.call(tok, name), exponent))
            if not self.at("("):
                raise AnswerError(f"{name} needs parentheses: write {name}(...)")
            return self.call(tok, name)
        if name in CONSTANTS and not declared_symbol:
            return Node("const", CONSTANTS[name])
        if name in self.context.definitions:
            return Node("sym", name)
        return self.symbol(tok)

    def _leibniz(self) -> Node | None:
        """`d/dx(f)` or `d²/dx²(f)` (after the `d`, when `d` is not a declared symbol): the
        derivative of f in x, as `diff(f, x)`; None (nothing consumed) for any other `d/...`."""
        start = self.i
        order = self._order()
        if order is None or not self.at("/"):
            self.i = start
            return None
        self.take()
        tok = self.tok
        var = tok.text[1:] if tok.kind == "name" and tok.text.startswith("d") else ""
        if not var or var in FUNCTIONS or var in CONSTANTS:
            self.i = start
            return None
        self.take()
        if self._order() != order or not self.at("("):
            self.i = start
            return None
        if self.allowed is not None and var not in self.allowed:
            raise AnswerError(f"d/d{var}: {var!r} is not a symbol of this question")
        self.take()
        target = self.sum()
        self.expect(")")
        args = (target, Node("sym", var)) + ((Node("num", order),) if order != "1" else ())
        return Node("call", "diff", args)

    def _order(self) -> str | None:
        """The n of a `^n` or `^(n)` here (consumed), "1" when there is no `^`, None when the
        exponent is not a plain whole number."""
        if not self.at("^"):
            return "1"
        ahead = self.tokens[self.i + 1 : self.i + 4]
        if ahead and ahead[0].kind == "num" and ahead[0].text.isdigit():
            self.i += 2
            return ahead[0].text
        texts = [t.text if t.kind == "op" else t.kind for t in ahead]
        if texts == ["(", "num", ")"] and ahead[1].text.isdigit():
            self.i += 4
            return ahead[1].text
        return None

    def _function_power(self) -> Node | None:
        """The n of `f^n(` or `f^(n)(` (n a number), consuming it; None when absent."""
        ahead = self.tokens[self.i : self.i + 5]
        texts = [t.text if t.kind == "op" else t.kind for t in ahead]
        if texts[:3] == ["^", "num", "("]:
            self.i += 2
            return Node("num", ahead[1].text)
        if texts[:5] == ["^", "(", "num", ")", "("]:
            self.i += 4
            return Node("num", ahead[2].text)
        return None

    def symbol(self, tok: Token) -> Node:
        name = tok.text
        if self.allowed is None:
            if self.at("(") and len(name) > 1 and name not in self.context.symbols:
                if name == "sigma":
                    raise AnswerError(_SIGMA_HELP)
                raise AnswerError(f"unknown function {name!r}: {_known_functions()}")
            return Node("sym", name)
        if name in self.allowed:
            return Node("sym", name)
        parts = _split_into(name, self.allowed)
        if parts:
            node = Node("sym", parts[0])
            for part in parts[1:-1]:
                node = Node("mul", args=(node, Node("sym", part)))
            if len(parts) == 1:
                return node
            # `wx^2` is w·x², as on paper: a power or `!` after a split name binds to its last
            # letter only, so it is parsed here before `power()` could apply it to the product.
            return Node("mul", args=(node, self._split_tail(parts[-1])))
        from quizzer.core.schema import closest_names

        known = sorted(self.allowed)
        near = closest_names(name, known + list(FUNCTIONS))
        hint = f" Did you mean {near[0]!r}?" if near else ""
        what = "function" if self.at("(") else "name"
        if name == "sigma" and self.at("("):
            raise AnswerError(_SIGMA_HELP)
        listing = ", ".join(known) if known else "none"
        raise AnswerError(f"unknown {what} {name!r}: this question's symbols are {listing}.{hint}")

    def _split_tail(self, name: str) -> Node:
        """The last letter of a split name with its own postfix `!` and `^` exponent."""
        node = Node("sym", name)
        while self.at("!"):
            self.take()
            node = Node("fact", args=(node,))
        if self.at("^"):
            self.take()
            self.enter()
            exponent = self.signed()
            self.depth -= 1
            node = Node("pow", args=(node, exponent))
        return node

    def call(self, tok: Token, name: str, *, declared: bool = False) -> Node:
        self.expect("(")
        args = [self.sum()]
        while self.at(","):
            self.take()
            args.append(self.sum())
        self.expect(")")
        if declared:
            return Node("call", "@" + name, tuple(args))
        canonical, low, high = FUNCTIONS.get(name, (name, 1, 1))
        if not low <= len(args) <= high:
            count = str(low) if low == high else f"{low} to {high}"
            raise AnswerError(f"{tok.text}() takes {count} argument(s), got {len(args)}")
        if canonical == "diff":
            for var in args[1:2]:
                if var.kind != "sym":
                    raise AnswerError("diff(f, x): the second argument must be a symbol")
        return Node("call", canonical, tuple(args))


_SIGMA_HELP = (
    "sigma(...) is not declared as the logistic function here: write sigmoid(...) "
    "(or declare it: --assume sigma=logistic)"
)


def _split_into(name: str, allowed: frozenset[str]) -> list[str] | None:
    """Split `xy` into declared names ["x", "y"] (longest first), or None."""
    if "_" in name or len(name) > 12:
        return None
    if not name:
        return []
    for size in range(len(name), 0, -1):
        head = name[:size]
        if head in allowed:
            rest = _split_into(name[size:], allowed)
            if rest is not None:
                return [head, *rest]
    return None


def _known_functions() -> str:
    names = sorted({k for k in FUNCTIONS if not k.startswith(("arc", "ar"))})
    return "known functions are " + ", ".join(names)


def parse_tree(text: str, context: ExprContext, allowed: frozenset[str] | None = None) -> Node:
    """Parse `text` to a syntax tree; `allowed` restricts symbol names (None: any name).

    Raises:
        AnswerError: saying which character or name was not understood, and where.
    """
    if not isinstance(text, str):
        raise AnswerError(f"expected a formula as text, got {type(text).__name__}")
    return Parser(text, context, allowed).parse()


def allowed_names(
    context: ExprContext, extra: frozenset[str] = frozenset()
) -> frozenset[str] | None:
    """The symbol names an answer may use: None when the context is open."""
    if context.open_symbols:
        return None
    return frozenset(context.symbols) | frozenset(context.definitions) | extra
