"""政民互动: citizens' letters (咨询/建议/投诉) answered by the responsible unit.

The flow: the public form (:mod:`interaction.public_views`) → the portal office dispatches
(转办) or answers → the unit's reporters reply, once with an extension (延期) if they
need it → the office reviews and publishes the Q&A (if the citizen agreed) or keeps it
private.  Deadlines are working days (:mod:`interaction.calendar`); every step is a
:class:`~interaction.models.LetterEvent`.  The hub's pages are :mod:`interaction.hub_views`,
the API :mod:`interaction.api`, supervision's figures :func:`interaction.stats.letter_stats`.
"""
