"""Exceptions raised by the core; only the command line turns them into messages."""


class ReliabilityError(Exception):
    """Base class of every error the core raises on purpose."""


class InputError(ReliabilityError):
    """The input cannot be read or does not describe a coding; the message says how to fix it."""


class UsageError(ReliabilityError):
    """Options or configuration contradict each other or name something that does not exist."""


class CodebookAmongInputs(InputError):
    """A codebook was given (or found in a folder) where coders' exports were expected."""
