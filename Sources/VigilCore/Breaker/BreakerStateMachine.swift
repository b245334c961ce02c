public import Foundation

/// A circuit breaker's rules, pure: an event and the current status in, the next status and the
/// transition out (nil when the event changes nothing). The caller stores the status with
/// compare-and-set on `sequence` and publishes the transition.
///
/// Edges: closed –trip→ open; open –manual half-open→ half_open(first step); half_open –tick after
/// `stepInterval` without a trip→ half_open(next step), and after the last step → closed;
/// half_open –trip→ open (re-trip); open or half_open –manual reset→ closed. Anything else
/// (a trip while open, a reset while closed, a tick while open) changes nothing.
public struct BreakerStateMachine: Sendable, Equatable {
    /// Half-open percentages, in order; after the last one (normally 100) the breaker closes.
    public var halfOpenSteps: [Int]
    /// Seconds each half-open step must last without a new trip before the next.
    public var stepInterval: Double

    /// Creates the rules; seed 002's gradual re-enablement is 10 → 25 → 50 → 100 %.
    public init(halfOpenSteps: [Int] = [10, 25, 50, 100], stepInterval: Double = 300) {
        let steps = halfOpenSteps.map { min(max($0, 0), 100) }
        self.halfOpenSteps = steps.isEmpty ? [100] : steps
        self.stepInterval = stepInterval
    }

    /// What can happen to a breaker.
    public enum Event: Sendable, Equatable {
        /// A threshold was reached.
        case trip(reason: String, severity: Severity, count: Int, window: Double, cause: String, at: Date)
        /// An operator closes the breaker.
        case reset(note: String, at: Date)
        /// An operator starts gradual re-enablement.
        case halfOpen(note: String, at: Date)
        /// Time passed (steps the half-open percentage).
        case tick(at: Date)
    }

    /// Applies `event` to `status`.
    public func handle(_ event: Event, _ status: BreakerStatus) -> (status: BreakerStatus, transition: BreakerTransition)? {
        var next = status
        next.sequence = status.sequence + 1
        switch (event, status.phase) {
        case (.trip(let reason, let severity, let count, let window, let cause, let at), .closed),
             (.trip(let reason, let severity, let count, let window, let cause, let at), .halfOpen):
            next.phase = .open
            next.reason = reason
            next.percent = 0
            next.since = at
            let trip = transition(status, next, at: at, manual: false, severity: severity, count: count, window: window, cause: cause)
            next.lastTrip = trip
            return (next, trip)
        case (.reset(let note, let at), .open), (.reset(let note, let at), .halfOpen):
            next.phase = .closed
            next.reason = note
            next.percent = 100
            next.since = at
            return (next, transition(status, next, at: at, manual: true))
        case (.halfOpen(let note, let at), .open):
            next.phase = .halfOpen
            next.percent = halfOpenSteps[0]
            next.since = at
            next.reason = note.isEmpty ? status.reason : note
            return (next, transition(status, next, at: at, manual: true))
        case (.tick(let at), .halfOpen):
            guard let since = status.since, at.timeIntervalSince(since) >= stepInterval else { return nil }
            if let index = halfOpenSteps.firstIndex(where: { $0 > status.percent }) {
                next.percent = halfOpenSteps[index]
            } else {
                next.phase = .closed
                next.percent = 100
            }
            next.since = at
            return (next, transition(status, next, at: at, manual: false))
        default:
            return nil
        }
    }

    private func transition(_ before: BreakerStatus, _ after: BreakerStatus, at: Date, manual: Bool,
                            severity: Severity? = nil, count: Int? = nil, window: Double? = nil, cause: String? = nil) -> BreakerTransition {
        BreakerTransition(scope: after.scope, from: before.phase, to: after.phase, sequence: after.sequence, reason: after.reason,
                          percent: after.percent, at: at, manual: manual, severity: severity, count: count, window: window,
                          cause: cause)
    }
}
