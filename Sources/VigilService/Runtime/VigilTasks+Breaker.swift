import Foundation
import Logging
public import VigilCore
import VigilNATS
import VigilPostgres
import VigilRedis

extension VigilTasks {
    /// The Markdown report of incident `id` (seed 002's template); nil when unknown.
    public static func incidentReport(_ configuration: VigilConfiguration, id: String) throws -> String? {
        let connection = try PostgresConnection(configuration: try PostgresConfiguration(url: configuration.database.url))
        defer { connection.close() }
        return try IncidentQueries().detail(id, on: connection).map(IncidentReport.markdown)
    }

    /// Every breaker written in Redis.
    public static func listBreakers(_ configuration: VigilConfiguration) throws -> [BreakerStatus] {
        try withEnforcement(configuration, publish: false) { admin, _ in try admin.controller.store.all() }
    }

    /// Closes `scope`'s breaker with `note` (resolving its incident causes) and publishes the events;
    /// returns the transition, nil when it was already closed.
    public static func resetBreaker(_ configuration: VigilConfiguration, scope: String, note: String) throws -> BreakerTransition? {
        try withEnforcement(configuration, publish: true) { admin, publish in
            let result = try admin.reset(scope: scope, note: note)
            try publish(result.events)
            return result.transition
        }
    }

    /// Quarantined features → reason.
    public static func listQuarantine(_ configuration: VigilConfiguration) throws -> [String: String] {
        try withEnforcement(configuration, publish: false) { admin, _ in try admin.controller.store.quarantined() }
    }

    /// Releases `feature` with `note` and publishes the event; false when it was not quarantined.
    public static func releaseFeature(_ configuration: VigilConfiguration, feature: String, note: String) throws -> Bool {
        try withEnforcement(configuration, publish: true) { admin, publish in
            guard let events = try admin.release(feature: feature, note: note) else { return false }
            try publish(events)
            return true
        }
    }

    private static func withEnforcement<T>(_ configuration: VigilConfiguration, publish: Bool,
                                           _ body: (EnforcementAdmin, ([OutboundEvent]) throws -> Void) throws -> T) throws -> T {
        var logger = Logger(label: "vigil.cli")
        logger.logLevel = .warning
        let redis = try RedisClient(configuration: try RedisConfiguration(url: configuration.redis.url), poolSize: 1, logger: logger)
        defer { redis.close() }
        let database = PostgresClient(configuration: try PostgresConfiguration(url: configuration.database.url), logger: logger)
        defer { database.close() }
        let store = RedisBreakerStore(client: redis, keyPrefix: configuration.redis.keyPrefix)
        let admin = EnforcementAdmin(controller: BreakerController(machine: configuration.breaker.policy.machine, store: store),
                                     database: database, clock: SystemClock(), events: EnforcementEvents(source: configuration.eventSource))
        guard publish else { return try body(admin) { _ in } }
        var options = NATSConfiguration(url: configuration.nats.url)
        options.name = "\(configuration.instanceID)-cli"
        options.user = configuration.nats.user
        options.password = configuration.nats.password
        options.token = configuration.nats.token
        options.credentialsFile = configuration.nats.credentialsFile
        options.maxReconnect = 0
        let connection = try NATSConnection(configuration: options, logger: logger)
        defer { connection.close() }
        let jetStream = try connection.jetStream()
        return try body(admin) { events in
            try jetStream.publishBatch(events.map(OutboundMessage.init))
        }
    }
}
