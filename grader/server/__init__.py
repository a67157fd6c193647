"""The course server (`grade serve`): learners submit over HTTP and get the hidden tests' feedback without
ever holding the hidden tests; quizzes are answered under the learner's own token; the instructor reads
the class live.

factory (the ASGI application), app (what every request shares), api (the versioned JSON API), web (the
learners' pages and the instructor's dashboard, Jinja2), admission (rate limits and the queue's
capacity), run (starting and stopping the server), login and client (the learner's side: where the
server is, and talking to it with the standard library only).

Importing this package imports nothing heavy: `grade submit` reads `login` on its cold path.
"""
