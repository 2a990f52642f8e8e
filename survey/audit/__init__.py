"""The audit log (models.AuditEntry) and the one function every feature writes it with."""

from .services import record

__all__ = ["record"]
