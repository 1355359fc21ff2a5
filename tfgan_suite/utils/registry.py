"""A name -> factory registry, so a flag string can select a loss, penalty, model or dataset."""
import inspect

from tfgan_suite.errors import UserInputError


class Registry:
    """Maps names to factories and fails with one line naming the valid choices.

    Args:
      kind: what the registry holds ("loss", "penalty", ...), used in error messages.
    """

    def __init__(self, kind):
        self.kind = kind
        self._factories = {}

    def register(self, name, factory=None):
        """Registers ``factory`` under ``name``; usable as a decorator when ``factory`` is omitted."""
        if factory is None:
            return lambda f: self.register(name, f)
        if name in self._factories:
            raise ValueError(f"{self.kind} {name!r} is already registered")
        self._factories[name] = factory
        return factory

    def names(self):
        return sorted(self._factories)

    def __contains__(self, name):
        return name in self._factories

    def lookup(self, name):
        """Returns the factory registered under ``name``."""
        if name not in self._factories:
            raise UserInputError(f"unknown {self.kind} {name!r}; valid choices: {', '.join(self.names())}")
        return self._factories[name]

    def build(self, name, **kwargs):
        """Calls the factory registered under ``name`` with ``kwargs``, rejecting unknown options."""
        factory = self.lookup(name)
        parameters = inspect.signature(factory).parameters
        takes_any = any(p.kind is p.VAR_KEYWORD for p in parameters.values())
        unknown = sorted(set(kwargs) - set(parameters))
        if unknown and not takes_any:
            raise UserInputError(f"{self.kind} {name!r} got unknown option(s) {unknown}; "
                             f"valid options: {', '.join(parameters) or 'none'}")
        return factory(**kwargs)
