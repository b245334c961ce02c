public import Foundation

/// Seed 002's automated response over shared stores: counts each violation in the sliding window of
/// every scope it names, trips breakers whose threshold it reaches (CRITICAL: at once), quarantines
/// the feature of a HIGH violation, flags MEDIUM scopes for enhanced monitoring with an alert, logs
/// LOW for review, and raises a trend alert when the last hour holds ≥ 150 % of the hour before.
///
/// Idempotent by violation id: a violation the windows remember does nothing again, except that
/// the trip or quarantine it caused is returned again (same ids), so a batch whose database write
/// failed after Redis changed still publishes and records its effects when redelivered.
public struct EnforcementEngine: Sendable {
    /// Rules.
    public var policy: EnforcementPolicy
    /// Sliding windows.
    public var windows: any ViolationWindowStore
    /// Breakers and quarantine.
    public var breakers: any BreakerStore

    /// Creates an engine.
    public init(policy: EnforcementPolicy, windows: any ViolationWindowStore, breakers: any BreakerStore) {
        self.policy = policy
        self.windows = windows
        self.breakers = breakers
    }

    /// Responds to `violations`, counted at processing time `now`.
    public func respond(_ violations: [DetectedViolation], at now: Date) throws -> EnforcementOutcome {
        // Per violation: the trend entry (global, every severity, 1 h) first — it also says whether
        // the violation is new — then one entry per scope with a threshold.
        var entries: [ViolationWindowEntry] = []
        var plan: [(violation: DetectedViolation, range: Range<Int>)] = []
        for violation in violations {
            let start = entries.count
            entries.append(ViolationWindowEntry(violationID: violation.id, scope: "global", severity: nil, at: now, window: 3600,
                                                retention: policy.dedupRetention))
            for scope in violation.scopes {
                guard let threshold = policy.thresholds.threshold(scope: scope, severity: violation.severity) else { continue }
                entries.append(ViolationWindowEntry(violationID: violation.id, scope: scope, severity: violation.severity, at: now,
                                                    window: threshold.window, retention: policy.dedupRetention))
            }
            plan.append((violation, start..<entries.count))
        }
        let counts = try windows.record(entries)
        guard counts.count == entries.count else {
            throw BreakerStoreError("violation windows answered \(counts.count) of \(entries.count) entries")
        }
        var outcome = EnforcementOutcome()
        for (violation, range) in plan {
            let trend = counts[range.lowerBound]
            for index in range.dropFirst() {
                try breaker(entries[index], counts[index], violation, now, into: &outcome)
            }
            try quarantine(violation, isNew: trend.isNew, now, into: &outcome)
            guard trend.isNew else {
                outcome.repeated.append(violation)
                continue
            }
            outcome.actions.append(ViolationAction(violation: violation, action: try respondBySeverity(violation, now, into: &outcome)))
            if let signal = EnforcementSignals.trend(trend, at: now) { outcome.signals.append(signal) }
        }
        return outcome
    }

    /// The per-severity response (the action and its alerts) once more, for violations
    /// ``respond(_:at:)`` reported as ``EnforcementOutcome/repeated`` whose action the database
    /// does not hold: the attempt that counted them failed before its transaction committed. The
    /// windows and breakers are not touched again (they were counted once), and the hourly trend
    /// alert, which only the counting attempt can judge, is not raised again.
    public func respondAgain(_ violations: [DetectedViolation], at now: Date) throws -> EnforcementOutcome {
        var outcome = EnforcementOutcome()
        for violation in violations {
            outcome.actions.append(ViolationAction(violation: violation, action: try respondBySeverity(violation, now, into: &outcome)))
        }
        return outcome
    }

    private func breaker(_ entry: ViolationWindowEntry, _ count: ViolationWindowCount, _ violation: DetectedViolation, _ now: Date,
                         into outcome: inout EnforcementOutcome) throws {
        guard let threshold = policy.thresholds.threshold(scope: entry.scope, severity: violation.severity) else { return }
        if count.isNew {
            guard count.count >= threshold.count else { return }
            let reason = "\(count.count) \(violation.severity.rawValue) violation(s) within \(Format.number(threshold.window)) s "
                + "(threshold \(threshold.count)); last: \(violation.violationType)"
            let event = BreakerStateMachine.Event.trip(reason: reason, severity: violation.severity, count: count.count,
                                                       window: threshold.window, cause: violation.id, at: now)
            if let transition = try BreakerController(machine: policy.machine, store: breakers).apply(event, scope: entry.scope) {
                outcome.transitions.append(transition)
                outcome.signals.append(EnforcementSignals.trip(transition))
            }
        } else {
            let status = try breakers.status(entry.scope)
            guard status.phase == .open, let trip = status.lastTrip, trip.cause == violation.id else { return }
            outcome.transitions.append(trip)
            outcome.signals.append(EnforcementSignals.trip(trip))
        }
    }

    private func quarantine(_ violation: DetectedViolation, isNew: Bool, _ now: Date, into outcome: inout EnforcementOutcome) throws {
        guard violation.severity == .high, let feature = violation.featureName else { return }
        let reason = "\(violation.violationType): \(violation.description)"
        if isNew, try breakers.quarantine(feature: feature, reason: reason, cause: violation.id) {
            outcome.quarantines.append(QuarantineAction(feature: feature, reason: reason, cause: violation.id, at: now))
        } else if !isNew, try breakers.quarantineCause(feature: feature) == violation.id {
            outcome.quarantines.append(QuarantineAction(feature: feature, reason: reason, cause: violation.id, at: violation.detectedAt))
        }
    }

    /// The action recorded for a violation (`enforcement_actions.action`), by severity (seed 002).
    public static func action(for violation: DetectedViolation) -> String {
        switch violation.severity {
        case .critical: "circuit_breaker"
        case .high: violation.featureName == nil ? "alert" : "feature_quarantine"
        case .medium: "enhanced_monitoring"
        case .low: "review"
        }
    }

    private func respondBySeverity(_ violation: DetectedViolation, _ now: Date, into outcome: inout EnforcementOutcome) throws -> String {
        switch violation.severity {
        case .critical, .low:
            break
        case .high:
            if violation.featureName == nil { outcome.signals.append(EnforcementSignals.quality(violation, at: now)) }
        case .medium:
            for scope in violation.scopes {
                try breakers.flagMonitoring(scope: scope, reason: violation.violationType, seconds: policy.monitoringSeconds)
            }
            outcome.signals.append(EnforcementSignals.quality(violation, at: now))
        }
        return Self.action(for: violation)
    }
}
