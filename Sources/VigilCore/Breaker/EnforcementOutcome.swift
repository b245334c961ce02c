public import Foundation

/// Seed 002's automated response, configured.
public struct EnforcementPolicy: Sendable, Equatable {
    /// When breakers trip.
    public var thresholds: ViolationThresholds
    /// How breakers move.
    public var machine: BreakerStateMachine
    /// How long a MEDIUM violation flags its scopes for enhanced monitoring, seconds.
    public var monitoringSeconds: Double
    /// How long violation ids are remembered for deduplication, seconds (at least 2 h: the trend needs two hours).
    public var dedupRetention: Double

    /// Creates a policy with seed defaults.
    public init(thresholds: ViolationThresholds = ViolationThresholds(), machine: BreakerStateMachine = BreakerStateMachine(),
                monitoringSeconds: Double = 3600, dedupRetention: Double = 7200) {
        self.thresholds = thresholds
        self.machine = machine
        self.monitoringSeconds = monitoringSeconds
        self.dedupRetention = max(dedupRetention, 7200)
    }
}

/// A feature quarantined because of a violation.
public struct QuarantineAction: Sendable, Codable, Equatable {
    /// The feature.
    public var feature: String
    /// Why (the violation's type and description).
    public var reason: String
    /// The violation id.
    public var cause: String
    /// When.
    public var at: Date

    /// Creates an action.
    public init(feature: String, reason: String, cause: String, at: Date) {
        self.feature = feature
        self.reason = reason
        self.cause = cause
        self.at = at
    }
}

/// The automated action taken for one violation (one `enforcement_actions` row).
public struct ViolationAction: Sendable, Equatable {
    /// The violation.
    public var violation: DetectedViolation
    /// `circuit_breaker`, `feature_quarantine`, `alert`, `enhanced_monitoring` or `review`.
    public var action: String

    /// Creates a record of `action` taken for `violation`.
    public init(violation: DetectedViolation, action: String) {
        self.violation = violation
        self.action = action
    }
}

/// What the automated response did with a batch of violations.
public struct EnforcementOutcome: Sendable, Equatable {
    /// Breaker trips made (or re-emitted for the redelivery of their cause).
    public var transitions: [BreakerTransition] = []
    /// Features quarantined (or re-emitted likewise).
    public var quarantines: [QuarantineAction] = []
    /// Alerts to raise.
    public var signals: [AlertSignal] = []
    /// One action per violation seen for the first time.
    public var actions: [ViolationAction] = []
    /// Violations the windows had already counted: a redelivery. An earlier attempt made their
    /// action and alerts, unless its database transaction was rolled back; the caller checks and
    /// calls ``EnforcementEngine/respondAgain(_:at:)`` for those whose action is not recorded.
    public var repeated: [DetectedViolation] = []

    /// An empty outcome.
    public init() {}
}
