"""Queued long work, run outside the web workers: a task is a row in ``queued_tasks``, claimed
by one ``flask worker run`` process at a time, kept alive by its heartbeat, taken over by
another worker when the heartbeat stops (a kill -9, a lost machine) and resumed there.

Features declare what a kind of task does with :func:`app.worker.registry.register_task` and
queue one with :func:`app.worker.queue.enqueue` in the same transaction as the row it works on.
"""
