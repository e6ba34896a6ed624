"""The vocabulary of the input language: functions, constants, Greek letters, Unicode symbols.

Pure data, shared by the parser (which checks names) and the pretty printer (which prints them).
"""

from __future__ import annotations

import keyword

# The trigonometric and hyperbolic functions, each also available inverted ("a" + name): one list
# for the parser's names, the numeric evaluator and the worker's serialization allowlist.
CIRCULAR_AND_HYPERBOLIC = (
    "sin",
    "cos",
    "tan",
    "sec",
    "csc",
    "cot",
    "sinh",
    "cosh",
    "tanh",
    "sech",
    "csch",
    "coth",
)

# Function name as typed -> canonical name the SymPy builder knows, with (min, max) arity.
FUNCTIONS: dict[str, tuple[str, int, int]] = {
    "sqrt": ("sqrt", 1, 1),
    "cbrt": ("cbrt", 1, 1),
    "exp": ("exp", 1, 1),
    "log": ("log", 1, 2),
    "ln": ("log", 1, 1),
    "log2": ("log2", 1, 1),
    "log10": ("log10", 1, 1),
    "abs": ("abs", 1, 1),
    "sign": ("sign", 1, 1),
    "sgn": ("sign", 1, 1),
    "max": ("max", 2, 16),
    "min": ("min", 2, 16),
    "sigmoid": ("sigmoid", 1, 1),
    "logistic": ("sigmoid", 1, 1),
    "relu": ("relu", 1, 1),
    "softplus": ("softplus", 1, 1),
    "erf": ("erf", 1, 1),
    "erfc": ("erfc", 1, 1),
    "factorial": ("factorial", 1, 1),
    "binomial": ("binomial", 2, 2),
    "floor": ("floor", 1, 1),
    "ceil": ("ceiling", 1, 1),
    "diff": ("diff", 2, 3),
}
for _name in CIRCULAR_AND_HYPERBOLIC:
    FUNCTIONS[_name] = (_name, 1, 1)
    FUNCTIONS["a" + _name] = ("a" + _name, 1, 1)
    FUNCTIONS["arc" + _name] = ("a" + _name, 1, 1)
    if _name.endswith("h"):
        FUNCTIONS["ar" + _name] = ("a" + _name, 1, 1)
FUNCTIONS["atan2"] = ("atan2", 2, 2)
FUNCTIONS["arctan2"] = ("atan2", 2, 2)

CONSTANTS = {"e": "E", "pi": "pi"}

# Greek letters: spelled name <-> Unicode. `pi` is the constant; the others are symbols.
GREEK = {
    "alpha": "α",
    "beta": "β",
    "gamma": "γ",
    "delta": "δ",
    "epsilon": "ε",
    "zeta": "ζ",
    "eta": "η",
    "theta": "θ",
    "iota": "ι",
    "kappa": "κ",
    "lambda": "λ",
    "mu": "μ",
    "nu": "ν",
    "xi": "ξ",
    "pi": "π",
    "rho": "ρ",
    "sigma": "σ",
    "tau": "τ",
    "upsilon": "υ",
    "phi": "φ",
    "chi": "χ",
    "psi": "ψ",
    "omega": "ω",
    "Gamma": "Γ",
    "Delta": "Δ",
    "Theta": "Θ",
    "Lambda": "Λ",
    "Xi": "Ξ",
    "Pi": "Π",
    "Sigma": "Σ",
    "Phi": "Φ",
    "Psi": "Ψ",
    "Omega": "Ω",
}
UNICODE_GREEK = {v: k for k, v in GREEK.items()}
UNICODE_GREEK.update({"ϵ": "epsilon", "ϕ": "phi", "ϑ": "theta", "ς": "sigma", "µ": "mu"})

# Characters people type for operators, mapped to the ASCII operator.
OPERATOR_CHARS = {
    "−": "-",
    "–": "-",
    "—": "-",
    "﹣": "-",
    "－": "-",
    "·": "*",
    "⋅": "*",
    "×": "*",
    "∗": "*",
    "•": "*",
    "✕": "*",
    "÷": "/",
    "∕": "/",
    "（": "(",
    "）": ")",
    "，": ",",
    "＝": "=",
    "＋": "+",
    "⁄": "/",
}
SUPERSCRIPTS = {
    "⁰": "0",
    "¹": "1",
    "²": "2",
    "³": "3",
    "⁴": "4",
    "⁵": "5",
    "⁶": "6",
    "⁷": "7",
    "⁸": "8",
    "⁹": "9",
    "⁻": "-",
    "⁺": "+",
    "ᵀ": "T",
}
SUBSCRIPTS = {
    "₀": "0",
    "₁": "1",
    "₂": "2",
    "₃": "3",
    "₄": "4",
    "₅": "5",
    "₆": "6",
    "₇": "7",
    "₈": "8",
    "₉": "9",
    "ᵢ": "i",
    "ⱼ": "j",
    "ₖ": "k",
    "ₙ": "n",
    "ₜ": "t",
    "ₓ": "x",
}

# Names that must never be symbols, with why (for the error message).
RESERVED = {kw for kw in keyword.kwlist if kw != "lambda"} | {
    "print",
    "eval",
    "exec",
    "open",
    "compile",
    "getattr",
    "globals",
}

LATEX_COMMANDS = {
    "cdot": "*",
    "times": "*",
    "div": "/",
    "ast": "*",
    "left": "",
    "right": "",
    "big": "",
    "Big": "",
    "bigg": "",
    "Bigg": "",
    ",": " ",
    ";": " ",
    ":": " ",
    "!": "",
    " ": " ",
    "quad": " ",
    "qquad": " ",
    "lvert": "|",
    "rvert": "|",
    "vert": "|",
    "varepsilon": "epsilon",
    "varphi": "phi",
    "vartheta": "theta",
    "varsigma": "sigma",
    "exp": "exp",
    "log": "log",
    "ln": "ln",
    "max": "max",
    "min": "min",
    "sgn": "sgn",
}
LATEX_COMMANDS.update({name: name for name in GREEK})
for _fn in (
    "sin",
    "cos",
    "tan",
    "sec",
    "csc",
    "cot",
    "sinh",
    "cosh",
    "tanh",
    "coth",
    "arcsin",
    "arccos",
    "arctan",
):
    LATEX_COMMANDS[_fn] = _fn
