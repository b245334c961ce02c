import Foundation
public import VigilCore

extension VigilConfiguration {
    /// Seed 002's automated response: thresholds, half-open steps, reported violations, admin.
    public struct Breaker: Sendable, Equatable {
        /// Breaker thresholds per severity (seed defaults) and per-scope overrides.
        public var thresholds = ViolationThresholds()
        /// Half-open percentages, in order.
        public var halfOpenSteps = [10, 25, 50, 100]
        /// Seconds each half-open step lasts without a trip before the next.
        public var stepInterval = 300.0
        /// How often half-open breakers are checked for their next step, seconds.
        public var tickInterval = 5.0
        /// How long a MEDIUM violation flags its scopes for enhanced monitoring, seconds.
        public var monitoringTTL = 3600.0
        /// How long violation ids are remembered for deduplication (at least 2 h), seconds.
        public var dedupRetention = 7200.0
        /// The stream of reported violations.
        public var reportStream = Stream(name: "VIGIL_REPORTS", subjects: ["vigil.report.violations"], maxAge: 7 * 86_400,
                                         maxBytes: 1 << 30, maxMessageSize: 1 << 20, duplicateWindow: 120)
        /// Its durable pull consumer (batch size, waits and workers as for decisions; commits are
        /// not spaced out, since a breaker trip is published after its commit).
        public var reports: DecisionConsumer = {
            var consumer = DecisionConsumer()
            consumer.durableName = "vigil-reports"
            consumer.commitInterval = 0
            return consumer
        }()
        /// Subject prefix of NATS admin requests (`<prefix>.breakers.list`, …).
        public var adminSubjectPrefix = "vigil.admin"

        /// The defaults.
        public init() {}

        /// The engine's policy.
        public var policy: EnforcementPolicy {
            EnforcementPolicy(thresholds: thresholds, machine: BreakerStateMachine(halfOpenSteps: halfOpenSteps, stepInterval: stepInterval),
                              monitoringSeconds: monitoringTTL, dedupRetention: dedupRetention)
        }
    }
}
