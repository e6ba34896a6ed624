"""Reusable widgets of the quiz: answer inputs per question type, charts, the spinner."""
