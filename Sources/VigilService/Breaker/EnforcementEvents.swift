import Foundation
public import VigilCore

/// The events of the automated response, with ids derived from what they report (scope and
/// transition sequence, feature and cause), so a retried publish is deduplicated by JetStream.
public struct EnforcementEvents: Sendable {
    private let encoder = OutputEncoder()
    /// CloudEvents `source`.
    public var source: String

    /// Creates the builder.
    public init(source: String = "/vigil") { self.source = source }

    /// The `data` of a breaker event.
    public struct BreakerData: Sendable, Codable, Equatable {
        /// The transition.
        public var transition: BreakerTransition
        /// The incident it opened, joined or resolved, when one.
        public var incidentID: String?

        enum CodingKeys: String, CodingKey {
            case transition
            case incidentID = "incident_id"
        }
    }

    /// The `data` of a quarantine event.
    public struct QuarantineData: Sendable, Codable, Equatable {
        /// The feature.
        public var feature: String
        /// Why, or the release note.
        public var reason: String
        /// The violation that quarantined it.
        public var cause: String
        /// The incident, when one.
        public var incidentID: String?

        enum CodingKeys: String, CodingKey {
            case feature, reason, cause
            case incidentID = "incident_id"
        }
    }

    /// `vigil.events.breaker.<tripped|half_open|closed>.<scope>` plus `vigil.events.enforcement.
    /// stop_trading` on a trip and `resume_trading` on closing.
    public func breaker(_ transition: BreakerTransition, incident: String?) throws -> [OutboundEvent] {
        let name = switch transition.to {
        case .open: "tripped"
        case .halfOpen: "half_open"
        case .closed: "closed"
        }
        let data = BreakerData(transition: transition, incidentID: incident)
        let key = [transition.scope, String(transition.sequence)]
        var events = [try event("breaker.\(name).\(SubjectToken.sanitize(transition.scope))", type: "breaker.\(name)",
                                id: DeterministicID.uuid(["breaker"] + key), subject: transition.scope, at: transition.at, data)]
        if transition.to == .open {
            events.append(try event("enforcement.stop_trading", type: "enforcement.stop_trading",
                                    id: DeterministicID.uuid(["stop_trading"] + key), subject: transition.scope, at: transition.at, data))
        } else if transition.to == .closed {
            events.append(try event("enforcement.resume_trading", type: "enforcement.resume_trading",
                                    id: DeterministicID.uuid(["resume_trading"] + key), subject: transition.scope, at: transition.at, data))
        }
        return events
    }

    /// `vigil.events.feature.<quarantined|released>.<feature>`.
    public func feature(_ action: QuarantineAction, released: Bool, incident: String?) throws -> OutboundEvent {
        let name = released ? "released" : "quarantined"
        return try event("feature.\(name).\(SubjectToken.sanitize(action.feature))", type: "feature.\(name)",
                         id: DeterministicID.uuid(name, action.feature, action.cause), subject: action.feature, at: action.at,
                         QuarantineData(feature: action.feature, reason: action.reason, cause: action.cause, incidentID: incident))
    }

    private func event(_ suffix: String, type: String, id: UUID, subject: String, at: Date, _ data: some Codable & Sendable) throws -> OutboundEvent {
        let text = id.uuidString.lowercased()
        let cloudEvent = CloudEvent(id: text, source: source, type: "io.vigil.\(type)", subject: subject, time: at, data: data)
        return OutboundEvent(subject: "vigil.events.\(suffix)", id: text, payload: try encoder.encode(cloudEvent))
    }
}
