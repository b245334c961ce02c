import Foundation
import VigilCore
import VigilPostgres

/// What the dispatch pipeline, the timer loop and the dashboard share: the stores (Redis), the
/// policies in force, the clock and the response sinks.
struct SLAEngine: Sendable {
    let states: any DispatchStateStore
    let timers: any SLATimerStore
    let metricsStore: any DispatchMetricsStore
    let policies: SLAPolicyBook
    let clock: any WallClock
    let factory: SLAEventFactory
    let decoder: InputDecoder
    let violations: any ViolationSink
    let alerts: any AlertSink

    /// A monitor with the policies in force now.
    func monitor() -> SLAMonitor {
        SLAMonitor(lifecycle: DispatchLifecycle(policies: policies.current), states: states, timers: timers, clock: clock)
    }

    /// Hands breaches to the violation sink and every firing's alert to the alert sink, inside the
    /// caller's transaction; returns what they want published.
    func respond(to firings: [SLAFiring], on connection: PostgresConnection) throws -> [OutboundEvent] {
        guard !firings.isEmpty else { return [] }
        return try violations.handle(firings.compactMap(\.violation), on: connection)
            + alerts.raise(firings.map(\.alert), on: connection)
    }

    /// Counts published firings.
    func count(_ firings: [SLAFiring], metrics: VigilMetrics) {
        for firing in firings {
            metrics.output("sla_\(firing.stage.rawValue)")
            if let violation = firing.violation { metrics.violation(domain: "sla", severity: violation.severity.subjectToken) }
        }
    }
}
