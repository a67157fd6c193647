"""The course's material, nothing that runs learner code.

catalog        the manifest: `Exercise`, `load_manifest`, `get_exercise`, `COURSE_ROOT`
quizmodels     the quiz and answer-key files' models; quizbank loads them, bankchecks relates them
answers        reading, judging and writing a learner's quiz answer
examples       the visible examples' model and loading; examplecheck decides whether one passed
schema, coursefiles, validation, issues, tomlpos
               how a course file's model is written, the one loader (with its cache), validation
               with pydantic, problems said with file, line and suggestion, TOML positions
check          `grade course check`: the whole course at once
notebooks, notebook_source, docmarkdown
               building an exercise's notebook; reading a learner's notebook back into a module
submissions    reading what a learner hands in, and who they are
functions      which exercise defines which function
release, learnercopy, leaks
               the learners' copy, its own README and set-up, and the audit that it gives nothing away
places         the user's cache and data folders
"""
