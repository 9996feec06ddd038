"""A minimal unittest runner for c8s integration tests.

Prints one line per test, the captured server logs of failed tests, and closes with the plain
summary line "N passed, M failed, K skipped" that CI reads; exits 1 when anything failed.
"""

import argparse
import sys
import time
import unittest


class _Result(unittest.TextTestResult):
    """Collects pass/fail/skip counts and prints each failed test's captured logs."""

    def __init__(self, *args, **kw):
        super().__init__(*args, **kw)
        self.passed = 0
        self._started = {}

    def startTest(self, test):
        self._started[test.id()] = time.monotonic()
        super().startTest(test)

    def addSuccess(self, test):
        super().addSuccess(test)
        self.passed += 1

    def _print_logs(self, test):
        # Python 3.11 reports an error before tearDown runs: ask the test for its live logs then.
        logs = getattr(test, "captured_logs", None)
        if not logs and hasattr(test, "current_logs"):
            try:
                logs = test.current_logs()
            except Exception as e:  # noqa: BLE001 - a report must not fail
                logs = f"(logs unavailable: {e!r})"
        if logs:
            self.stream.write(f"\n===== server logs for {test.id()} =====\n{logs}\n")
            self.stream.flush()

    def addFailure(self, test, err):
        super().addFailure(test, err)
        self._print_logs(test)

    def addError(self, test, err):
        super().addError(test, err)
        self._print_logs(test)


def main(module="__main__", argv=None):
    """Runs module's TestCase classes (filtered by -k substrings); exits with the outcome."""
    parser = argparse.ArgumentParser()
    parser.add_argument("-k", action="append", default=[], help="run tests whose id contains this")
    parser.add_argument("-q", action="store_true", help="one dot per test instead of one line")
    args = parser.parse_args(argv)

    loaded = unittest.defaultTestLoader.loadTestsFromModule(sys.modules[module]
                                                            if isinstance(module, str) else module)

    def flatten(suite):
        for item in suite:
            if isinstance(item, unittest.TestSuite):
                yield from flatten(item)
            else:
                yield item

    tests = [t for t in flatten(loaded) if not args.k or any(k in t.id() for k in args.k)]
    runner = unittest.TextTestRunner(stream=sys.stdout, verbosity=1 if args.q else 2,
                                     resultclass=_Result)
    started = time.monotonic()
    result = runner.run(unittest.TestSuite(tests))
    failed = len(result.failures) + len(result.errors) + len(result.unexpectedSuccesses)
    skipped = len(result.skipped)
    for reason in sorted({reason for _, reason in result.skipped}):
        print(f"skipped: {reason.replace('SKIP-NOTE: ', '')}")
    print(f"({time.monotonic() - started:.1f}s)")
    print(f"{result.passed} passed, {failed} failed, {skipped} skipped")
    sys.stdout.flush()
    sys.exit(1 if failed else 0)
