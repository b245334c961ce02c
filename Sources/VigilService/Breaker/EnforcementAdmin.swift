import Foundation
public import VigilCore
public import VigilPostgres

/// Operator actions on breakers and quarantine (REST, NATS admin and CLI share it): each changes
/// Redis with compare-and-set, records the transition and the incident timeline in one
/// PostgreSQL transaction, and returns the events to publish.
public struct EnforcementAdmin: Sendable {
    /// The rules and the state.
    public let controller: BreakerController
    /// The database.
    public let database: PostgresClient
    /// The clock.
    public let clock: any WallClock
    /// Event builder.
    public let events: EnforcementEvents
    private let ledger = IncidentLedger()

    /// Creates the admin.
    public init(controller: BreakerController, database: PostgresClient, clock: any WallClock, events: EnforcementEvents = EnforcementEvents()) {
        self.controller = controller
        self.database = database
        self.clock = clock
        self.events = events
    }

    /// The result of an action: the transition made (nil when nothing changed) and its events.
    public struct Result: Sendable {
        /// The transition, when the breaker moved.
        public var transition: BreakerTransition?
        /// Events to publish.
        public var events: [OutboundEvent]
    }

    /// Closes `scope`'s breaker and resolves its incident causes with `note`.
    public func reset(scope: String, note: String) throws -> Result {
        try apply(.reset(note: note, at: clock.now()), scope: scope, note: note)
    }

    /// Starts gradual re-enablement of `scope`.
    public func halfOpen(scope: String, note: String) throws -> Result {
        try apply(.halfOpen(note: note, at: clock.now()), scope: scope, note: note)
    }

    /// Steps every half-open breaker whose interval has passed; returns the events.
    public func tick() throws -> [OutboundEvent] {
        try controller.store.all().filter { $0.phase == .halfOpen }.flatMap {
            try apply(.tick(at: clock.now()), scope: $0.scope, note: "half-open steps completed").events
        }
    }

    /// Releases a quarantined feature; nil when it was not quarantined.
    public func release(feature: String, note: String) throws -> [OutboundEvent]? {
        let cause = try controller.store.quarantineCause(feature: feature) ?? ""
        guard try controller.store.release(feature: feature) else { return nil }
        let at = clock.now()
        let incidents = try database.withConnection { connection in
            try connection.transaction { connection in
                try connection.execute("""
                    UPDATE feature_quarantines SET released_at = $2, release_note = $3 WHERE feature = $1 AND released_at IS NULL
                    """, [.text(feature), .timestamp(at), .text(note)])
                return try ledger.resolve(kind: "quarantine", target: feature, note: note, action: "feature_release", at: at, on: connection)
            }
        }
        return [try events.feature(QuarantineAction(feature: feature, reason: note, cause: cause, at: at), released: true,
                                   incident: incidents.first)]
    }

    private func apply(_ event: BreakerStateMachine.Event, scope: String, note: String) throws -> Result {
        guard let transition = try controller.apply(event, scope: scope) else { return Result(transition: nil, events: []) }
        let incidents = try database.withConnection { connection in
            try connection.transaction { connection in
                try BreakerTransitionWriter.write(transition, on: connection)
                if transition.to == .closed {
                    return try ledger.resolve(kind: "breaker", target: scope, note: note, action: "breaker_reset", at: transition.at,
                                              on: connection)
                }
                let open = try connection.query("""
                    SELECT DISTINCT incident_id FROM incident_causes WHERE kind = 'breaker' AND target = $1 AND resolved_at IS NULL
                    """, [.text(scope)]).rows.map { try $0.string("incident_id") }
                for incident in open {
                    try ledger.note(incident, kind: transition.manual ? "manual" : "automated", action: "breaker_half_open",
                                    detail: "\(scope) half-open at \(transition.percent)%: \(note)", at: transition.at,
                                    key: "\(scope):\(transition.sequence)", on: connection)
                }
                return open
            }
        }
        return Result(transition: transition, events: try events.breaker(transition, incident: incidents.first))
    }
}
