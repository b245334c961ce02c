import Foundation
import Synchronization
import Logging
import VigilCore
import VigilNATS
import VigilPostgres
import VigilRedis

/// The server connections of one Vigil instance. NATS uses three connections, as NOTES.md
/// advises: fetching/acking, bulk publishing, and latency-sensitive request-reply (SendAsap).
struct Connections: Sendable {
    let consume: NATSConnection
    let publish: NATSConnection
    /// One fetch/ack connection and one publishing connection per decision worker beyond the first
    /// (the first uses `consume` and `publish`): workers share no cnats connection or JetStream context.
    let workerConnections: [(consume: NATSConnection, publish: NATSConnection)]
    let service: NATSConnection
    let jetStreamConsume: JetStream
    let redis: RedisClient
    let postgres: PostgresClient
    let postgresConfiguration: PostgresConfiguration
    /// Connections opened later for one component each (see ``dedicated(_:)``), closed with the rest.
    private let dedicatedConnections: DedicatedNATSConnections

    static func open(_ configuration: VigilConfiguration, logger: Logger) throws -> Connections {
        let pg = try named("database.url") { try configuration.database.postgresConfiguration(applicationName: configuration.instanceID) }
        if configuration.database.migrateOnStart {
            let directory = try Migrations.directory(configured: configuration.database.migrationsDirectory)
            _ = try named("database.url") { try Migrations.apply(configuration: pg, directory: directory, logger: logger) }
        }
        let postgres = PostgresClient(configuration: pg, logger: logger)

        let redisConfiguration = try named("redis.url") { try RedisConfiguration(url: configuration.redis.url) }
        let redis = try RedisClient(configuration: redisConfiguration, poolSize: configuration.redis.poolSize, logger: logger)
        try named("redis.url") { try redis.ping() }

        func nats(_ role: String, sendAsap: Bool = false) throws -> NATSConnection {
            let options = configuration.nats.connectionOptions(instanceID: configuration.instanceID, role: role, sendAsap: sendAsap)
            return try named("nats.url") { try NATSConnection(configuration: options, logger: logger) }
        }
        let consume = try nats("consume")
        let publish = try nats("publish")
        let workerConnections = try (1..<max(1, configuration.decisions.workers)).map { index in
            (consume: try nats("consume-\(index)"), publish: try nats("publish-\(index)"))
        }
        let service = try nats("service", sendAsap: true)
        let jetStream = try consume.jetStream()
        for stream in [configuration.streams.decisions, configuration.streams.events, configuration.streams.deadLetters] {
            try jetStream.ensureStream(stream.streamConfiguration)
        }
        try jetStream.ensureStream(configuration.streams.portfolioStreamConfiguration)
        for (stream, settings) in [(configuration.streams.decisions, configuration.decisions),
                                   (configuration.streams.portfolios, configuration.portfolioStates)] {
            var consumer = ConsumerConfiguration(durableName: settings.durableName)
            consumer.ackWait = .milliseconds(Int64(settings.ackWait * 1000))
            consumer.maxAckPending = settings.maxAckPending
            consumer.maxDeliver = -1
            try jetStream.ensureConsumer(stream: stream.name, consumer)
        }
        let natsSettings = configuration.nats, instanceID = configuration.instanceID
        let dedicated = DedicatedNATSConnections { role in
            let options = natsSettings.connectionOptions(instanceID: instanceID, role: role)
            return try named("nats.url") { try NATSConnection(configuration: options, logger: logger) }
        }
        return Connections(consume: consume, publish: publish, workerConnections: workerConnections, service: service,
                           jetStreamConsume: jetStream,
                           redis: redis, postgres: postgres, postgresConfiguration: pg, dedicatedConnections: dedicated)
    }

    var readinessChecks: [ReadinessCheck] {
        let connections = [consume, publish, service] + workerConnections.flatMap { [$0.consume, $0.publish] }
        let redis = self.redis, postgres = self.postgres
        return [
            ReadinessCheck(name: "nats") {
                guard connections.allSatisfy(\.isConnected) else { throw ReadinessError("not connected") }
            },
            ReadinessCheck(name: "redis") { try await redis.ping() },
            ReadinessCheck(name: "postgres") { _ = try await postgres.withConnection { try $0.query("SELECT 1") } },
        ]
    }

    func close() {
        // Subscriptions were drained by their service; the pull subscriptions need no drain (their
        // fetches ended with the workers), and a drain would wait out its timeout on them. Flushing
        // sends the last acks and publishes before the sockets close.
        for connection in [service, consume, publish] + workerConnections.flatMap({ [$0.consume, $0.publish] })
            + dedicatedConnections.all {
            try? connection.flush(timeout: .seconds(2))
            connection.close()
        }
        redis.close()
        postgres.close()
    }

    /// A NATS connection of its own for one component (a stream pipeline's fetching, or its
    /// asynchronous JetStream publishing). Components share no cnats connection or JetStream
    /// context with another thread. This was added against a heap-corruption abort, but the branch
    /// `heap` measurements (docs/performance.md) show that sharing was not its cause: the abort came
    /// back with dedicated connections, even with one worker, once `natsMsg_GetMetaData` was called
    /// for every message again. Kept because it costs little and isolates slow consumers.
    func dedicated(_ role: String) throws -> NATSConnection {
        try dedicatedConnections.open(role)
    }

    /// Prefixes an adapter's error with the configuration key it came from.
    private static func named<T>(_ key: String, _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch {
            throw StartupError(key: key, underlying: "\(error)")
        }
    }
}

/// Start-up failed while using the value of `key`.
struct StartupError: Error, CustomStringConvertible {
    var key: String
    var underlying: String
    var description: String { "cannot start: `\(key)`: \(underlying)" }
}

struct ReadinessError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// The connections handed out by ``Connections/dedicated(_:)``, kept so they are closed at shutdown.
final class DedicatedNATSConnections: Sendable {
    private let connect: @Sendable (String) throws -> NATSConnection
    private let opened = Mutex<[NATSConnection]>([])

    init(connect: @escaping @Sendable (String) throws -> NATSConnection) {
        self.connect = connect
    }

    func open(_ role: String) throws -> NATSConnection {
        let connection = try connect(role)
        opened.withLock { $0.append(connection) }
        return connection
    }

    var all: [NATSConnection] { opened.withLock { $0 } }
}

extension VigilConfiguration.Stream {
    /// The JetStream settings of this stream (limits retention, file storage).
    var streamConfiguration: StreamConfiguration {
        var configuration = StreamConfiguration(name: name, subjects: subjects)
        configuration.maxAge = .milliseconds(Int64(maxAge * 1000))
        configuration.maxBytes = maxBytes
        configuration.maxMessageSize = maxMessageSize
        configuration.duplicateWindow = .milliseconds(Int64(duplicateWindow * 1000))
        return configuration
    }
}

extension VigilConfiguration.Streams {
    /// The portfolio-state stream: only the newest snapshot per subject (portfolio) is kept, so a
    /// consumer starting late still finds every portfolio's latest state, and the stream stays small.
    var portfolioStreamConfiguration: StreamConfiguration {
        var configuration = portfolios.streamConfiguration
        configuration.maxMessagesPerSubject = 1
        return configuration
    }
}
