"""Feedback for a code answer, in English and Chinese, built from the worker's failure report.

The first line names the failing case (its number, name and dtype), the second its inputs
(shapes and dtypes), the third what differed (shape, dtype, max abs error, a small excerpt);
a recognized mistake adds the bank's own explanation.
"""

from __future__ import annotations

from typing import Any

from quizzer.core.text import LocalizedText

WHAT = {
    "values": ("wrong values", "数值不对"),
    "nan": (
        "NaN or inf where the reference is finite",
        "在参考结果为有限值的位置出现了 NaN 或 inf",
    ),
    "shape": ("wrong shape", "形状不对"),
    "dtype": ("wrong dtype", "dtype 不对"),
    "device": ("result on the wrong device", "结果所在的设备不对"),
    "type": ("wrong kind of result", "返回值的类型不对"),
    "length": ("wrong number of results", "返回值的个数不对"),
    "exception": ("your function raised {exception}", "你的函数抛出了 {exception}"),
    "out of memory": ("out of memory", "内存不足"),
    "timeout": (
        "no result within {timeout:g} s (an infinite loop?)",
        "{timeout:g} 秒内没有结果（死循环？）",
    ),
    "crash": (
        "the checking process died (exit code {returncode})",
        "检查进程意外退出（退出码 {returncode}）",
    ),
    "nondeterministic": (
        "two calls with identical inputs gave different results",
        "相同输入调用两次，结果却不同",
    ),
    "gradient": ("the gradient check failed", "梯度检查未通过"),
}


def _text(en: str, zh: str) -> LocalizedText:
    return LocalizedText(en=en, zh=zh)


def fmt_number(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value)


def fmt_shape(shape: Any) -> str:
    dims = [int(d) for d in shape]
    return "(" + ", ".join(map(str, dims)) + ("," if len(dims) == 1 else "") + ")"


def fmt_value(value: Any) -> str:
    """An input or output description (from `compare.describe`) in a few characters."""
    if isinstance(value, dict) and "shape" in value and "dtype" in value:
        return f"{fmt_shape(value['shape'])} {value['dtype']}"
    if isinstance(value, dict) and "object" in value:
        return str(value["object"])
    if isinstance(value, list):
        return "[" + ", ".join(fmt_value(v) for v in value) + "]"
    return fmt_number(value)


def fmt_inputs(inputs: Any) -> str:
    if not isinstance(inputs, dict):
        return fmt_value(inputs)
    parts = []
    for name, value in inputs.items():
        shown = fmt_value(value)
        joiner = " " if isinstance(value, dict | list) else "="
        parts.append(f"{name}{joiner}{shown}")
    return ", ".join(parts)


def case_name(case: dict[str, Any], lang: str) -> str:
    name = case.get("name")
    if isinstance(name, dict):
        return str(name.get(lang) or name.get("en") or "")
    return str(name or "")


def headline(result: dict[str, Any], **values: Any) -> LocalizedText:
    reason = str(result.get("reason", "values"))
    en_what, zh_what = WHAT.get(reason, (reason, reason))
    fields = {"exception": result.get("exception", "an exception"), **values}
    en_what, zh_what = en_what.format(**fields), zh_what.format(**fields)
    case = result.get("case") or {}
    if not case:
        return _text(f"Your function fails: {en_what}.", f"你的函数未通过：{zh_what}。")
    dtype = case.get("dtype", "")
    en_label = ", ".join(p for p in (case_name(case, "en"), dtype) if p)
    zh_label = "，".join(p for p in (case_name(case, "zh"), dtype) if p)
    if case.get("gradcheck"):
        return _text(
            f"The gradient check ({en_label}) fails: {en_what}.",
            f"梯度检查（{zh_label}）未通过：{zh_what}。",
        )
    n, total = case.get("index", "?"), case.get("total", "?")
    return _text(
        f"Case {n} of {total} ({en_label}) fails: {en_what}.",
        f"第 {n}/{total} 个用例（{zh_label}）未通过：{zh_what}。",
    )


def inputs_line(result: dict[str, Any]) -> LocalizedText | None:
    case = result.get("case") or {}
    if not case.get("inputs"):
        return None
    shown = fmt_inputs(case["inputs"])
    return _text(f"Inputs: {shown}.", f"输入：{shown}。")


def detail_lines(result: dict[str, Any]) -> list[LocalizedText]:
    """What differed, one or two sentences."""
    return [
        _text(line.en[:1].upper() + line.en[1:], line.zh or line.en) for line in _details(result)
    ]


