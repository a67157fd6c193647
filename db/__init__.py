"""The course's database: SQLAlchemy models, sessions, migrations and the queries the rest of the code calls:
recording (writing a graded run or a quiz answer), learners (one learner's progress and history),
class_reports (the class table and statistics), item_stats (per hidden test and quiz question),
exports (chosen submissions with their tests), selection (which rows count in a report).

Only this package imports SQLAlchemy. The default database is a SQLite file in
this folder (git-ignored); `--db URL` or `GRADE_DB` chooses another.
"""
