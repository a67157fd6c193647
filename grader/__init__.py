"""The grading engine and the `grade` command of the neural-network course."""

__version__ = "0.1.0"
