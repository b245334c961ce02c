/// How many violations of one severity, within how long, trip a scope's breaker.
public struct ViolationThreshold: Sendable, Equatable, Codable {
    /// Violations needed (at least 1).
    public var count: Int
    /// Sliding window in seconds; 0 means "at once" (the violation alone must reach `count`).
    public var window: Double

    /// Creates a threshold.
    public init(count: Int, window: Double) {
        self.count = max(1, count)
        self.window = window
    }
}

/// Breaker thresholds per severity, with optional per-scope overrides (`portfolio:p1` → HIGH: 5 in
/// 10 min). Defaults are seed 002's: CRITICAL 1 at once, HIGH 3 in 5 min, MEDIUM 10 in 15 min, LOW
/// 50 in 1 h.
public struct ViolationThresholds: Sendable, Equatable {
    /// Thresholds for every scope.
    public var bySeverity: [Severity: ViolationThreshold]
    /// Thresholds for one scope, replacing the general one per severity.
    public var overrides: [String: [Severity: ViolationThreshold]]

    /// Creates thresholds; severities left out never trip.
    public init(bySeverity: [Severity: ViolationThreshold] = ViolationThresholds.seedDefaults,
                overrides: [String: [Severity: ViolationThreshold]] = [:]) {
        self.bySeverity = bySeverity
        self.overrides = overrides
    }

    /// Seed 002's circuit-breaker thresholds.
    public static let seedDefaults: [Severity: ViolationThreshold] = [
        .critical: ViolationThreshold(count: 1, window: 0),
        .high: ViolationThreshold(count: 3, window: 300),
        .medium: ViolationThreshold(count: 10, window: 900),
        .low: ViolationThreshold(count: 50, window: 3600),
    ]

    /// The threshold that applies to `severity` in `scope`, if any.
    public func threshold(scope: String, severity: Severity) -> ViolationThreshold? {
        overrides[scope]?[severity] ?? bySeverity[severity]
    }
}
