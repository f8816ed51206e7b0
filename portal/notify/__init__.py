"""Alerts (issue 22): people subscribe by e-mail to what they follow and are told when it changes, never
before it is public. Domains declare what they tell about (``portal.kernel.notifiable``); this package
queues, matches and sends, and imports no domain."""
