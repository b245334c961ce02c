import Foundation
import Logging
public import VigilCore
import VigilNATS
import VigilPostgres
import VigilRedis

extension VigilTasks {
    /// Alerts matching `filter` (the CLI's `vigil alerts list`).
    public static func listAlerts(_ configuration: VigilConfiguration, filter: AlertAdministration.AlertFilter) throws -> [Alert] {
        try withAlertDatabase(configuration) { try AlertAdministration().alerts(on: $0, filter: filter) }
    }

    /// Acknowledges or resolves alert `id` as `user`, recording the audit line, updating the Redis
    /// timer and publishing the event on JetStream, as a running instance would; nil when unknown.
    public static func actOnAlert(_ configuration: VigilConfiguration, _ action: AlertAction, id: String, user: String,
                                  note: String) throws -> Alert? {
        let redis = try RedisClient(configuration: try RedisConfiguration(url: configuration.redis.url), poolSize: 1, logger: quietCLILogger)
        defer { redis.close() }
        let nats = try NATSConnection(configuration: configuration.nats.connectionOptions(instanceID: configuration.instanceID, role: "cli", sendAsap: true),
                                      logger: quietCLILogger)
        defer { nats.close() }
        let jetStream = try nats.jetStream()
        let responder = AlertResponder(
            lifecycle: AlertLifecycle(eventSource: configuration.eventSource, lease: configuration.alerts.claimLease),
            timers: RedisEscalationTimers(client: redis, keyPrefix: configuration.redis.keyPrefix), notifier: SilentNotifier(),
            clock: SystemClock())
        return try withAlertDatabase(configuration) { connection in
            try responder.act(action, id: id, user: user, note: note, on: connection) { events in
                try jetStream.publishBatch(events.map(OutboundMessage.init))
            }
        }
    }

    /// Every suppression window, newest first.
    public static func listSuppressions(_ configuration: VigilConfiguration) throws -> [Suppression] {
        try withAlertDatabase(configuration) { try AlertAdministration().suppressions(on: $0, activeAt: nil) }
    }

    /// Creates a window from CLI matchers (`name=value`, `name!=value`, `name=~re`, `name!~re`)
    /// lasting `seconds` from now; an invalid matcher is refused naming it.
    public static func addSuppression(_ configuration: VigilConfiguration, matchers: [String], seconds: Double, createdBy: String,
                                      comment: String) throws -> Suppression {
        var parsed: [AlertMatcher] = []
        for (index, text) in matchers.enumerated() {
            do {
                parsed.append(try AlertMatcher(parsing: text))
            } catch {
                throw AlertingError(field: "matcher \(index + 1) '\(text.prefix(80))'", error.message)
            }
        }
        let now = Date()
        let window = Suppression(id: UUID().uuidString.lowercased(), matchers: parsed, startsAt: now,
                                 endsAt: now.addingTimeInterval(seconds), createdBy: createdBy, comment: comment, createdAt: now)
        try withAlertDatabase(configuration) { try AlertAdministration().add(window, on: $0) }
        return window
    }

    /// Ends window `id` now and brings the re-check of the alerts it held forward, so a running
    /// instance's escalation loop releases them within its interval; nil when unknown.
    public static func expireSuppression(_ configuration: VigilConfiguration, id: String) throws -> Suppression? {
        let redis = try RedisClient(configuration: try RedisConfiguration(url: configuration.redis.url), poolSize: 1, logger: quietCLILogger)
        defer { redis.close() }
        let responder = AlertResponder(
            lifecycle: AlertLifecycle(eventSource: configuration.eventSource, lease: configuration.alerts.claimLease),
            timers: RedisEscalationTimers(client: redis, keyPrefix: configuration.redis.keyPrefix), notifier: SilentNotifier(),
            clock: SystemClock())
        return try withAlertDatabase(configuration) { try responder.expire(suppression: id, on: $0) }
    }

    private static let quietCLILogger: Logger = {
        var logger = Logger(label: "vigil.cli")
        logger.logLevel = .warning
        return logger
    }()

    private static func withAlertDatabase<T>(_ configuration: VigilConfiguration, _ body: (PostgresConnection) throws -> T) throws -> T {
        let connection = try PostgresConnection(configuration: try PostgresConfiguration(url: configuration.database.url))
        defer { connection.close() }
        return try body(connection)
    }
}
