import Foundation
import VigilCore
import VigilPostgres

extension VigilTasks {
    /// Applies an SLA policy file (see ``SLAPolicyInput/policies(fromYAML:)``): every entry is
    /// validated first and the file is rejected whole on the first error, naming the severity and
    /// field; then all are upserted in one statement, whose NOTIFY trigger reloads every running
    /// instance. Returns the stored policies of the severities in the file, most urgent first.
    public static func applySLAPolicies(_ configuration: VigilConfiguration, yaml: String) throws -> [SLAPolicyView] {
        let policies = try SLAPolicyInput.policies(fromYAML: yaml)
        let stored = try withPostgres(configuration) { connection in
            try SLAPolicyRepository().upsert(policies, on: connection)
            return try SLAPolicyRepository().load(on: connection)
        }
        return SLAPolicyView.all(stored).filter { view in policies.contains { $0.severity.rawValue == view.severity } }
    }

    /// Every severity's policy in force (stored row, else the default), most urgent first.
    public static func listSLAPolicies(_ configuration: VigilConfiguration) throws -> [SLAPolicyView] {
        SLAPolicyView.all(try withPostgres(configuration) { try SLAPolicyRepository().load(on: $0) })
    }

    private static func withPostgres<T>(_ configuration: VigilConfiguration, _ body: (PostgresConnection) throws -> T) throws -> T {
        let connection = try PostgresConnection(configuration: try PostgresConfiguration(url: configuration.database.url))
        defer { connection.close() }
        return try body(connection)
    }
}
