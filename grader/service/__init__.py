"""What the commands do, without click: grade and record a submission, a learner's progress,
quizzes, a whole class (autograde). Plain result objects in, plain result objects out."""
