"""The Textual front end: the only package that imports textual.

`quizzer.tui.app.run_app` opens the quiz; `create_app` builds the same app for the tests. Nothing
is imported here so that `import quizzer.tui` stays free.
"""
