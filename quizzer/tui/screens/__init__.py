"""The screens of the quiz: home, question, feedback, summary, stats, help."""
