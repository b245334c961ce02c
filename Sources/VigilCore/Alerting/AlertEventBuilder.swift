import Foundation

/// The `data` of a `vigil.events.alert.<status>` event: the transition and the alert after it.
public struct AlertEventData: Sendable, Encodable {
    /// The audit line.
    public var transition: AlertTransition
    /// The alert after the transition.
    public var alert: Alert
    /// The level told, for opened and escalated events.
    public var levelName: String?
    /// Who was told at that level.
    public var recipients: [String]

    enum CodingKeys: String, CodingKey {
        case transition, alert, recipients
        case levelName = "level_name"
    }
}

/// Builds alert CloudEvents. The event id is the transition id, so a retried batch re-publishes
/// a duplicate that JetStream drops.
struct AlertEventBuilder: Sendable {
    let source: String
    private let encoder = OutputEncoder()

    init(source: String) { self.source = source }

    func event(for transition: AlertTransition, alert: Alert, notifications: [AlertNotification]) throws -> OutboundEvent {
        let level = notifications.first { $0.kind == .opened || $0.kind == .escalated }?.level
        let data = AlertEventData(transition: transition, alert: alert, levelName: level?.name, recipients: level?.recipients ?? [])
        let status = transition.to == .open ? "opened" : transition.to.rawValue
        let event = CloudEvent(id: transition.id, source: source, type: "io.vigil.alert_\(status)", subject: alert.id,
                               time: transition.at, data: data)
        return OutboundEvent(subject: "vigil.events.alert.\(status)", id: transition.id, payload: try encoder.encode(event))
    }
}
