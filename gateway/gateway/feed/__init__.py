"""The external event feed (rules.md §8.3): the events external systems may receive, redacted in one place
(``redaction``), kept in order with a gap-free position (``log``), and sent out on the channels (``amqp``)."""
