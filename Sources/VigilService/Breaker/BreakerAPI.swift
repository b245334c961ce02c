import Foundation
import Hummingbird
import NIOCore
import VigilCore
import VigilNATS

/// Admin routes of the breaker capability under `/api/v1` (bearer token): breakers, quarantine,
/// incidents and their reports. Actions publish their events before answering.
struct BreakerAPI: Sendable {
    let admin: EnforcementAdmin
    /// Publishes an action's events (JetStream in service; tests substitute a recorder).
    let publish: @Sendable ([OutboundEvent]) throws -> Void

    /// Routes over `admin`, publishing with JetStream.
    init(admin: EnforcementAdmin, publisher: JetStream) {
        self.init(admin: admin) { events in
            try publisher.publishBatch(events.map(OutboundMessage.init))
        }
    }

    /// Routes over `admin`, publishing with `publish`.
    init(admin: EnforcementAdmin, publish: @escaping @Sendable ([OutboundEvent]) throws -> Void) {
        self.admin = admin
        self.publish = publish
    }

    /// A note body for reset, half-open and release.
    struct NoteBody: Decodable {
        var note: String?
    }

    /// The answer to a breaker action.
    struct ActionReply: Encodable {
        var changed: Bool
        var breaker: BreakerStatus
        var transition: BreakerTransition?
    }

    func register(on api: RouterGroup<BasicRequestContext>, api vigil: VigilAPI) {
        api.get("breakers") { request, _ in
            try vigil.admin.authorize(request)
            return APIResponse.json(.ok, ["breakers": try await blocking { try admin.controller.store.all() }])
        }
        api.post("breakers/:scope/reset") { request, context in
            try await breakerAction(request, context, vigil) { try admin.reset(scope: $0, note: $1) }
        }
        api.post("breakers/:scope/half-open") { request, context in
            try await breakerAction(request, context, vigil) { try admin.halfOpen(scope: $0, note: $1) }
        }
        api.get("quarantine") { request, _ in
            try vigil.admin.authorize(request)
            let features = try await blocking { try admin.controller.store.quarantined() }
            return APIResponse.json(.ok, ["features": features.keys.sorted().map { ["feature": $0, "reason": features[$0] ?? ""] }])
        }
        api.post("quarantine/:feature/release") { request, context in
            try vigil.admin.authorize(request)
            let feature = try Self.parameter(context, "feature")
            let note = try await Self.note(request, vigil)
            guard let events = try await blocking({ try admin.release(feature: feature, note: note) }) else {
                throw APIError(.notFound, code: "not_quarantined", field: "feature", "feature '\(feature)' is not quarantined")
            }
            try await send(events)
            return APIResponse.json(.ok, ["feature": feature, "released": "true"])
        }
        api.get("incidents") { request, _ in
            try vigil.admin.authorize(request)
            let status = request.uri.queryParameters.get("status")
            guard status == nil || status == "open" || status == "resolved" else {
                throw APIError.badParameter("status", "must be open or resolved")
            }
            let limit = Int(request.uri.queryParameters.get("limit") ?? "100") ?? 0
            guard (1...1000).contains(limit) else { throw APIError.badParameter("limit", "must be an integer from 1 to 1000") }
            let incidents = try await vigil.withDatabase { try IncidentQueries().list(status: status, limit: limit, on: $0) }
            return APIResponse.json(.ok, ["incidents": incidents])
        }
        api.get("incidents/:id") { request, context in
            try vigil.admin.authorize(request)
            return APIResponse.json(.ok, try await incident(try Self.parameter(context, "id"), vigil))
        }
        api.get("incidents/:id/report") { request, context in
            try vigil.admin.authorize(request)
            let markdown = IncidentReport.markdown(try await incident(try Self.parameter(context, "id"), vigil))
            return Response(status: .ok, headers: [.contentType: "text/markdown; charset=utf-8"],
                            body: ResponseBody(byteBuffer: ByteBuffer(string: markdown)))
        }
    }

    private func incident(_ id: String, _ vigil: VigilAPI) async throws -> IncidentDetail {
        guard let detail = try await vigil.withDatabase({ try IncidentQueries().detail(id, on: $0) }) else {
            throw APIError(.notFound, code: "not_found", field: "id", "no incident '\(id)'")
        }
        return detail
    }

    private func breakerAction(_ request: Request, _ context: BasicRequestContext, _ vigil: VigilAPI,
                               _ action: @escaping @Sendable (String, String) throws -> EnforcementAdmin.Result) async throws -> Response {
        try vigil.admin.authorize(request)
        let scope = try Self.parameter(context, "scope")
        let note = try await Self.note(request, vigil)
        let result = try await blocking { try action(scope, note) }
        try await send(result.events)
        let status = try await blocking { try admin.controller.store.status(scope) }
        return APIResponse.json(.ok, ActionReply(changed: result.transition != nil, breaker: status, transition: result.transition))
    }

    private func send(_ events: [OutboundEvent]) async throws {
        guard !events.isEmpty else { return }
        let publish = self.publish
        try await blocking { try publish(events) }
    }

    private func blocking<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        do {
            return try await onDedicatedThread("vigil-http-breaker", body)
        } catch let error as APIError {
            throw error
        } catch {
            throw APIError.unavailable("the breaker state")
        }
    }

    static func note(_ request: Request, _ vigil: VigilAPI) async throws -> String {
        let data = try await vigil.body(request)
        guard let body = try? JSONDecoder().decode(NoteBody.self, from: data), let note = body.note?.trimmingCharacters(in: .whitespaces),
              !note.isEmpty, note.count <= 2000 else {
            throw APIError(.badRequest, code: "invalid_value", field: "note", "a JSON body with a non-empty `note` (≤ 2000 characters) is required")
        }
        return note
    }

    static func parameter(_ context: BasicRequestContext, _ name: String) throws(APIError) -> String {
        try PathParameter.value(context, name, maxLength: 300)
    }
}
