import Foundation
import Logging
import VigilCore
import VigilNATS
import VigilPostgres

extension VigilTasks {
    /// Applies a policy file: every policy is compiled first and the file is rejected whole on
    /// the first error (naming the policy and key); then all are upserted in one transaction, and
    /// the table's NOTIFY trigger reloads every running instance. Returns, per name, whether it was new.
    public static func applyPolicies(_ configuration: VigilConfiguration, yaml: String) throws -> [String: Bool] {
        let documents = try PolicyFile.documents(fromYAML: yaml)
        return try withDatabase(configuration) { try PolicyRepository().upsert(documents, on: $0) }
    }

    /// Every stored policy, rejected ones included (with their error).
    public static func listPolicies(_ configuration: VigilConfiguration) throws -> [StoredPolicy] {
        try withDatabase(configuration) { try PolicyRepository().list(on: $0) }
    }

    /// Deletes a policy; returns whether it existed.
    public static func deletePolicy(_ configuration: VigilConfiguration, name: String) throws -> Bool {
        try withDatabase(configuration) { try PolicyRepository().delete(name, on: $0) }
    }

    /// What a running Vigil answered on `vigil.validate`.
    public struct ValidationAnswer: Sendable {
        /// The reply body: a PolicyValidationResponse, or the JSON error body.
        public var body: Data
        /// The `Vigil-Error` code when Vigil refused the request, else nil.
        public var errorCode: String?
        /// The decoded response when there is one.
        public var response: PolicyValidationResponse?
    }

    /// Sends one PolicyValidationRequest over NATS request-reply and waits up to `timeout` seconds.
    public static func validateOverNATS(_ configuration: VigilConfiguration, payload: Data, timeout: Double) throws -> ValidationAnswer {
        var options = NATSConfiguration(url: configuration.nats.url)
        options.name = "\(configuration.instanceID)-cli"
        options.user = configuration.nats.user
        options.password = configuration.nats.password
        options.token = configuration.nats.token
        options.credentialsFile = configuration.nats.credentialsFile
        options.maxReconnect = 0
        // A one-shot command: connection chatter at info level would drown the printed answer.
        var logger = Logger(label: "vigil.cli")
        logger.logLevel = .warning
        let connection = try NATSConnection(configuration: options, logger: logger)
        defer { connection.close() }
        let reply = try connection.request(subject: configuration.validation.subject, payload: Array(payload),
                                           timeout: .milliseconds(Int64(max(0.001, timeout) * 1000)))
        let body = Data(reply.payload)
        let errorCode = reply.headers["Vigil-Error"]
        let response = errorCode == nil ? try? JSONDecoder().decode(PolicyValidationResponse.self, from: body) : nil
        return ValidationAnswer(body: body, errorCode: errorCode, response: response)
    }

    private static func withDatabase<T>(_ configuration: VigilConfiguration, _ body: (PostgresConnection) throws -> T) throws -> T {
        let connection = try PostgresConnection(configuration: try PostgresConfiguration(url: configuration.database.url))
        defer { connection.close() }
        return try body(connection)
    }
}
