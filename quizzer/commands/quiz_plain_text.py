"""The words of `quizzer quiz --plain`, in English and Chinese (format fields in braces)."""

from __future__ import annotations

from quizzer.core.scheduler import Rating
from quizzer.core.text import LocalizedText


def _t(en: str, zh: str) -> LocalizedText:
    return LocalizedText(en=en, zh=zh)


# The plain front end's own words, in both languages.
TEXT = {
    "continue": _t(
        "An unfinished session from {when} has {left} question(s) left "
        "({done} answered). Continue it? [Y/n] ",
        "{when} 开始的学习还有 {left} 道题未完成（已答 {done} 道）。继续吗？[Y/n] ",
    ),
    "nothing": _t("Nothing to study now.", "现在没有需要学习的题目。"),
    "next_due": _t("Next review due {when} (in {delta}).", "下次复习时间 {when}（{delta} 后）。"),
    "plan": _t(
        "Session: {due} due review(s), {new} new question(s). Type :help for commands.",
        "本次学习：{due} 道待复习，{new} 道新题。输入 :help 查看命令。",
    ),
    "continuing": _t(
        "Continuing: {left} question(s) left. Type :help for commands.",
        "继续学习：还剩 {left} 道题。输入 :help 查看命令。",
    ),
    "help": _t(
        "Commands at the answer prompt: :hint shows a hint, :skip leaves the question for "
        "another day, :quit saves and stops (continue later), :help shows this.",
        "答题时可用命令：:hint 显示提示，:skip 跳过本题，:quit 保存并退出（稍后可继续），"
        ":help 显示本说明。",
    ),
    "multiline": _t(
        "(several lines: finish with a line containing only '.')",
        "（可输入多行，单独一行 '.' 表示结束）",
    ),
    "answer": _t("answer> ", "回答> "),
    "recall": _t(
        "Your answer (or press Enter to just think it), then compare with the key points:",
        "写下你的答案（或直接回车，在心里作答），然后与要点对照：",
    ),
    "no_hint": _t("No more hints.", "没有更多提示了。"),
    "hint": _t("hint: {text}", "提示：{text}"),
    "not_understood": _t(
        "Not understood: {message} (try again, or :skip)",
        "无法理解答案：{message}（请重答，或输入 :skip）",
    ),
    "check_failed": _t(
        "The check failed: {message} (try again, or :skip)",
        "检查失败：{message}（请重答，或输入 :skip）",
    ),
    "interpreted": _t("interpreted as: {text}", "理解为：{text}"),
    "correct": _t("✓ correct", "✓ 正确"),
    "incorrect": _t("✗ incorrect", "✗ 错误"),
    "undecided": _t("? undecided", "? 无法判定"),
    "self_rated": _t("Key points:", "要点："),
    "expected": _t("expected: {text}", "参考答案：{text}"),
    "explanation": _t("Explanation:", "解析："),
    "source": _t("source: {text}", "出处：{text}"),
    "rate": _t(
        "rating [a]gain [h]ard [g]ood [e]asy{default}> ",
        "评分 [a]重来 [h]困难 [g]良好 [e]简单{default}> ",
    ),
    "rate_default": _t(" (Enter = {name})", "（回车 = {name}）"),
    "rate_again": _t("Type a, h, g or e (or 1-4).", "请输入 a、h、g 或 e（或 1-4）。"),
    "scheduled": _t("Next review in {delta}.", "{delta} 后复习。"),
    "skipped": _t("Skipped.", "已跳过。"),
    "saved": _t(
        "Progress saved. Run `quizzer quiz` again to continue this session.",
        "进度已保存。再次运行 `quizzer quiz` 可继续本次学习。",
    ),
    "summary": _t("Session summary", "学习小结"),
    "answered": _t(
        "answered {n}: {correct} correct, {incorrect} incorrect, {undecided} "
        "self-rated or undecided; skipped {skipped}",
        "共答 {n} 题：正确 {correct}，错误 {incorrect}，自评或未判定 {undecided}；跳过 {skipped}",
    ),
    "score": _t("score {score:.0%}, time {time}", "得分 {score:.0%}，用时 {time}"),
    "topic": _t("  {topic}: {correct}/{answered}", "  {topic}：{correct}/{answered}"),
    "weakest": _t("weakest: {topics}", "最薄弱：{topics}"),
}
RATING_NAMES = {
    Rating.AGAIN: _t("again", "重来"),
    Rating.HARD: _t("hard", "困难"),
    Rating.GOOD: _t("good", "良好"),
    Rating.EASY: _t("easy", "简单"),
}
