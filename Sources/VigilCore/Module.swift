// Placeholder so the target builds; replaced by the adapter's sources.
