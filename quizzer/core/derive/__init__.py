"""Derivation exercises: the learner works a derivation line by line, each line checked.

- `exercise`: the YAML format of `derivations/<topic>/*.yaml`, its loader and validation.
- `givens`: the exercise's definitions and facts as substitutions, and the symbols it declares.
- `expectation`: expectation/variance algebra (linearity, independence, moments from facts).
- `expressions`: the one door into the expression engine (`quizzer.core.expr`).
- `lines`, `checker`, `report`, `equations`: splitting a derivation into lines and links, the
  line-by-line checker, its per-line report, and equation steps compared by their solutions.
- `numeric` and `montecarlo`: the torch double check of every reference derivation.
- `verify`: `quizzer derive --check`; `grading`: the `derivation` question type;
  `mutation`: the broken-step mutants the robustness test feeds to the checker;
  `interactive`: the plain-terminal runner.

Nothing here imports SymPy or torch at module level.
"""
