"""Work context: the normalised item model, connectors, concurrent collection, privacy filter."""
