import VigilCore
import VigilPostgres

/// Takes detected violations through the automated response (sliding windows, breakers,
/// quarantine, incidents). Called on a worker thread inside the input batch's PostgreSQL
/// transaction, before the batch is acknowledged; must be idempotent by violation id, because a
/// redelivered batch calls it again. Returns the events to publish.
protocol ViolationSink: Sendable {
    func handle(_ violations: [DetectedViolation], on connection: PostgresConnection) throws -> [OutboundEvent]
}

/// Turns alert signals into alerts (dedup, suppression, escalation). Same calling rules as
/// ``ViolationSink``; idempotent by dedup key and signal time.
protocol AlertSink: Sendable {
    func raise(_ signals: [AlertSignal], on connection: PostgresConnection) throws -> [OutboundEvent]
}

/// A sink that does nothing, for pipelines whose response is not wired (tests, or before the
/// response capability is configured).
struct NoResponse: ViolationSink, AlertSink {
    func handle(_ violations: [DetectedViolation], on connection: PostgresConnection) throws -> [OutboundEvent] { [] }
    func raise(_ signals: [AlertSignal], on connection: PostgresConnection) throws -> [OutboundEvent] { [] }
}
