"""quizzer: a terminal quiz that checks ML interview answers.

Nothing heavy is imported here: `quizzer --help` must stay fast, so SymPy, torch and Textual are
imported by the functions that need them.
"""

__version__ = "0.1.0"
