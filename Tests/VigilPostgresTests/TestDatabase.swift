import Foundation
import VigilPostgres

/// Reaches the PostgreSQL started by `scripts/stack.sh up`; a missing address fails the test.
enum TestDatabase {
    struct SetupError: Error, CustomStringConvertible {
        let description: String
    }

    static func configuration() throws -> PostgresConfiguration {
        guard let url = ProcessInfo.processInfo.environment["VIGIL_DATABASE_URL"], !url.isEmpty else {
            throw SetupError(description: "VIGIL_DATABASE_URL is not set: run scripts/test.sh or source .vigil/env")
        }
        return try PostgresConfiguration(url: url)
    }

    static func connect(_ adjust: (inout PostgresConfiguration) -> Void = { _ in }) throws -> PostgresConnection {
        var configuration = try configuration()
        adjust(&configuration)
        return try PostgresConnection(configuration: configuration)
    }

    /// A lower-case identifier unique to this run, so tests can run in parallel and be rerun.
    static func uniqueName(_ prefix: String) -> String {
        prefix + "_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(12)
    }

    /// A connection whose unqualified names resolve in a fresh schema.
    static func connectInFreshSchema() throws -> (PostgresConnection, String) {
        let connection = try connect()
        let schema = uniqueName("t")
        try connection.execute("CREATE SCHEMA \(schema)")
        try connection.execute("SET search_path TO \(schema)")
        return (connection, schema)
    }
}
