"""What task kinds do at run time, as methods of the context a step function sees
(`RunContext`): outbound calls (`http`), inbound auth (`auth`), `cache`, `schedule`. A new task
kind with run-time behaviour is one module here and one base of `RunContext`."""
