import Foundation
import Logging
import VigilCore
import VigilNATS

/// Computes the dashboard from the shared Redis counters: for `GET /api/v1/dashboard`, and every
/// `snapshotInterval` seconds on `snapshotSubject` (core NATS: a snapshot is replaced by the next,
/// so it is not kept in a stream) and as Prometheus gauges.
struct DashboardPublisher {
    let engine: SLAEngine
    let connection: NATSConnection
    let configuration: SLAConfiguration
    let metrics: VigilMetrics
    let logger: Logger

    /// The snapshot now.
    func snapshot() throws -> DashboardSnapshot {
        let now = engine.clock.now()
        return DashboardBuilder.snapshot(buckets: try engine.metricsStore.buckets(DashboardBuilder.range(at: now)),
                                         open: try engine.states.countByStatus(), at: now)
    }

    /// Publishes until `stop` is set; only started when `snapshotInterval` > 0.
    func run(until stop: StopSignal) {
        let encoder = OutputEncoder()
        while !stop.isSet {
            do {
                let snapshot = try snapshot()
                try connection.publish(subject: configuration.snapshotSubject, payload: Array(try encoder.encode(snapshot)))
                export(snapshot)
            } catch {
                metrics.error("dashboard_snapshot_failed")
                logger.warning("dashboard snapshot failed: \(error)")
            }
            stop.sleep(configuration.snapshotInterval)
        }
    }

    private func export(_ snapshot: DashboardSnapshot) {
        metrics.gauge("dispatches_active", "Dispatches assigned or acknowledged", Double(snapshot.activeDispatches))
        metrics.gauge("dispatches_pending", "Dispatches created, not yet assigned", Double(snapshot.pendingDispatches))
        for window in snapshot.windows {
            for (kind, count) in window.events {
                metrics.gauge("dispatch_events_window", "Dispatch events in the sliding window", Double(count),
                              labels: [("window", window.window), ("event", kind)])
            }
            for (name, latency) in [("acknowledge", window.timeToAcknowledge), ("resolve", window.timeToResolve)] {
                guard let latency else { continue }
                for (quantile, value) in [("mean", latency.mean), ("p50", latency.p50), ("p95", latency.p95), ("p99", latency.p99)] {
                    metrics.gauge("dispatch_time_to_\(name)_seconds", "Time to \(name) over the sliding window", value,
                                  labels: [("window", window.window), ("stat", quantile)])
                }
            }
        }
        if let forecast = snapshot.trend.nextHourForecast {
            metrics.gauge("dispatches_forecast_next_hour", "Least-squares forecast of dispatches created next hour", forecast)
        }
    }
}
