"""Districts, neighbourhoods and venues: the places a survey asks about."""