def _details(result: dict[str, Any]) -> list[LocalizedText]:
    reason = result.get("reason")
    where = result.get("path", "result")
    prefix_en = "" if where == "result" else f"In {where}, "
    prefix_zh = "" if where == "result" else f"{where}："
    expected: Any = result.get("expected") or {}
    got: Any = result.get("got") or {}
    if reason == "shape":
        lines = [
            _text(
                f"{prefix_en}expected shape {fmt_shape(expected['shape'])}, got "
                f"{fmt_shape(got['shape'])}.",
                f"{prefix_zh}期望形状 {fmt_shape(expected['shape'])}，实际是 "
                f"{fmt_shape(got['shape'])}。",
            )
        ]
        if sorted(expected["shape"]) == sorted(got["shape"]):
            lines.append(
                _text(
                    "Same sizes in a different order: check which dimensions you "
                    "transposed or reshaped.",
                    "尺寸相同但顺序不同：检查转置或 reshape 的维度。",
                )
            )
        return lines
    if reason == "dtype":
        return [
            _text(
                f"{prefix_en}expected dtype {expected['dtype']}, got {got['dtype']}.",
                f"{prefix_zh}期望 dtype 为 {expected['dtype']}，实际是 {got['dtype']}。",
            )
        ]
    if reason == "device":
        return [
            _text(
                f"Expected a result on {result.get('expected_device')}, got "
                f"{result.get('got_device')}: create new tensors on the inputs' device "
                "(device=x.device).",
                f"期望结果在 {result.get('expected_device')} 上，实际在 "
                f"{result.get('got_device')}：新建张量时请用输入所在的设备（device=x.device）。",
            )
        ]
    if reason == "type":
        return [
            _text(
                f"{prefix_en}expected {result.get('expected_kind')}, got "
                f"{result.get('got_kind')} (results are compared strictly: return a tensor "
                "where a tensor is expected, not a Python number).",
                f"{prefix_zh}期望 {result.get('expected_kind')}，实际是 "
                f"{result.get('got_kind')}（严格比较：该返回张量时不要返回 Python 数字）。",
            )
        ]
    if reason == "length":
        return [
            _text(
                f"{prefix_en}expected {result.get('expected_length')} results, got "
                f"{result.get('got_length')}.",
                f"{prefix_zh}期望 {result.get('expected_length')} 个返回值，实际 "
                f"{result.get('got_length')} 个。",
            )
        ]
    if reason in ("values", "nan"):
        return _value_lines(result, prefix_en, prefix_zh)
    if reason == "exception":
        return [_exception_line(result)]
    if reason == "nondeterministic":
        return [
            _text(
                "Draw random numbers from the generator passed in, not from torch's "
                "global random state, so that the result is reproducible.",
                "请用传入的 generator 生成随机数，而不是 torch 的全局随机状态，这样结果才可复现。",
            )
        ]
    if reason == "gradient":
        return [_gradient_line(result)]
    if reason == "timeout":
        return [
            _text(
                "Your function was stopped and the checking process restarted; look for "
                "a loop that never ends or work that grows too fast with the input size.",
                "你的函数被强制停止，检查进程已重启；请检查是否有不会结束的循环，"
                "或随输入规模增长过快的计算。",
            )
        ]
    if reason == "out of memory":
        return [
            _text(
                "Your code asked for more memory than the checker allows; the inputs here "
                "are small, so look for a huge allocation.",
                "你的代码申请的内存超过了检查程序的上限；这里的输入很小，请检查是否有巨大的内存分配。",
            )
        ]
    if reason == "crash":
        return [
            _text(
                "Your code ended the checking process (os._exit, a crash, or the "
                "system's out-of-memory killer); it has been restarted.",
                "你的代码结束了检查进程（os._exit、崩溃或系统的内存不足终止）；检查进程已重启。",
            )
        ]
    return []


