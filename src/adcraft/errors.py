"""Domain errors: the CLI turns them into one line and exit code 2, the API into a 4xx."""


class AdcraftError(Exception):
    """Base class for every error a user can cause and fix."""


class InvalidInputError(AdcraftError, ValueError):
    """Input text, numbers, sizes or files that are not allowed; the message names what is."""


class ConfigError(AdcraftError, ValueError):
    """A config file or override with an unknown key, a wrong type or an out-of-range value."""


class CheckpointError(AdcraftError):
    """A checkpoint that is missing, not safetensors, corrupt, or made for another encoder."""


class DataError(AdcraftError):
    """A dataset or log that cannot be read (missing files, bad rows beyond repair)."""


class TooLargeError(InvalidInputError):
    """A request body, upload or file over a documented size limit; the message names the limit."""


class NotFoundError(AdcraftError, LookupError):
    """A named thing (segment, creative, job, product) that does not exist."""


class ConflictError(AdcraftError):
    """A request that conflicts with the resource's state: a reused Idempotency-Key, a finished job."""


class IdempotencyKeyReusedError(InvalidInputError):
    """An Idempotency-Key sent again with a different request body."""


class CapacityError(AdcraftError):
    """The service is at capacity; retry later."""


class BudgetError(AdcraftError):
    """A creative that cannot be encoded under its network's byte limit in any allowed format."""


class StillRunningError(AdcraftError):
    """Work that outlived the caller's wait; it carries on as job `job_id` (poll it for the result)."""

    def __init__(self, message: str, job_id: str) -> None:
        super().__init__(message)
        self.job_id = job_id
