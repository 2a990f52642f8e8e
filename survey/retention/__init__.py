"""Retention: how long each kind of personal data is kept, set by admins, applied daily by
``flask retention`` (models.RetentionSetting, kinds.KINDS, services)."""