def _value_lines(result: dict[str, Any], prefix_en: str, prefix_zh: str) -> list[LocalizedText]:
    observed = result.get("observed_label")
    if result.get("path") == "observed" and isinstance(observed, dict):
        want = ", ".join(fmt_number(v) for v in result.get("expected_observed") or [])
        have = ", ".join(fmt_number(v) for v in result.get("got_observed") or [])
        return [
            _text(
                f"Compared {observed.get('en')}: expected [{want}], got [{have}].",
                f"比较的是 {observed.get('zh') or observed.get('en')}：期望 [{want}]，"
                f"实际 [{have}]。",
            )
        ]
    expected, got = result.get("expected"), result.get("got")
    error = result.get("max_abs_error")
    error_text = fmt_number(error) if error is not None else "n/a"
    at = result.get("first_difference")
    count = f"{result.get('values_differing')} of {result.get('values_total')}"
    zh_count = f"{result.get('values_total')} 个值中有 {result.get('values_differing')} 个"
    if result.get("path") == "observed":
        lines = [_text("The quantities this exercise compares differ.", "本题比较的统计量不一致。")]
    elif result.get("values_total") == 1:
        want, have = fmt_number(result.get("expected_at")), fmt_number(result.get("got_at"))
        kind = fmt_value(expected)
        return [
            _text(
                f"{prefix_en}expected {want}, got {have} (a {kind} tensor).",
                f"{prefix_zh}期望 {want}，实际 {have}（{kind} 张量）。",
            )
        ]
    elif result.get("reason") == "nan":
        lines = [
            _text(
                f"{prefix_en}expected {fmt_value(expected)}, got {fmt_value(got)}; {count} values "
                f"differ (NaN or inf included), the first at {list(at or [])}.",
                f"{prefix_zh}期望 {fmt_value(expected)}，实际 {fmt_value(got)}；{zh_count}不同"
                f"（含 NaN 或 inf），第一个在 {list(at or [])}。",
            )
        ]
    else:
        lines = [
            _text(
                f"{prefix_en}expected {fmt_value(expected)}, got {fmt_value(got)}; max abs error "
                f"{error_text}; {count} values differ, the first at {list(at or [])}.",
                f"{prefix_zh}期望 {fmt_value(expected)}，实际 {fmt_value(got)}；最大绝对误差 "
                f"{error_text}；{zh_count}不同，第一个在 {list(at or [])}。",
            )
        ]
    want = ", ".join(fmt_number(v) for v in result.get("expected_excerpt") or [])
    have = ", ".join(fmt_number(v) for v in result.get("got_excerpt") or [])
    lines.append(
        _text(f"Expected [{want}, …], got [{have}, …].", f"期望 [{want}, …]，实际 [{have}, …]。")
    )
    return lines


def _exception_line(result: dict[str, Any]) -> LocalizedText:
    message = f"{result.get('exception')}: {result.get('message')}"
    line, code = result.get("line"), result.get("code_line")
    if line:
        return _text(
            f"{message} (your line {line}: `{code}`)", f"{message}（你的第 {line} 行：`{code}`）"
        )
    return _text(message, message)


def _gradient_line(result: dict[str, Any]) -> LocalizedText:
    name = result.get("input")
    detail = result.get("detail")
    if detail == "not-differentiable":
        return _text(
            f"Your result has no gradient with respect to {name}: a .detach(), .data, "
            ".item() or torch.no_grad() is in the way.",
            f"你的结果对 {name} 没有梯度：.detach()、.data、.item() 或 torch.no_grad() 挡住了它。",
        )
    if detail == "unused":
        return _text(
            f"As far as autograd can see, your result does not depend on {name}.",
            f"在 autograd 看来，你的结果不依赖 {name}。",
        )
    at = f"{name}{list(result.get('index') or [])}"
    auto, numeric = fmt_number(result.get("autograd")), fmt_number(result.get("finite_difference"))
    if detail == "returned":
        return _text(
            f"At {at} you return {auto}, but central finite differences of the loss "
            f"give {numeric} (float64).",
            f"在 {at} 处你返回 {auto}，而损失的中心差分（float64）是 {numeric}。",
        )
    return _text(
        f"At {at} autograd through your function gives {auto}, but central finite "
        f"differences of your own function give {numeric} (float64): part of the "
        "computation is hidden from autograd (a .detach(), .data or an in-place edit).",
        f"在 {at} 处，经过你的函数的 autograd 梯度是 {auto}，"
        f"而你的函数本身的中心差分（float64）是 {numeric}："
        "部分计算对 autograd 不可见（.detach()、.data 或原地修改）。",
    )


def pass_feedback(result: dict[str, Any]) -> LocalizedText:
    total = result.get("cases_total", 0)
    if result.get("gradcheck"):
        return _text(
            f"All {total} cases pass, and so does the gradient check.",
            f"全部 {total} 个用例通过，梯度检查也通过。",
        )
    return _text(f"All {total} cases pass.", f"全部 {total} 个用例通过。")
