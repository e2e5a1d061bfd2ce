"""What spiders, the harvester, supervision and the hub share about sub-sites:
canonical URLs, dates, the address policy, what is known of a source before it
is crawled, and what its listings showed; and 简体/繁體 conversion (the portal's
versions, search queries).  A leaf: it imports none of them."""
