"""The exit codes of `xxgk` (in `xxgk --help` and the README too)."""

EXIT_OK = 0  # done (warnings allowed)
EXIT_FAIL = 1  # the checks found error-level failures, or the operation failed
EXIT_INPUT = 2  # the input cannot be used, or the command line is wrong
