"""Running a code exercise inside the torch worker: the learner's function against the reference.

Every case (a bank-defined set of sizes and flags) runs in every dtype the exercise lists, on
inputs drawn from a seeded generator on the CPU and then moved to the check device, so CPU and
CUDA see the same numbers. Inputs are rebuilt for every call, so a function that modifies its
arguments in place cannot disturb the next one.

Order matters for honesty: all reference outputs (and finite-difference gradients of the bank's
loss) are computed before the learner's code is even executed, so nothing the learner's module
does at import time can bend the references of this check.
"""

from __future__ import annotations

import math
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from quizzer.core.torchcheck import gradcheck
from quizzer.core.torchcheck.compare import (
    compare,
    describe,
    identical,
    numbers,
    tolerance_for,
)

ANSWER_FILENAME = "<answer>"
DEFAULT_DTYPES = ("float32", "float64")
Progress = Callable[[dict[str, Any]], None]


class BankCodeError(Exception):
    """The bank's own code (reference, inputs, variant, observe, loss) failed: a content bug."""


@dataclass
class Exercise:
    """A code exercise with its bank code compiled, cached by the worker per question."""

    question_id: str
    spec: dict[str, Any]
    entry: str
    reference: Callable[..., Any]
    make_inputs: Callable[..., Any]
    observe: Callable[..., Any] | None = None
    loss: Callable[..., Any] | None = None
    variants: list[tuple[str, Callable[..., Any]]] = field(default_factory=list)


@dataclass(frozen=True)
class Case:
    index: int
    params: dict[str, Any]
    dtype: str

    def info(self, inputs: Any, total: int) -> dict[str, Any]:
        name = self.params.get("name")
        return {
            "index": self.index + 1,
            "total": total,
            "name": name,
            "dtype": self.dtype,
            "inputs": describe(inputs),
        }


def base_namespace() -> dict[str, Any]:
    """What every piece of code sees without importing: torch, F, nn, math."""
    import torch
    import torch.nn.functional as F

    return {"torch": torch, "F": F, "nn": torch.nn, "math": math, "__name__": "__quizzer__"}


def _define(code: str, shared: dict[str, Any], name: str, filename: str) -> Callable[..., Any]:
    namespace = dict(shared)
    try:
        exec(compile(code, filename, "exec"), namespace)
    except Exception as exc:
        raise BankCodeError(f"{filename}: {type(exc).__name__}: {exc}") from exc
    function = namespace.get(name)
    if not callable(function):
        raise BankCodeError(f"{filename} does not define {name}()")
    return function  # type: ignore[no-any-return]


def compile_exercise(question_id: str, spec: dict[str, Any], entry: str) -> Exercise:
    shared = base_namespace()
    if spec.get("setup"):
        try:
            exec(compile(spec["setup"], f"<{question_id} setup>", "exec"), shared)
        except Exception as exc:
            raise BankCodeError(f"setup: {type(exc).__name__}: {exc}") from exc
    check = spec.get("gradcheck") or {}
    return Exercise(
        question_id=question_id,
        spec=spec,
        entry=entry,
        reference=_define(spec["reference"], shared, entry, f"<{question_id} reference>"),
        make_inputs=_define(spec["inputs"], shared, "make_inputs", f"<{question_id} inputs>"),
        observe=(
            _define(spec["observe"], shared, "observe", f"<{question_id} observe>")
            if spec.get("observe")
            else None
        ),
        loss=(
            _define(check["loss"], shared, "loss", f"<{question_id} loss>")
            if check.get("loss")
            else None
        ),
        variants=[
            (str(v["name"]), _define(v["code"], shared, entry, f"<{question_id} {v['name']}>"))
            for v in spec.get("variants") or ()
        ],
    )


def expand_cases(spec: dict[str, Any]) -> list[Case]:
    """Each case in each of its dtypes, in the bank's order (simple cases first)."""
    default = spec.get("dtypes") or DEFAULT_DTYPES
    cases: list[Case] = []
    for params in spec["cases"]:
        for dtype in params.get("dtypes") or default:
            cases.append(Case(len(cases), dict(params), str(dtype)))
    return cases


