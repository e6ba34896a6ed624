"""Every label the TUI shows, in English and Chinese.

Question text comes from the banks (`LocalizedText`); these are the app's own words. `tr` falls
back to English for a missing key so a forgotten translation never crashes a screen.
"""

from __future__ import annotations

UI: dict[str, tuple[str, str]] = {
    # Home
    "tagline": (
        "ML interview drills, checked and scheduled",
        "机器学习面试练习：自动检查，按记忆安排",
    ),
    "topics": ("Topics and banks", "主题与题库"),
    "filter": ("Filter topics and banks (/)", "筛选主题和题库 (/)"),
    "all_banks": ("All banks", "全部题库"),
    # The count columns' header: four right-aligned columns of 4 cells, the last 5 (a CJK
    # character is 2 cells wide).
    "columns": ("   qs  due  new  mast", " 题数 到期 新题  掌握"),
    "plan": ("Today's plan", "今日计划"),
    "scope": ("Scope", "范围"),
    "scope_all": ("all banks", "全部题库"),
    "scope_topic": ("topic {name}", "主题 {name}"),
    "scope_bank": ("bank {name}", "题库 {name}"),
    "due_now": ("Due reviews", "待复习"),
    "new_today": ("New questions", "新题"),
    "session_size": ("This session", "本次练习"),
    "mastered": ("Mastered", "已掌握"),
    "done_today": ("Answered today", "今日已答"),
    "questions_n": ("{n} questions", "{n} 题"),
    "start": ("Start session", "开始练习"),
    "continue": ("Continue session", "继续练习"),
    "continue_hint": (
        "An unfinished session from {when} ({n} answered).",
        "有一次未完成的练习，开始于 {when}（已答 {n} 题）。",
    ),
    "nothing_due": (
        "Nothing to review in this scope right now: pick another topic, or come back later.",
        "此范围内目前没有需要练习的题目：换个主题，或稍后再来。",
    ),
    "skipped_banks": (
        "{n} bank file(s) could not be loaded: run `quizzer banks validate` to see why.",
        "有 {n} 个题库文件无法加载：运行 `quizzer banks validate` 查看原因。",
    ),
    "lang_name": ("English", "中文"),
    # Question
    "question_of": ("Question {i} of {n}", "第 {i} / {n} 题"),
    "your_answer": ("Your answer", "你的答案"),
    "interpreted_as": ("Interpreted as", "理解为"),
    "preview_pending": (
        "(the preview appears when the checker is ready)",
        "（检查器就绪后显示预览）",
    ),
    "checking": ("Checking…", "正在检查…"),
    "not_understood": ("Answer not understood", "无法理解该答案"),
    "check_failed": ("The check failed", "检查出错"),
    "hint": ("Hint", "提示"),
    "no_more_hints": ("No more hints for this question.", "本题没有更多提示。"),
    "choose_hint": (
        "Press a number to select, Enter to submit.",
        "按数字键选择，回车提交。",
    ),
    "multi_hint": (
        "Press numbers to toggle every correct option, Enter to submit.",
        "按数字键勾选所有正确选项，回车提交。",
    ),
    "numeric_hint": ("Type a number and press Enter.", "输入数字后按回车。"),
    "numeric_placeholder": (
        "e.g. 64, 1e-3, 1/1000, 109,482,240",
        "例如 64、1e-3、1/1000、109,482,240",
    ),
    "expression_placeholder": ("e.g. sigma(x)*(1 - sigma(x))", "例如 sigma(x)*(1 - sigma(x))"),
    "expression_hint": ("Type a formula and press Enter.", "输入公式后按回车。"),
    "derivation_hint": (
        "One step per line; each line is checked as you go. Ctrl+S submits.",
        "每行一步，边写边检查。Ctrl+S 提交。",
    ),
    "code_hint": ("Write the function; Ctrl+R runs the checks.", "编写函数；Ctrl+R 运行检查。"),
    "recall_hint": (
        "Answer in your own words (or in your head), then Ctrl+S reveals the key points.",
        "用自己的话作答（或在心里作答），然后 Ctrl+S 显示要点。",
    ),
    "derivation_start": ("Start from", "起点"),
    "derivation_goal": ("Reach", "目标"),
    "empty_answer": ("Type an answer first.", "请先输入答案。"),
    # Feedback
    "correct": ("Correct", "正确"),
    "incorrect": ("Incorrect", "错误"),
    "undecided": ("Undecided", "无法判定"),
    "self_rated": ("Compare with the key points", "与要点对照"),
    "expected": ("Expected", "参考答案"),
    "key_points": ("Key points", "要点"),
    "feedback": ("Feedback", "反馈"),
    "counterexample": ("Counterexample", "反例"),
    "failing_case": ("Failing case", "未通过的用例"),
    "steps": ("Your steps", "你的步骤"),
    "breakdown": ("The count, part by part", "逐部分计数"),
    "cases_passed": ("Cases passed: {n} of {total}", "通过的用例：{n} / {total}"),
    "explanation": ("Explanation", "讲解"),
    "source": ("Source in the notes", "笔记出处"),
    "rate": ("Rate your recall", "给这次回忆打分"),
    "proposed": ("proposed: {rating} (Enter)", "建议：{rating}（回车）"),
    "no_proposal": ("choose 1-4", "请选择 1-4"),
    "again": ("Again", "重来"),
    "hard": ("Hard", "困难"),
    "good": ("Good", "良好"),
    "easy": ("Easy", "简单"),
    # Summary
    "summary": ("Session summary", "练习小结"),
    "score": ("Score", "得分"),
    "time": ("Time", "用时"),
    "accuracy_by_topic": ("Accuracy by topic", "各主题正确率"),
    "time_detail": ("{a} answering, {b} in all", "答题 {a}，总计 {b}"),
    "skipped_n": ("{n} skipped", "跳过 {n} 题"),
    "undecided_n": ("{n} undecided", "{n} 题无法判定"),
    "weakest": ("Weakest topics", "最薄弱的主题"),
    "next_due": ("Next review due", "下次复习"),
    "none": ("none", "无"),
    # Stats
    "stats": ("Statistics", "统计"),
    "reviews_per_day": ("Reviews per day", "每日复习数"),
    "retention": ("Retention", "记忆保持率"),
    "reviews": ("Reviews", "复习次数"),
    "due_forecast": ("Due in the coming days", "未来几天到期"),
    "topic_mastery": ("Mastery by topic", "各主题掌握度"),
    "no_reviews": ("No reviews yet.", "还没有复习记录。"),
    # Help
    "help": ("Keys", "按键"),
    "help_intro": (
        "quizzer serves due reviews first, then new questions. Every answer is checked, "
        "explained, and scheduled by your rating. Keys can be remapped in config.json "
        '("keymap": {binding id: key}).',
        "quizzer 先安排到期复习，再安排新题。每个答案都会被检查、讲解，并按你的评分安排下次复习。"
        '可在 config.json 中重新映射按键（"keymap": {绑定 id: 按键}）。',
    ),
}


def tr(key: str, lang: str, **values: object) -> str:
    """The label `key` in `lang` (English when there is no translation), formatted."""
    en, zh = UI.get(key, (key, key))
    text = zh if lang == "zh" and zh else en
    return text.format(**values) if values else text
