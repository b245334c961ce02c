import Foundation
import Logging
import VigilCore
import VigilNATS
import VigilPostgres

/// NATS request-reply administration of alerts on `vigil.admin.alerts.<operation>` (queue group
/// shared by the instances). Operations and bodies mirror the REST API: `list`, `get` `{id}`,
/// `ack` / `resolve` `{id, user, note}`, `policies.list`, `policies.put` (a policy with `name`),
/// `policies.delete` `{name}`, `suppressions.list`, `suppressions.add`, `suppressions.expire` `{id}`.
/// Errors are the JSON error body with a `Vigil-Error` header (`invalid_request`, `not_found`,
/// `invalid_transition`, `unavailable`). Who may send here is NATS's permissions' business.
struct AlertAdminResponder: Sendable {
    let database: PostgresClient
    let routes: AlertRoutes
    let logger: Logger
    /// `vigil.admin.alerts` unless changed (tests use their own).
    var subjectPrefix = "vigil.admin.alerts"

    func subscribe(on connection: NATSConnection, queue: String) throws -> NATSSubscription {
        try connection.subscribe(subject: "\(subjectPrefix).>", queue: queue) { message in
            guard message.reply != nil else { return }
            let operation = String(message.subject.dropFirst(subjectPrefix.count + 1))
            let (body, error) = reply(operation: operation, payload: Data(message.payload))
            var headers = NATSHeaders()
            if let error { headers["Vigil-Error"] = error }
            do {
                try connection.respond(to: message, payload: Array(body), headers: headers)
            } catch {
                logger.warning("could not answer alert admin request", metadata: ["error": "\(error)"])
            }
        }
    }

    /// The answer to one request: the body and, on failure, the error code.
    func reply(operation: String, payload: Data) -> (Data, String?) {
        let encoder = OutputEncoder()
        func failure(_ code: String, _ field: String?, _ message: String) -> (Data, String?) {
            var reply = ErrorReply(code: code, message: message)
            reply.error.field = field
            return ((try? encoder.encode(reply)) ?? Data(), code)
        }
        do {
            guard let body = try answer(operation, payload.isEmpty ? Data("{}".utf8) : payload) else {
                return failure("not_found", nil, "nothing found for \(operation)")
            }
            return (body, nil)
        } catch let error as AlertRequestError {
            return failure("invalid_request", error.field, error.message)
        } catch let error as AlertingError {
            return failure("invalid_transition", error.field, error.message)
        } catch {
            logger.warning("alert admin request failed", metadata: ["operation": "\(operation)", "error": "\(error)"])
            return failure("unavailable", nil, "the alert stores are unavailable; retry")
        }
    }

    private func answer(_ operation: String, _ payload: Data) throws -> Data? {
        let encoder = OutputEncoder()
        let object = (try? JSONDecoder().decode([String: JSONValue].self, from: payload)) ?? [:]
        func text(_ key: String) throws -> String {
            guard case .string(let value)? = object[key], !value.isEmpty else { throw AlertRequestError(field: key, message: "is required") }
            return value
        }
        let administration = AlertAdministration()
        let responder = routes.responder
        switch operation {
        case "list":
            var filter = AlertAdministration.AlertFilter()
            if case .string(let value)? = object["status"] { filter.status = AlertStatus(rawValue: value) }
            if case .string(let value)? = object["severity"] { filter.severity = Severity(text: value) }
            if case .string(let value)? = object["source"] { filter.source = value }
            if case .number(let value)? = object["limit"] { filter.limit = Int(value) }
            let chosen = filter
            return try encoder.encode(["alerts": try database.withConnection { try administration.alerts(on: $0, filter: chosen) }])
        case "get":
            let id = try text("id")
            return try database.withConnection { connection -> Data? in
                guard let alert = try PostgresAlertStore(connection: connection).alert(id: id) else { return nil }
                return try encoder.encode(AlertDetail(alert: alert, transitions: try administration.transitions(of: id, on: connection)))
            }
        case "ack", "resolve":
            let id = try text("id")
            let (user, note) = try refusing { () throws(AlertingError) in try AlertRequests.action(payload) }
            let alert = try database.withConnection {
                try responder.act(operation == "ack" ? .acknowledge : .resolve, id: id, user: user, note: note, on: $0, publish: routes.publish)
            }
            return try alert.map { try encoder.encode($0) }
        case "policies.list":
            return try encoder.encode(try database.withConnection { try administration.policies(on: $0) })
        case "policies.put":
            let name = try text("name")
            let policy = try refusing { () throws(AlertingError) in try AlertRequests.policy(payload, name: name) }
            try database.withConnection { try administration.put(policy, on: $0) }
            return try encoder.encode(policy)
        case "policies.delete":
            let name = try text("name")
            return try database.withConnection { try administration.deletePolicy(named: name, on: $0) } ? Data("{}".utf8) : nil
        case "suppressions.list":
            return try encoder.encode(try database.withConnection { try administration.suppressions(on: $0, activeAt: nil) })
        case "suppressions.add":
            let window = try refusing { () throws(AlertingError) in
                try AlertRequests.suppression(payload, id: UUID().uuidString.lowercased(), now: responder.clock.now())
            }
            try database.withConnection { try administration.add(window, on: $0) }
            return try encoder.encode(window)
        case "suppressions.expire":
            let id = try text("id")
            return try database.withConnection { try responder.expire(suppression: id, on: $0) }.map { try encoder.encode($0) }
        default:
            throw AlertRequestError(field: "subject", message: "unknown operation '\(operation.prefix(60))'")
        }
    }

    private func refusing<T>(_ body: () throws(AlertingError) -> T) throws(AlertRequestError) -> T {
        do {
            return try body()
        } catch {
            throw AlertRequestError(field: error.field, message: error.message)
        }
    }
}

/// A request the admin responder refuses before touching the stores.
struct AlertRequestError: Error {
    var field: String
    var message: String
}