def _to_device(value: Any, device: str) -> Any:
    import torch

    if isinstance(value, torch.Tensor):
        return value.to(device)
    if isinstance(value, list):
        return [_to_device(v, device) for v in value]
    if isinstance(value, tuple):
        return tuple(_to_device(v, device) for v in value)
    return value


class Runner:
    """One check: a compiled exercise, a device and a seed."""

    def __init__(self, exercise: Exercise, device: str, seed: int) -> None:
        self.exercise = exercise
        self.device = device
        self.seed = seed
        self.cases = expand_cases(exercise.spec)
        self.source_lines: list[str] = []

    def inputs(self, case: Case, dtype: str | None = None) -> dict[str, Any]:
        """Fresh inputs for `case`, identical on every call (seeded per case)."""
        import torch

        generator = torch.Generator().manual_seed(self.seed * 1009 + case.index)
        try:
            raw = self.exercise.make_inputs(
                dict(case.params), getattr(torch, dtype or case.dtype), generator, self.device
            )
        except Exception as exc:
            raise BankCodeError(f"make_inputs: {type(exc).__name__}: {exc}") from exc
        if not isinstance(raw, dict):
            raise BankCodeError("make_inputs must return a dict of argument names to values")
        return {str(k): _to_device(v, self.device) for k, v in raw.items()}

    def bank_call(self, what: str, function: Callable[..., Any], *args: Any, **kw: Any) -> Any:
        try:
            return function(*args, **kw)
        except Exception as exc:
            raise BankCodeError(f"{what}: {type(exc).__name__}: {exc}") from exc

    def tolerance(self, case: Case) -> tuple[float, float]:
        return tolerance_for(self.exercise.spec.get("tolerance"), case.dtype)

    def matches(self, expected: Any, got: Any, case: Case, inputs: dict[str, Any]) -> Any:
        """The first mismatch between two results of the function, or None."""
        observe = self.exercise.observe
        if observe is None:
            return compare(expected, got, self.tolerance(case))
        structure = compare(expected, got, None)
        if structure is not None:
            return structure
        want = self.bank_call("observe", observe, expected, inputs)
        have = self.bank_call("observe", observe, got, inputs)
        found = compare(want, have, self.tolerance(case), path="observed")
        if found is not None:
            label = self.exercise.spec.get("observed")
            found.update(
                expected_observed=numbers(want),
                got_observed=numbers(have),
                observed_label=label if isinstance(label, dict) else {"en": label},
            )
        return found

    def recognize(self, case: Case, got: Any) -> str | None:
        """The first listed wrong variant whose output the learner's output matches."""
        for name, variant in self.exercise.variants:
            inputs = self.inputs(case)
            try:
                out = variant(*inputs.values())
            except Exception:
                continue  # a variant that cannot run on this case simply does not match
            if self.matches(out, got, case, self.inputs(case)) is None:
                return name
        return None

    def gradcheck_case(self) -> Case | None:
        """The bank's case `gradcheck.case` (an index into `cases`), in float64."""
        check = self.exercise.spec.get("gradcheck")
        if not check:
            return None
        index = int(check.get("case", 0))
        # A seed index of its own, so its inputs differ from the ordinary cases' draws.
        return Case(len(self.cases) + index, dict(self.exercise.spec["cases"][index]), "float64")

    def run(self, source: str, progress: Progress) -> dict[str, Any]:
        check = self.exercise.spec.get("gradcheck") or {}
        grad_case = self.gradcheck_case()
        expected = [
            self.bank_call("reference", self.exercise.reference, *self.inputs(c).values())
            for c in self.cases
        ]
        returned_fd: dict[int, float] = {}
        if grad_case is not None and check.get("mode") == "returns-grad":
            assert self.exercise.loss is not None  # check_spec requires `loss` for this mode
            returned_fd = self.bank_call(
                "loss",
                gradcheck.finite_difference_gradient,
                self.exercise.loss,
                lambda: self.inputs(grad_case),
                check["wrt"][0],
                self.seed,
            )
        self.source_lines = source.splitlines()
        learner = load_learner(source, self.exercise.entry)
        if isinstance(learner, dict):
            return learner
        total = len(self.cases)
        for case, want in zip(self.cases, expected, strict=True):
            inputs = self.inputs(case)
            progress({"case": case.info(inputs, total)})
            failure = self._check_case(learner, case, want, inputs)
            if failure is not None:
                return {
                    "case": case.info(inputs, total),
                    "cases_passed": case.index,
                    "cases_total": total,
                    **failure,
                }
        if grad_case is not None:
            inputs = self.inputs(grad_case)
            progress({"case": {**grad_case.info(inputs, total), "gradcheck": True}})
            failure = self._gradcheck(learner, grad_case, check, returned_fd)
            if failure is not None:
                return {
                    "case": {**grad_case.info(inputs, total), "gradcheck": True},
                    "cases_passed": total,
                    "cases_total": total,
                    **failure,
                }
        return {"status": "pass", "cases_total": total, "gradcheck": grad_case is not None}

    def _check_case(
        self, learner: Callable[..., Any], case: Case, want: Any, inputs: dict[str, Any]
    ) -> dict[str, Any] | None:
        try:
            got = learner(*inputs.values())
        except (Exception, SystemExit) as exc:
            return learner_exception(exc, self.source_lines)
        mismatch = self.matches(want, got, case, self.inputs(case))
        if mismatch is not None:
            return {"status": "fail", **mismatch, "variant": self.recognize(case, got)}
        if self.exercise.spec.get("deterministic"):
            try:
                again = learner(*self.inputs(case).values())
            except (Exception, SystemExit) as exc:
                return learner_exception(exc, self.source_lines)
            if not identical(got, again):
                return {"status": "fail", "reason": "nondeterministic", "variant": None}
        return None

    def _gradcheck(
        self,
        learner: Callable[..., Any],
        case: Case,
        check: dict[str, Any],
        returned_fd: dict[int, float],
    ) -> dict[str, Any] | None:
        wrt = [str(n) for n in check["wrt"]]
        try:
            if check.get("mode") == "returns-grad":
                inputs = self.inputs(case)
                got = learner(*inputs.values())
                shape = tuple(inputs[wrt[0]].shape)
                found = gradcheck.check_returned_gradient(got, returned_fd, wrt[0], shape)
            else:
                found = gradcheck.check_autograd(learner, lambda: self.inputs(case), wrt, self.seed)
        except (Exception, SystemExit) as exc:
            return learner_exception(exc, self.source_lines)
        return None if found is None else {"status": "fail", **found, "variant": None}


