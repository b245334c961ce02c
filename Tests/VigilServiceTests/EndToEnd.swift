import Testing

/// Every test that runs `vigil` as a subprocess. Each starts its own instance with its own decision
/// stream, consumer, portfolios and policies, so they are independent; they run one at a time only
/// so that timings stay predictable on a 2-core machine.
@Suite("vigil end to end", .serialized)
enum EndToEnd {}
