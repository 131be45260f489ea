"""Workforce planning over the store: history, forecasts, requirements, schedules and adherence.

This package reads rows (transitions, agents, the audit log), maps them to numpy arrays and plain
values, and calls the pure maths in `workforce/`; it stores overrides and schedules. Design:
docs/planning.md.
"""
