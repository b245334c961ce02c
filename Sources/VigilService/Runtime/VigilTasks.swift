import Foundation
public import Logging
import VigilCore
import VigilPostgres

/// One-shot commands behind the CLI: migrations and the demo.
public enum VigilTasks {
    /// The version printed by `vigil version`.
    public static let version = "0.1.0"

    /// Applies pending migrations; returns the versions applied.
    public static func migrate(_ configuration: VigilConfiguration, logger: Logger) throws -> [Int] {
        let pg = try configuration.database.postgresConfiguration(applicationName: "vigil-migrate")
        let directory = try Migrations.directory(configured: configuration.database.migrationsDirectory)
        return try Migrations.apply(configuration: pg, directory: directory, logger: logger)
    }
}

extension VigilConfiguration {
    /// The configuration as `key = value` lines, with passwords and tokens replaced by `***`.
    public var redactedDescription: String {
        func redactURL(_ url: String) -> String {
            guard let at = url.lastIndex(of: "@"), let scheme = url.range(of: "://"), scheme.upperBound < at else { return url }
            let credentials = url[scheme.upperBound..<at]
            guard let colon = credentials.firstIndex(of: ":") else { return url }
            return String(url[..<url.index(after: colon)]) + "***" + String(url[at...])
        }
        let secret = { (value: String?) in value == nil ? "(unset)" : "***" }
        return """
            instance_id = \(instanceID)
            log_level = \(logLevel)
            nats.url = \(redactURL(nats.url))
            nats.user = \(nats.user ?? "(unset)")
            nats.password = \(secret(nats.password))
            nats.token = \(secret(nats.token))
            redis.url = \(redactURL(redis.url))
            database.url = \(redactURL(database.url))
            http.addr = \(http.address)
            http.admin_token = \(secret(http.adminToken))
            streams.decisions = \(streams.decisions.name) \(streams.decisions.subjects)
            streams.events = \(streams.events.name) \(streams.events.subjects)
            streams.dead_letters = \(streams.deadLetters.name) \(streams.deadLetters.subjects)
            streams.portfolios = \(streams.portfolios.name) \(streams.portfolios.subjects)
            decisions.durable_name = \(decisions.durableName)
            decisions.batch_size = \(decisions.batchSize)
            decisions.workers = \(decisions.workers)
            portfolio_states.durable_name = \(portfolioStates.durableName)
            validation.subject = \(validation.subject)
            limits.max_payload_bytes = \(limits.maxPayloadBytes)
            """
    }
}
