"""The course's material: the manifest, visible examples, quizzes and their keys, notebooks, the
learners' release, and reading a learner's file. Nothing here runs learner code."""
