"""Shared test data for tests/store: a small bank and a clock the test moves by hand."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

START = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)

BANK = """\
bank:
  id: tiny
  title: {en: Tiny test bank, zh: 小测试题库}
  topic: testing
  tags: [tiny]
questions:
  - id: tiny-choice
    type: choice
    difficulty: 1
    tags: [warmup]
    prompt:
      en: "Which activation is zero for negative inputs?"
      zh: "哪个激活函数对负输入输出为零？"
    explanation: {en: "ReLU(x) = max(0, x).", zh: "ReLU(x) = max(0, x)。"}
    answer:
      shuffle: false
      choices:
        - {id: a, text: {en: tanh, zh: tanh}}
        - {id: b, text: {en: ReLU, zh: ReLU}}
        - {id: c, text: {en: sigmoid, zh: sigmoid}}
      correct: b
    mistakes:
      - match: a
        feedback: {en: "tanh is negative for negative inputs.", zh: "tanh 对负输入输出为负。"}
    tests:
      accept: [b, "2"]
      reject: [a, c]
  - id: tiny-numeric
    type: numeric
    difficulty: 2
    prompt: {en: "How many parameters has nn.Linear(3, 4)?", zh: "nn.Linear(3, 4) 有多少参数？"}
    explanation: {en: "3·4 weights + 4 biases = 16.", zh: "3·4 个权重加 4 个偏置 = 16。"}
    answer: {value: 16, tolerance: {rel: 0, abs: 0}}
    tests:
      accept: ["16"]
      reject: ["12"]
  - id: tiny-multi
    type: multi
    difficulty: 2
    prompt: {en: "Which are normalisation layers?", zh: "哪些是归一化层？"}
    explanation:
      en: "LayerNorm and BatchNorm normalise; Dropout does not."
      zh: "LayerNorm 和 BatchNorm 做归一化；Dropout 不是。"
    answer:
      shuffle: false
      choices:
        - {id: a, text: {en: LayerNorm, zh: LayerNorm}}
        - {id: b, text: {en: Dropout, zh: Dropout}}
        - {id: c, text: {en: BatchNorm, zh: BatchNorm}}
      correct: [a, c]
    tests:
      accept: ["a, c"]
      reject: ["a"]
  - id: tiny-recall
    type: recall
    difficulty: 2
    prompt:
      en: "Why scale attention scores by 1/sqrt(d_k)?"
      zh: "注意力分数为何要除以 sqrt(d_k)？"
    explanation: {en: "The dot product's variance grows with d_k.", zh: "点积的方差随 d_k 增长。"}
    answer:
      key_points:
        - {en: "variance of q·k is d_k", zh: "q·k 的方差为 d_k"}
        - {en: "keeps softmax out of saturation", zh: "避免 softmax 饱和"}
"""


@dataclass
class Clock:
    """A clock the test moves by hand (UTC)."""

    now: datetime = START

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> datetime:
        self.now += timedelta(**delta)
        return self.now
