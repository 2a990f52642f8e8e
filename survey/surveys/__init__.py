"""Survey definitions as stored (versions) and the rounds in which they are asked."""
