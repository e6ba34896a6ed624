"""What a formula's names mean: declared symbols with their domains, declared functions.

An `ExprContext` is built from a question's `answer` mapping (`symbols`, `functions`,
`define`) or from the `--assume` specs of `quizzer equiv`. It is plain data (no SymPy) so it
can travel to the SymPy worker as JSON.

Domains. Every symbol has one: the assumptions it was declared with, or the default. An
undeclared symbol is **real** (sampled over both signs, SymPy `real=True`), so `sqrt(x^2)` is
`|x|`, not `x`; declare `positive` to get `x`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from quizzer.errors import AnswerError

# Assumption name -> the SymPy keyword arguments it sets.
ASSUMPTIONS: dict[str, dict[str, bool]] = {
    "real": {"real": True},
    "positive": {"positive": True},
    "negative": {"negative": True},
    "nonnegative": {"nonnegative": True},
    "nonpositive": {"nonpositive": True},
    "nonzero": {"real": True, "nonzero": True},
    "integer": {"integer": True},
    "natural": {"integer": True, "positive": True},
    # A probability lies in (0, 1); SymPy cannot say "< 1", so proofs use positive only (a proof
    # for all positive values holds on (0, 1) too) and sampling uses (0, 1).
    "probability": {"positive": True},
    "complex": {},
}
# Words that declare a function rather than a symbol.
FUNCTION_WORDS = ("function", "logistic")
ALIASES = {"pos": "positive", "int": "integer", "prob": "probability", "nonneg": "nonnegative"}
DEFAULT_ASSUMPTIONS: frozenset[str] = frozenset({"real"})

_INTERVAL = re.compile(
    r"\s*([\[(])\s*([-+]?\d+(?:\.\d*)?(?:e[-+]?\d+)?)\s*,\s*"
    r"([-+]?\d+(?:\.\d*)?(?:e[-+]?\d+)?)\s*([\])])\s*"
)
NAME_PATTERN = re.compile(r"[A-Za-z][A-Za-z0-9]*(?:_[A-Za-z0-9]+)*")


@dataclass(frozen=True, slots=True)
class Domain:
    """Where a symbol's values are drawn from for numeric testing.

    `kind` is real, positive, negative, nonnegative, nonpositive, nonzero, integer, natural,
    probability, complex or interval (then `low`/`high` bound it).
    """

    kind: str
    integer: bool = False
    low: float | None = None
    high: float | None = None


def _normalize_words(spec: Any, where: str) -> tuple[str, ...]:
    if isinstance(spec, str):
        words: list[Any] = [w for w in re.split(r"[,\s]+", spec.strip()) if w]
        if _INTERVAL.fullmatch(spec):
            words = [spec.strip()]
    elif isinstance(spec, list | tuple):
        words = list(spec)
    elif spec is None:
        words = []
    else:
        raise AnswerError(f"{where}: expected an assumption or a list of them, got {spec!r}")
    out: list[str] = []
    for word in words:
        if not isinstance(word, str):
            raise AnswerError(f"{where}: expected an assumption name, got {word!r}")
        word = ALIASES.get(word.strip().lower(), word.strip().lower())
        if word not in ASSUMPTIONS and word not in FUNCTION_WORDS and not _INTERVAL.fullmatch(word):
            known = ", ".join([*ASSUMPTIONS, *FUNCTION_WORDS])
            raise AnswerError(
                f"{where}: unknown assumption {word!r} (known: {known}, or an interval like (0, 1))"
            )
        out.append(word)
    return tuple(out)


def sympy_assumptions(words: Iterable[str]) -> dict[str, bool]:
    """SymPy keyword arguments for a symbol declared with `words`."""
    kwargs: dict[str, bool] = {}
    for word in words:
        match = _INTERVAL.fullmatch(word)
        if match:
            low, high = float(match.group(2)), float(match.group(3))
            if low >= 0:
                kwargs["positive" if low > 0 or match.group(1) == "(" else "nonnegative"] = True
            elif high <= 0:
                kwargs["negative" if high < 0 or match.group(4) == ")" else "nonpositive"] = True
            else:
                kwargs["real"] = True
            continue
        kwargs.update(ASSUMPTIONS[word])
    return kwargs


def domain_of(words: Iterable[str]) -> Domain:
    """The sampling domain of a symbol declared with `words` (the narrowest one named)."""
    chosen = set(words)
    for word in chosen:
        match = _INTERVAL.fullmatch(word)
        if match:
            low, high = float(match.group(2)), float(match.group(3))
            if not low < high:
                raise AnswerError(f"empty interval {word!r}")
            return Domain("interval", "integer" in chosen, low, high)
    integer = bool(chosen & {"integer", "natural"})
    for kind in ("probability", "natural", "positive", "negative", "nonnegative", "nonpositive"):
        if kind in chosen:
            if kind == "natural":
                return Domain("positive", True)
            return Domain(kind, integer)
    if "complex" in chosen:
        return Domain("complex")
    if "nonzero" in chosen:
        return Domain("nonzero", integer)
    return Domain("real", integer)


@dataclass(frozen=True)
class ExprContext:
    """The names a formula may use and what they mean.

    Attributes:
        symbols: declared symbol name -> assumption words (e.g. {"n": ("integer", "positive")}).
        functions: declared function names that stay abstract (f(x), g(x, y)).
        sigma_logistic: whether `sigma`/`σ` applied to an argument is the logistic function.
        definitions: name -> formula text substituted before comparing (s = "sigmoid(x)").
        open_symbols: whether undeclared names become symbols; when False, only declared
            symbols (and those of the expected formula) are understood.
        default: assumption words of an undeclared symbol (real unless `--assume positive`).
        allow_equations: whether an answer may be an equation (STACK's ATDiff refuses them).
    """

    symbols: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    functions: frozenset[str] = frozenset()
    sigma_logistic: bool = False
    definitions: Mapping[str, str] = field(default_factory=dict)
    open_symbols: bool = True
    default: tuple[str, ...] = ("real",)
    allow_equations: bool = True

    def assumptions_of(self, name: str) -> tuple[str, ...]:
        return self.symbols.get(name, self.default)

    def with_symbols(self, names: Iterable[str]) -> ExprContext:
        """A copy that also allows `names` (with the default domain where undeclared)."""
        merged = dict(self.symbols)
        for name in names:
            merged.setdefault(name, self.default)
        return replace(self, symbols=merged)

    def opened(self) -> ExprContext:
        """A copy in which any name is a symbol (for the author's own formulas)."""
        return replace(self, open_symbols=True)

    def to_spec(self) -> dict[str, Any]:
        """A JSON-able form, read back by `from_spec`."""
        return {
            "symbols": {k: list(v) for k, v in self.symbols.items()},
            "functions": sorted(self.functions),
            "sigma_logistic": self.sigma_logistic,
            "definitions": dict(self.definitions),
            "open_symbols": self.open_symbols,
            "default": list(self.default),
            "allow_equations": self.allow_equations,
        }

    @classmethod
    def from_spec(cls, spec: Mapping[str, Any]) -> ExprContext:
        return cls(
            symbols={str(k): tuple(v) for k, v in (spec.get("symbols") or {}).items()},
            functions=frozenset(spec.get("functions") or ()),
            sigma_logistic=bool(spec.get("sigma_logistic", False)),
            definitions=dict(spec.get("definitions") or {}),
            open_symbols=bool(spec.get("open_symbols", True)),
            default=tuple(spec.get("default") or DEFAULT_ASSUMPTIONS),
            allow_equations=bool(spec.get("allow_equations", True)),
        )

    @classmethod
    def from_answer(cls, answer: Mapping[str, Any]) -> ExprContext:
        """From an `expression` question's answer mapping: `symbols`, `functions`, `define`.

        `symbols` maps names to assumption(s), or lists names (real). When a question declares
        symbols, an answer may use only those and the names of the expected formula.
        """
        raw = answer.get("symbols")
        declared: dict[str, Any]
        if isinstance(raw, Mapping):
            declared = dict(raw)
        elif isinstance(raw, list | tuple):
            declared = {str(name): "real" for name in raw}
        elif isinstance(raw, str):
            declared = {name: "real" for name in re.split(r"[,\s]+", raw.strip()) if name}
        else:
            declared = {}
        context = cls.from_assume([declared]) if declared else cls()
        functions = set(context.functions) | {str(f) for f in answer.get("functions") or ()}
        sigma = context.sigma_logistic or "sigma" in functions or "σ" in functions
        functions -= {"sigma", "σ"}
        definitions = {str(k): str(v) for k, v in (answer.get("define") or {}).items()}
        return cls(
            context.symbols, frozenset(functions), sigma, definitions, open_symbols=not declared
        )

    @classmethod
    def from_assume(cls, specs: Iterable[str | Mapping[str, Any]]) -> ExprContext:
        """From `--assume` specs: "positive" (every symbol), "x=positive", "n=integer,positive",
        or a mapping {"x": "positive", "n": ["integer", "positive"], "sigma": "logistic"}."""
        default: tuple[str, ...] = ("real",)
        symbols: dict[str, tuple[str, ...]] = {}
        functions: set[str] = set()
        sigma = False
        for spec in specs:
            items: list[tuple[str, Any]]
            if isinstance(spec, Mapping):
                items = [(str(k), v) for k, v in spec.items()]
            elif isinstance(spec, str) and "=" in spec:
                name, _, words = spec.partition("=")
                items = [(name.strip(), words)]
            elif isinstance(spec, str):
                default = _normalize_words(spec, "--assume")
                if set(default) & set(FUNCTION_WORDS):
                    raise AnswerError("--assume: 'function' needs a name, e.g. f=function")
                continue
            else:
                raise AnswerError(f"--assume: expected a string or a mapping, got {spec!r}")
            for name, words in items:
                name = {"σ": "sigma"}.get(name, name)
                if not NAME_PATTERN.fullmatch(name) or "__" in name:
                    raise AnswerError(f"--assume: {name!r} is not a symbol name")
                normalized = _normalize_words(words, f"assumption of {name!r}")
                if "logistic" in normalized:
                    if name != "sigma":
                        raise AnswerError("only sigma can be declared logistic")
                    sigma = True
                elif "function" in normalized:
                    functions.add(name)
                else:
                    symbols[name] = normalized or ("real",)
        for name, declared in symbols.items():
            _check_consistent(name, declared)
        return cls(symbols, frozenset(functions), sigma, default=default)


def _check_consistent(name: str, words: tuple[str, ...]) -> None:
    signs = {"positive", "negative", "probability", "natural"} & set(words)
    if len(signs) > 1 and signs != {"positive", "probability"} and signs != {"positive", "natural"}:
        raise AnswerError(f"assumptions of {name!r} contradict each other: {', '.join(words)}")
