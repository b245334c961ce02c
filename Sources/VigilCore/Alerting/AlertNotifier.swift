import Foundation
import Synchronization

/// A delivery to make: an alert opened (first level), escalated (a higher level or a repeat),
/// was acknowledged or resolved. Never made for a suppressed alert.
public struct AlertNotification: Sendable, Equatable {
    /// What happened.
    public enum Kind: String, Sendable, Codable {
        /// Delivered to the first level.
        case opened
        /// Delivered to a higher level, or again to the last.
        case escalated
        /// Somebody took it.
        case acknowledged
        /// It closed.
        case resolved
    }

    /// What happened.
    public var kind: Kind
    /// The alert after the change.
    public var alert: Alert
    /// The level told (opened, escalated); nil for acknowledged and resolved.
    public var level: EscalationLevel?
    /// True for a repeat of the last level.
    public var isRepeat: Bool
}

/// Delivers alerts to people. Real channels (email, Slack, PagerDuty, AirTable — seed 000) are a
/// later issue and will implement this; none ships yet. Called after the change is recorded, at
/// least once per change (a retried batch can call again).
public protocol AlertNotifier: Sendable {
    /// A new (or no longer suppressed) alert reached its first level.
    func opened(_ alert: Alert, level: EscalationLevel)
    /// An unacknowledged alert reached `level` (or `level` again when `isRepeat`).
    func escalated(_ alert: Alert, level: EscalationLevel, isRepeat: Bool)
    /// Someone acknowledged a delivered alert.
    func acknowledged(_ alert: Alert)
    /// A delivered alert was resolved.
    func resolved(_ alert: Alert)
}

extension AlertNotifier {
    /// Calls the callback matching `notification`.
    public func deliver(_ notification: AlertNotification) {
        switch notification.kind {
        case .opened: opened(notification.alert, level: notification.level ?? EscalationPolicy.standard.levels[0])
        case .escalated: escalated(notification.alert, level: notification.level ?? EscalationPolicy.standard.levels[0], isRepeat: notification.isRepeat)
        case .acknowledged: acknowledged(notification.alert)
        case .resolved: resolved(notification.alert)
        }
    }
}

/// A notifier that delivers nothing: the service's default until channels exist.
public struct SilentNotifier: AlertNotifier {
    /// Creates it.
    public init() {}
    public func opened(_ alert: Alert, level: EscalationLevel) {}
    public func escalated(_ alert: Alert, level: EscalationLevel, isRepeat: Bool) {}
    public func acknowledged(_ alert: Alert) {}
    public func resolved(_ alert: Alert) {}
}

/// A notifier that remembers every call, for tests and the simulator.
public final class RecordingNotifier: AlertNotifier {
    /// One remembered call: kind, alert id, level name (if any), repeat flag.
    public struct Call: Sendable, Equatable {
        /// What happened.
        public var kind: AlertNotification.Kind
        /// Which alert.
        public var alertID: String
        /// The level told, if any.
        public var level: String?
        /// The recipients told, if any.
        public var recipients: [String]
        /// Whether it was a repeat.
        public var isRepeat: Bool
    }

    private let recorded = Mutex<[Call]>([])

    /// Creates an empty recorder.
    public init() {}

    /// Every call so far, in order.
    public var calls: [Call] { recorded.withLock { $0 } }

    public func opened(_ alert: Alert, level: EscalationLevel) { add(.opened, alert, level, false) }
    public func escalated(_ alert: Alert, level: EscalationLevel, isRepeat: Bool) { add(.escalated, alert, level, isRepeat) }
    public func acknowledged(_ alert: Alert) { add(.acknowledged, alert, nil, false) }
    public func resolved(_ alert: Alert) { add(.resolved, alert, nil, false) }

    private func add(_ kind: AlertNotification.Kind, _ alert: Alert, _ level: EscalationLevel?, _ isRepeat: Bool) {
        let call = Call(kind: kind, alertID: alert.id, level: level?.name, recipients: level?.recipients ?? [], isRepeat: isRepeat)
        recorded.withLock { $0.append(call) }
    }
}
