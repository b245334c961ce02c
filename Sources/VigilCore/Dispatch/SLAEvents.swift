import Foundation

/// Turns SLA firings into the CloudEvents Vigil publishes.
public struct SLAEventFactory: Sendable {
    /// Subject prefix of outputs (`vigil.events`).
    public var eventsPrefix: String
    /// CloudEvent `source`.
    public var source: String
    private let encoder = OutputEncoder()

    /// Creates a factory.
    public init(eventsPrefix: String = "vigil.events", source: String = "/vigil") {
        self.eventsPrefix = eventsPrefix
        self.source = source
    }

    /// `vigil.events.sla.<stage>.<region>`, plus `vigil.events.violation.sla.<severity>` for a breach.
    public func events(for firing: SLAFiring) throws -> [OutboundEvent] {
        let region = SubjectToken.sanitize(firing.region)
        var events = [try event(id: firing.id, type: "sla.\(firing.stage.rawValue)", subject: firing.dispatchID, data: firing,
                                on: "\(eventsPrefix).sla.\(firing.stage.rawValue).\(region)", at: firing.firedAt)]
        if let violation = firing.violation {
            let id = DeterministicID.uuid("violation", violation.id).uuidString.lowercased()
            events.append(try event(id: id, type: "violation.sla", subject: firing.dispatchID, data: violation,
                                    on: "\(eventsPrefix).violation.sla.\(violation.severity.subjectToken)", at: firing.firedAt))
        }
        return events
    }

    private func event(id: String, type: String, subject: String, data: some Encodable & Sendable,
                       on natsSubject: String, at time: Date) throws -> OutboundEvent {
        let cloudEvent = CloudEvent(id: id, source: source, type: "io.vigil.\(type)", subject: subject, time: time, data: data)
        return OutboundEvent(subject: natsSubject, id: id, payload: try encoder.encode(cloudEvent))
    }
}
