"""The review cycle: due dates, the schedule, reminders, display, integrity, exports, its admin and staff views."""
