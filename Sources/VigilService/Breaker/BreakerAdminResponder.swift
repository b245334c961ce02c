import Foundation
import Logging
import VigilCore
import VigilNATS
import VigilPostgres

/// NATS request-reply admin on `<prefix>.>` (default `vigil.admin`), the same actions as the REST
/// admin routes, with the admin token in the `Vigil-Admin-Token` header:
/// `breakers.list`, `breakers.reset` / `breakers.half_open` (`{"scope","note"}`), `quarantine.list`,
/// `quarantine.release` (`{"feature","note"}`), `incidents.list`, `incidents.get` / `incidents.report`
/// (`{"id"}`; the report is Markdown). Failures carry `Vigil-Error` and the JSON error body.
struct BreakerAdminResponder {
    let connection: NATSConnection
    let admin: EnforcementAdmin
    let token: String?
    let prefix: String
    let publish: @Sendable ([OutboundEvent]) throws -> Void
    let logger: Logger
    private let encoder = OutputEncoder()

    init(connection: NATSConnection, admin: EnforcementAdmin, token: String?, prefix: String,
         publish: @escaping @Sendable ([OutboundEvent]) throws -> Void, logger: Logger) {
        self.connection = connection
        self.admin = admin
        self.token = token
        self.prefix = prefix
        self.publish = publish
        self.logger = logger
    }

    struct Request: Decodable {
        var scope: String?
        var feature: String?
        var id: String?
        var note: String?
        var status: String?
    }

    struct Failure: Error {
        var code: String
        var field: String? = nil
        var message: String
    }

    func subscribe(queue: String) throws -> NATSSubscription {
        try connection.subscribe(subject: "\(prefix).>", queue: queue) { [self] message in respond(to: message) }
    }

    private func respond(to message: NATSMessage) {
        guard message.reply != nil else { return }
        var headers = NATSHeaders()
        let body: Data
        do {
            body = try answer(action: String(message.subject.dropFirst(prefix.count + 1)), headers: message.headers,
                              payload: Data(message.payload))
        } catch {
            let failure: Failure
            switch error {
            case let known as Failure:
                failure = known
            case let postgres as PostgresError where postgres.isDataRejection:
                let refused = APIError.refusedValue(postgres).reply.error
                failure = Failure(code: refused.code, message: refused.message)
            default:
                logger.warning("admin request failed", metadata: ["error": "\(error)"])
                failure = Failure(code: "unavailable", message: "the admin action could not complete; retry")
            }
            headers["Vigil-Error"] = failure.code
            var reply = ErrorReply(code: failure.code, message: failure.message)
            reply.error.field = failure.field
            body = (try? OutputEncoder().encode(reply)) ?? Data()
        }
        try? connection.respond(to: message, payload: Array(body), headers: headers)
    }

    func answer(action: String, headers: NATSHeaders, payload: Data) throws -> Data {
        guard let token else { throw Failure(code: "admin_disabled", message: "admin is disabled: set http.admin_token") }
        guard let given = headers["Vigil-Admin-Token"], AdminToken.equalInConstantTime(Array(given.utf8), Array(token.utf8)) else {
            throw Failure(code: "unauthorized", message: "a valid Vigil-Admin-Token header is required")
        }
        let request = payload.isEmpty ? Request() : try decode(payload)
        switch action {
        case "breakers.list":
            return try encoder.encode(["breakers": try admin.controller.store.all()])
        case "breakers.reset", "breakers.half_open":
            let scope = try required(request.scope, "scope"), note = try required(request.note, "note")
            let result = action == "breakers.reset" ? try admin.reset(scope: scope, note: note) : try admin.halfOpen(scope: scope, note: note)
            try publish(result.events)
            return try encoder.encode(BreakerAPI.ActionReply(changed: result.transition != nil, breaker: try admin.controller.store.status(scope),
                                                             transition: result.transition))
        case "quarantine.list":
            return try encoder.encode(["features": try admin.controller.store.quarantined()])
        case "quarantine.release":
            let feature = try required(request.feature, "feature"), note = try required(request.note, "note")
            guard let events = try admin.release(feature: feature, note: note) else {
                throw Failure(code: "not_quarantined", message: "feature '\(feature.prefix(100))' is not quarantined")
            }
            try publish(events)
            return try encoder.encode(["feature": feature, "released": "true"])
        case "incidents.list":
            let incidents = try admin.database.withConnection { try IncidentQueries().list(status: request.status, limit: 100, on: $0) }
            return try encoder.encode(["incidents": incidents])
        case "incidents.get", "incidents.report":
            let id = try required(request.id, "id")
            guard let detail = try admin.database.withConnection({ try IncidentQueries().detail(id, on: $0) }) else {
                throw Failure(code: "not_found", message: "no incident '\(id.prefix(40))'")
            }
            return action == "incidents.get" ? try encoder.encode(detail) : Data(IncidentReport.markdown(detail).utf8)
        default:
            throw Failure(code: "unknown_action", message: "unknown admin action '\(action.prefix(60))'")
        }
    }

    private func decode(_ payload: Data) throws -> Request {
        if let problem = JSONStructureCheck.firstProblem(in: payload) {
            throw Failure(code: problem.code.rawValue, field: problem.field.isEmpty ? nil : problem.field, message: problem.message)
        }
        do {
            return try JSONDecoder().decode(Request.self, from: payload)
        } catch let error as DecodingError {
            let input = InputDecoder.inputError(from: error)
            guard !input.field.isEmpty else {
                throw Failure(code: "malformed_json", message: "the request body must be a JSON object")
            }
            throw Failure(code: input.code.rawValue, field: input.field, message: input.message)
        } catch {
            throw Failure(code: "malformed_json", message: "the request body must be a JSON object")
        }
    }

    private func required(_ value: String?, _ field: String) throws -> String {
        guard let value, !value.trimmingCharacters(in: .whitespaces).isEmpty, value.count <= 2000 else {
            throw Failure(code: "invalid_value", field: field, message: "is required (1 to 2000 characters)")
        }
        return value
    }
}
