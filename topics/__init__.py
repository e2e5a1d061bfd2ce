"""专题: co-built topics.  Editors create a topic with its sub-sections, contributing
units and keyword rules; contributing units submit into its sub-sections (信息报送),
the rules pull matching harvested items into its review queue; the accepted entries
make the public page ``/topics/<id>`` and its feed.  :func:`topics.service.contributions`
counts each unit's contributions for supervision.
"""
