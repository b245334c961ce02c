public import Foundation

/// Which SLA clock a timer belongs to.
public enum SLATarget: String, Sendable, Codable, CaseIterable {
    /// Time from creation to acknowledgement.
    case acknowledge
    /// Time from creation to resolution.
    case resolve
}

/// Whether a timer announces an imminent breach or the breach itself.
public enum SLAStage: String, Sendable, Codable, CaseIterable {
    /// The configured fraction of the allowed time has passed.
    case warning
    /// The allowed time has passed.
    case breach
}

/// The SLA of one severity: how long acknowledgement and resolution may take, and when to warn.
public struct SLAPolicy: Sendable, Codable, Equatable {
    /// The severity it applies to.
    public var severity: Severity
    /// Seconds from creation to acknowledgement.
    public var acknowledgeWithin: TimeInterval
    /// Seconds from creation to resolution.
    public var resolveWithin: TimeInterval
    /// Fraction of the allowed time after which a warning fires (0 < f < 1; default 0.8).
    public var warningFraction: Double

    /// Creates a policy.
    public init(severity: Severity, acknowledgeWithin: TimeInterval, resolveWithin: TimeInterval, warningFraction: Double = 0.8) {
        self.severity = severity
        self.acknowledgeWithin = acknowledgeWithin
        self.resolveWithin = resolveWithin
        self.warningFraction = warningFraction
    }

    /// Seconds allowed for `target`.
    public func allowed(_ target: SLATarget) -> TimeInterval {
        target == .acknowledge ? acknowledgeWithin : resolveWithin
    }

    /// When the `stage` timer of `target` is due for a dispatch whose clock started at `start`.
    public func due(_ target: SLATarget, _ stage: SLAStage, from start: Date) -> Date {
        let allowed = allowed(target)
        return start.addingTimeInterval(stage == .breach ? allowed : allowed * warningFraction)
    }

    /// The policy's first problem, naming the field, or nil when it is usable.
    public var problem: String? {
        if !(acknowledgeWithin > 0) || !acknowledgeWithin.isFinite { return "acknowledge_within_seconds must be a positive number" }
        if !(resolveWithin > 0) || !resolveWithin.isFinite { return "resolve_within_seconds must be a positive number" }
        if !(warningFraction > 0 && warningFraction < 1) { return "warning_fraction must be between 0 and 1 (exclusive)" }
        return nil
    }

    /// Defaults (docs/sla.md): P0 5 min / 1 h, P1 15 min / 4 h, P2 1 h / 24 h, P3 4 h / 72 h; warn at 80%.
    public static let defaults: [Severity: SLAPolicy] = [
        .critical: SLAPolicy(severity: .critical, acknowledgeWithin: 300, resolveWithin: 3600),
        .high: SLAPolicy(severity: .high, acknowledgeWithin: 900, resolveWithin: 4 * 3600),
        .medium: SLAPolicy(severity: .medium, acknowledgeWithin: 3600, resolveWithin: 24 * 3600),
        .low: SLAPolicy(severity: .low, acknowledgeWithin: 4 * 3600, resolveWithin: 72 * 3600),
    ]

    enum CodingKeys: String, CodingKey {
        case severity
        case acknowledgeWithin = "acknowledge_within_seconds"
        case resolveWithin = "resolve_within_seconds"
        case warningFraction = "warning_fraction"
    }
}
