"""The instructor's view of the class, computed in SQL by the db package:

course (quizzes, sort columns), class_report (the class table and statistics), drilldown (one exercise,
quiz or learner), csv_files (CSV and the gradebook), gradescope (results.json), terminal (rich tables),
html (one offline page with charts)."""