def load_learner(source: str, entry: str) -> Callable[..., Any] | dict[str, Any]:
    """The learner's function, or the error result when the module cannot even run."""
    namespace = base_namespace()
    try:
        exec(compile(source, ANSWER_FILENAME, "exec"), namespace)
    except BaseException as exc:  # SystemExit from exit() included: report, do not die
        if isinstance(exc, KeyboardInterrupt):
            raise
        return {**learner_exception(exc, source.splitlines()), "stage": "load"}
    function = namespace.get(entry)
    if not callable(function):
        return {
            "status": "fail",
            "reason": "exception",
            "stage": "load",
            "variant": None,
            "exception": "NameError",
            "message": f"no function named {entry!r} is defined",
            "line": None,
            "code_line": None,
        }
    return function  # type: ignore[no-any-return]


def is_out_of_memory(exc: BaseException) -> bool:
    text = str(exc)
    return (
        isinstance(exc, MemoryError)
        or type(exc).__name__ == "OutOfMemoryError"
        or "out of memory" in text
        or "can't allocate memory" in text
    )


def learner_exception(exc: BaseException, source_lines: list[str]) -> dict[str, Any]:
    """An exception from the learner's code, located in their source when possible."""
    if is_out_of_memory(exc):
        return {
            "status": "fail",
            "reason": "out of memory",
            "variant": None,
            "message": str(exc)[:300],
        }
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename == ANSWER_FILENAME]
    line = frames[-1].lineno if frames else getattr(exc, "lineno", None)
    if isinstance(exc, SyntaxError) and exc.filename != ANSWER_FILENAME:
        line = None
    code_line = source_lines[line - 1].strip() if line and 0 < line <= len(source_lines) else None
    return {
        "status": "fail",
        "reason": "exception",
        "variant": None,
        "exception": type(exc).__name__,
        "message": str(exc)[:500],
        "line": line,
        "code_line": code_line,
    }
