"""Running requests or calls at the same moment, for the tests of simultaneous work."""

import threading

from django.db import connections


def at_once(*calls):
    """Run each call in its own thread, released together; their results in call order.

    An exception in a call is returned as its result, so the test can show it. Each
    thread closes its own database connections when done.
    """
    start = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(index, call):
        try:
            start.wait(timeout=30)
            results[index] = call()
        except Exception as error:  # shown by the test's assertion, never swallowed
            results[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=pair) for pair in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results
