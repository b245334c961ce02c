import Foundation
import VigilCore

/// The dispatch SLA capability (docs/sla.md): input stream and consumer, timer loop, dashboard.
public struct SLAConfiguration: Sendable, Equatable {
    /// Whether Vigil consumes dispatch events and runs the timer loop.
    public var enabled = true
    /// The input stream of dispatch events.
    public var stream = VigilConfiguration.Stream(name: "VIGIL_DISPATCH", subjects: ["dispatch.events.>"], maxAge: 7 * 86_400,
                                                  maxBytes: 1 << 30, maxMessageSize: 1 << 20, duplicateWindow: 120)
    /// Durable pull consumer shared by every instance.
    public var durableName = "vigil-dispatch"
    /// Messages per fetch.
    public var batchSize = 256
    /// Seconds a fetch waits for messages.
    public var fetchWait = 0.25
    /// Seconds before an unacknowledged message is redelivered.
    public var ackWait = 30.0
    /// Unacknowledged messages the consumer allows.
    public var maxAckPending = 20_000
    /// Seconds before a failed batch is redelivered.
    public var retryDelay = 1.0
    /// Seconds between timer-loop polls (warnings and breaches fire at most this late).
    public var timerInterval = 0.1
    /// Seconds a claimed timer is leased; unfinished claims fire again after it.
    public var timerLease = 30.0
    /// Timers claimed per poll.
    public var timerBatch = 256
    /// Seconds between dashboard snapshots on `snapshotSubject` (0 disables).
    public var snapshotInterval = 10.0
    /// Subject of the dashboard snapshots.
    public var snapshotSubject = "vigil.dashboard.snapshot"

    /// Creates the defaults.
    public init() {}
}

extension ConfigurationKeys {
    /// The keys of the SLA capability (`sla.*`).
    static let sla: [String: Setter] = [
        "sla.enabled": { c, v, k in c.sla.enabled = try ConfigValue.boolean(v, key: k) },
        "sla.stream.name": { c, v, _ in c.sla.stream.name = v },
        "sla.stream.subjects": { c, v, k in
            let subjects = v.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            guard !subjects.isEmpty else { throw ConfigurationError(key: k, "needs at least one subject") }
            c.sla.stream.subjects = subjects
        },
        "sla.stream.max_age": { c, v, k in c.sla.stream.maxAge = try ConfigValue.duration(v, key: k) },
        "sla.durable_name": { c, v, _ in c.sla.durableName = v },
        "sla.batch_size": { c, v, k in c.sla.batchSize = try ConfigValue.integer(v, key: k, in: 1...10_000) },
        "sla.fetch_wait": { c, v, k in c.sla.fetchWait = try ConfigValue.duration(v, key: k) },
        "sla.ack_wait": { c, v, k in c.sla.ackWait = try ConfigValue.duration(v, key: k) },
        "sla.max_ack_pending": { c, v, k in c.sla.maxAckPending = try ConfigValue.integer(v, key: k, in: 1...1_000_000) },
        "sla.retry_delay": { c, v, k in c.sla.retryDelay = try ConfigValue.duration(v, key: k) },
        "sla.timer_interval": { c, v, k in c.sla.timerInterval = try ConfigValue.duration(v, key: k) },
        "sla.timer_lease": { c, v, k in c.sla.timerLease = try ConfigValue.duration(v, key: k) },
        "sla.timer_batch": { c, v, k in c.sla.timerBatch = try ConfigValue.integer(v, key: k, in: 1...10_000) },
        "sla.snapshot_interval": { c, v, k in c.sla.snapshotInterval = try ConfigValue.duration(v, key: k) },
        "sla.snapshot_subject": { c, v, _ in c.sla.snapshotSubject = v },
    ]
}
