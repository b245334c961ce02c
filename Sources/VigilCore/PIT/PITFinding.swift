import Foundation

/// The PIT violation types and their severities (seed 002).
public enum PITViolationType: String, Sendable, CaseIterable {
    /// The value uses information from after its knowledge time.
    case futureLeakage = "FUTURE_LEAKAGE"
    /// A recorded value was changed without a proper revision.
    case historicalRevision = "HISTORICAL_REVISION"
    /// The value breaks the feature's contract.
    case contractViolation = "CONTRACT_VIOLATION"
    /// Timestamps not normalized to UTC, or off the contract's granularity.
    case timestampDrift = "TIMESTAMP_DRIFT"
    /// The write arrived later than the contract's expected latency.
    case arrivalDelay = "ARRIVAL_DELAY"
    /// The feature's missing-value rate is above the threshold.
    case qualityDegradation = "QUALITY_DEGRADATION"
    /// The feature has no contract.
    case configWarning = "CONFIG_WARNING"

    /// Severity per seed 002: P0 leakage, P1 corruption/contract, P2 drift/delay/quality, P3 configuration.
    public var severity: Severity {
        switch self {
        case .futureLeakage: .critical
        case .historicalRevision, .contractViolation: .high
        case .timestampDrift, .arrivalDelay, .qualityDegradation: .medium
        case .configWarning: .low
        }
    }
}

/// One check's finding about one write, before it becomes a ``DetectedViolation``.
public struct PITFinding: Sendable, Equatable {
    /// What was violated.
    public var type: PITViolationType
    /// A sentence naming the timestamps or numbers.
    public var description: String
    /// The values compared.
    public var details: [String: JSONValue]

    /// Creates a finding.
    public init(_ type: PITViolationType, _ description: String, details: [String: JSONValue] = [:]) {
        self.type = type
        self.description = description
        self.details = details
    }
}
