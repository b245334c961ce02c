import Foundation
import Hummingbird
import VigilCore
import VigilPostgres
import VigilRedis

/// What the alert routes need: the responder and how events reach NATS.
struct AlertRoutes: Sendable {
    let responder: AlertResponder
    let publish: @Sendable ([OutboundEvent]) throws -> Void
}

extension VigilAPI {
    func registerAlerts(_ routes: AlertRoutes, on api: RouterGroup<BasicRequestContext>) {
        api.get("alerts") { request, _ in try await listAlerts(request) }
        api.get("alerts/:id") { _, context in try await getAlert(try Self.pathValue(context, "id")) }
        api.post("alerts/:id/ack") { request, context in try await act(.acknowledge, try Self.pathValue(context, "id"), request, routes) }
        api.post("alerts/:id/resolve") { request, context in try await act(.resolve, try Self.pathValue(context, "id"), request, routes) }
        api.get("escalation-policies") { _, _ in APIResponse.json(.ok, try await alertCall { try AlertAdministration().policies(on: $0) }) }
        api.get("escalation-policies/:name") { _, context in try await getEscalationPolicy(try Self.pathValue(context, "name")) }
        api.put("escalation-policies/:name") { request, context in try await putEscalationPolicy(try Self.pathValue(context, "name"), request) }
        api.delete("escalation-policies/:name") { request, context in
            try admin.authorize(request)
            let name = try Self.pathValue(context, "name")
            guard try await alertCall({ try AlertAdministration().deletePolicy(named: name, on: $0) }) else { throw Self.missing("escalation policy", name) }
            return APIResponse.empty(.noContent)
        }
        api.get("suppressions") { _, _ in APIResponse.json(.ok, try await alertCall { try AlertAdministration().suppressions(on: $0, activeAt: nil) }) }
        api.post("suppressions") { request, _ in try await addSuppression(request, routes) }
        api.get("suppressions/:id") { _, context in
            let id = try Self.pathValue(context, "id")
            guard let window = try await alertCall({ try AlertAdministration().suppressions(on: $0, activeAt: nil).first { $0.id == id } }) else {
                throw Self.missing("suppression", id)
            }
            return APIResponse.json(.ok, window)
        }
        api.delete("suppressions/:id") { request, context in
            try admin.authorize(request)
            let id = try Self.pathValue(context, "id")
            guard let window = try await alertCall({ try routes.responder.expire(suppression: id, on: $0) }) else { throw Self.missing("suppression", id) }
            return APIResponse.json(.ok, window)
        }
    }

    /// GET /api/v1/alerts: filters `status`, `severity`, `source`, `limit` (1-1000).
    func listAlerts(_ request: Request) async throws -> Response {
        let query = request.uri.queryParameters
        var filter = AlertAdministration.AlertFilter()
        if let value = query.get("status") {
            guard let status = AlertStatus(rawValue: value) else {
                throw APIError.badParameter("status", "must be one of \(AlertStatus.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            filter.status = status
        }
        if let value = query.get("severity") {
            guard let severity = Severity(text: value) else { throw APIError.badParameter("severity", "must be one of CRITICAL, HIGH, MEDIUM, LOW") }
            filter.severity = severity
        }
        filter.source = query.get("source")
        if let value = query.get("limit") {
            guard let limit = Int(value), (1...1000).contains(limit) else { throw APIError.badParameter("limit", "must be an integer from 1 to 1000") }
            filter.limit = limit
        }
        let chosen = filter
        let alerts = try await alertCall { try AlertAdministration().alerts(on: $0, filter: chosen) }
        return APIResponse.json(.ok, ["alerts": alerts])
    }

    /// GET /api/v1/alerts/{id}: the alert and its audit trail.
    func getAlert(_ id: String) async throws -> Response {
        let found = try await alertCall { connection -> AlertDetail? in
            guard let alert = try PostgresAlertStore(connection: connection).alert(id: id) else { return nil }
            return AlertDetail(alert: alert, transitions: try AlertAdministration().transitions(of: id, on: connection))
        }
        guard let found else { throw Self.missing("alert", id) }
        return APIResponse.json(.ok, found)
    }

    func act(_ action: AlertAction, _ id: String, _ request: Request, _ routes: AlertRoutes) async throws -> Response {
        try admin.authorize(request)
        let data = try await body(request)
        let (user, note) = try Self.refusing { () throws(AlertingError) in try AlertRequests.action(data) }
        let alert = try await alertCall { try routes.responder.act(action, id: id, user: user, note: note, on: $0, publish: routes.publish) }
        guard let alert else { throw Self.missing("alert", id) }
        return APIResponse.json(.ok, alert)
    }

    func getEscalationPolicy(_ name: String) async throws -> Response {
        guard let policy = try await alertCall({ try AlertAdministration().policies(on: $0).first { $0.name == name } }) else {
            throw Self.missing("escalation policy", name)
        }
        return APIResponse.json(.ok, policy)
    }

    func putEscalationPolicy(_ name: String, _ request: Request) async throws -> Response {
        try admin.authorize(request)
        let data = try await body(request)
        let policy = try Self.refusing { () throws(AlertingError) in try AlertRequests.policy(data, name: name) }
        try await alertCall { try AlertAdministration().put(policy, on: $0) }
        return APIResponse.json(.ok, policy)
    }

    func addSuppression(_ request: Request, _ routes: AlertRoutes) async throws -> Response {
        try admin.authorize(request)
        let data = try await body(request)
        let now = routes.responder.clock.now()
        let window = try Self.refusing { () throws(AlertingError) in try AlertRequests.suppression(data, id: UUID().uuidString.lowercased(), now: now) }
        try await alertCall { try AlertAdministration().add(window, on: $0) }
        return APIResponse.json(.created, window)
    }

    /// Runs an alert call on the database queue: unknown transitions are 409, server failures 503.
    func alertCall<T: Sendable>(_ body: @escaping @Sendable (PostgresConnection) throws -> T) async throws -> T {
        do {
            return try await database.withConnection(body)
        } catch let error as AlertingError {
            throw APIError(.conflict, code: "invalid_transition", field: error.field, error.message)
        } catch let error as PostgresError where error.isDataRejection {
            throw APIError.refusedValue(error)
        } catch is PostgresError {
            throw APIError.unavailable("the alert database")
        } catch is RedisError {
            throw APIError.unavailable("the escalation timers (Redis)")
        }
    }

    static func refusing<T>(_ body: () throws(AlertingError) -> T) throws(APIError) -> T {
        do {
            return try body()
        } catch {
            throw APIError(.badRequest, code: "invalid_request", field: error.field, error.message)
        }
    }

    static func pathValue(_ context: BasicRequestContext, _ name: String) throws(APIError) -> String {
        try PathParameter.value(context, name, maxLength: 128)
    }

    static func missing(_ what: String, _ id: String) -> APIError {
        APIError(.notFound, code: "not_found", "no \(what) '\(id.prefix(128))'")
    }
}

/// The body of GET /api/v1/alerts/{id}.
struct AlertDetail: Sendable, Encodable {
    let alert: Alert
    let transitions: [AlertTransition]
}
