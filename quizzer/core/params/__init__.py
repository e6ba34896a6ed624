"""The parameter, FLOP and memory calculator behind `quizzer params` and the `params` drills.

Pure Python: counting never imports torch or SymPy. `verify` (torch, meta device) and
`symbolic` (SymPy) import them inside their functions.
"""
