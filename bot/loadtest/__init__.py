"""Load test, hostile-input run and the helpers the failure drills share.

- ``python -m bot.loadtest`` (``make loadtest``): two Rasa instances and two action
  servers on PostgreSQL + Redis behind nginx, N simulated parents, consistency check.
- ``python -m bot.loadtest.hostile``: random and hostile messages over REST.
- :mod:`bot.loadtest.tcpproxy`: a TCP proxy that can be cut (database-down drill) and
  that doubles as a round-robin load balancer when nginx is missing.
"""
