"""Instructor material: reference solutions, hidden tests, drivers and quiz keys. Not shipped to learners."""
