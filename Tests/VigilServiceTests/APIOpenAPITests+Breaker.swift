import Foundation
import VigilPostgres
import VigilCore
@testable import VigilService

extension APIOpenAPITests {
    /// The breaker, quarantine and incident routes.
    static func breakerScenarios(name: String) -> [Scenario] {
        let token = APITestServer.adminToken
        let note = Data(#"{"note":"root cause fixed"}"#.utf8)
        let feature = "feature-\(name)"
        @Sendable func incident(_ server: APITestServer) async throws -> String {
            try await server.database.withConnection { connection in
                try connection.transaction { connection in
                    try IncidentLedger().open(IncidentLedger.Cause(
                        kind: "quarantine", target: feature, ref: "v-\(name)", severity: .high, detail: "openapi test",
                        detectedAt: Date(), occurredAt: Date().addingTimeInterval(-5)), on: connection)
                }
            }
        }
        return [
            ("GET /api/v1/breakers 200", { try await $0.ok.send("GET", "/api/v1/breakers", token: token) }),
            ("GET /api/v1/breakers 401", { try await $0.ok.send("GET", "/api/v1/breakers") }),
            ("GET /api/v1/breakers 403", { try await $0.noAdmin.send("GET", "/api/v1/breakers", token: token) }),
            ("POST /api/v1/breakers/{scope}/reset 200", { servers in
                _ = try BreakerController(machine: BreakerStateMachine(), store: servers.ok.breakers)
                    .apply(.trip(reason: "test", severity: .critical, count: 1, window: 0, cause: "v", at: Date()), scope: "portfolio:\(name)")
                return try await servers.ok.send("POST", "/api/v1/breakers/portfolio:\(name)/reset", body: note, token: token)
            }),
            ("POST /api/v1/breakers/{scope}/reset 400", { try await $0.ok.send("POST", "/api/v1/breakers/global/reset", body: Data("{}".utf8), token: token) }),
            ("POST /api/v1/breakers/{scope}/reset 401", { try await $0.ok.send("POST", "/api/v1/breakers/global/reset", body: note) }),
            ("POST /api/v1/breakers/{scope}/half-open 200", { try await $0.ok.send("POST", "/api/v1/breakers/global/half-open", body: note, token: token) }),
            ("GET /api/v1/quarantine 200", { try await $0.ok.send("GET", "/api/v1/quarantine", token: token) }),
            ("POST /api/v1/quarantine/{feature}/release 404", {
                try await $0.ok.send("POST", "/api/v1/quarantine/none-\(name)/release", body: note, token: token)
            }),
            ("POST /api/v1/quarantine/{feature}/release 200", { servers in
                _ = try servers.ok.breakers.quarantine(feature: feature, reason: "test", cause: "v-\(name)")
                _ = try await incident(servers.ok)
                return try await servers.ok.send("POST", "/api/v1/quarantine/\(feature)/release", body: note, token: token)
            }),
            ("GET /api/v1/incidents 200", { try await $0.ok.send("GET", "/api/v1/incidents?status=resolved&limit=5", token: token) }),
            ("GET /api/v1/incidents 400", { try await $0.ok.send("GET", "/api/v1/incidents?status=maybe", token: token) }),
            ("GET /api/v1/incidents 503", { try await $0.broken.send("GET", "/api/v1/incidents", token: token) }),
            ("GET /api/v1/incidents/{id} 200", { servers in
                try await servers.ok.send("GET", "/api/v1/incidents/\(try await incident(servers.ok))", token: token)
            }),
            ("GET /api/v1/incidents/{id} 404", { try await $0.ok.send("GET", "/api/v1/incidents/PIT-1999-999", token: token) }),
            ("GET /api/v1/incidents/{id}/report 200", { servers in
                try await servers.ok.send("GET", "/api/v1/incidents/\(try await incident(servers.ok))/report", token: token)
            }),
            ("GET /api/v1/incidents/{id}/report 404", { try await $0.ok.send("GET", "/api/v1/incidents/PIT-1999-999/report", token: token) }),
        ]
    }
}
