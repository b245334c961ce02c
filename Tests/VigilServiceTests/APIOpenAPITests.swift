import Foundation
import Testing
import VigilCore
@testable import VigilService

/// Every (method, route, status) documented in `schemas/openapi.yaml` is produced by the running
/// server, no undocumented one is, and every JSON body matches its documented schema.
@Suite("OpenAPI document matches the served API", .serialized)
struct APIOpenAPITests {
    typealias Scenario = (key: String, run: @Sendable (Servers) async throws -> APITestServer.Reply)

    struct Servers: Sendable {
        var ok: APITestServer
        var noAdmin: APITestServer
        var broken: APITestServer
    }

    static func loadDocument() throws -> APISchemaChecker {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("schemas/openapi.yaml")
        return APISchemaChecker(document: try PolicyFile.jsonValue(yaml: try String(contentsOf: url, encoding: .utf8)))
    }

    static func scenarios(name: String) -> [Scenario] {
        let token = APITestServer.adminToken
        // Scoped to a portfolio nobody uses, so concurrent end-to-end tests on the same database never see it.
        let policyObject: [String: Any] = ["policy_type": "POSITION_LIMIT", "rules": ["max_position_weight": 0.1], "description": "openapi test",
                                           "portfolio_ids": [name]]
        let badPolicyObject: [String: Any] = ["policy_type": "POSITION_LIMIT", "rules": ["max_wieght": 0.1]]
        let huge = Data(repeating: UInt8(ascii: " "), count: 100 * 1024)
        let requestObject = APIFixtures.request(decisionID: "\(name)-d1")
        var negativeObject = requestObject
        negativeObject["decision"] = (requestObject["decision"] as? [String: Any]).map { decision in
            var decision = decision
            decision["orders"] = [["symbol": "AAPL", "side": "BUY", "quantity": -5, "price": 10]]
            return decision
        }
        let path = "/api/v1/policies/\(name)"
        // Bodies as Data, which is Sendable, for the scenario closures.
        func data(_ object: Any) -> Data { (try? JSONSerialization.data(withJSONObject: object)) ?? Data() }
        let (request, negative, policy, badPolicy) = (data(requestObject), data(negativeObject), data(policyObject), data(badPolicyObject))
        let stateless = data(APIFixtures.request(decisionID: "x", withState: false))
        let core: [Scenario] = [
            ("GET /healthz 200", { try await $0.ok.send("GET", "/healthz") }),
            ("GET /readyz 200", { try await $0.ok.send("GET", "/readyz") }),
            ("GET /readyz 503", { try await $0.broken.send("GET", "/readyz") }),
            ("GET /metrics 200", { try await $0.ok.send("GET", "/metrics") }),
            ("POST /api/v1/validate 200", { try await $0.ok.send("POST", "/api/v1/validate", body: request) }),
            ("POST /api/v1/validate 400", { try await $0.ok.send("POST", "/api/v1/validate", body: negative) }),
            ("POST /api/v1/validate 413", { try await $0.ok.send("POST", "/api/v1/validate", body: huge) }),
            ("POST /api/v1/validate 503", {
                try await $0.broken.send("POST", "/api/v1/validate", body: stateless)
            }),
            ("PUT /api/v1/policies/{name} 201", { try await $0.ok.send("PUT", path, body: policy, token: token) }),
            ("PUT /api/v1/policies/{name} 200", { try await $0.ok.send("PUT", path, body: policy, token: token) }),
            ("PUT /api/v1/policies/{name} 400", { try await $0.ok.send("PUT", path, body: badPolicy, token: token) }),
            ("PUT /api/v1/policies/{name} 401", { try await $0.ok.send("PUT", path, body: policy, token: "wrong") }),
            ("PUT /api/v1/policies/{name} 403", { try await $0.noAdmin.send("PUT", path, body: policy, token: token) }),
            ("PUT /api/v1/policies/{name} 413", { try await $0.ok.send("PUT", path, body: huge, token: token) }),
            ("PUT /api/v1/policies/{name} 503", { try await $0.broken.send("PUT", path, body: policy, token: token) }),
            ("GET /api/v1/policies 200", { try await $0.ok.send("GET", "/api/v1/policies") }),
            ("GET /api/v1/policies 503", { try await $0.broken.send("GET", "/api/v1/policies") }),
            ("GET /api/v1/policies/{name} 200", { try await $0.ok.send("GET", path) }),
            ("GET /api/v1/policies/{name} 503", { try await $0.broken.send("GET", path) }),
            ("DELETE /api/v1/policies/{name} 401", { try await $0.ok.send("DELETE", path) }),
            ("DELETE /api/v1/policies/{name} 403", { try await $0.noAdmin.send("DELETE", path, token: token) }),
            ("DELETE /api/v1/policies/{name} 503", { try await $0.broken.send("DELETE", path, token: token) }),
            ("DELETE /api/v1/policies/{name} 204", { try await $0.ok.send("DELETE", path, token: token) }),
            ("DELETE /api/v1/policies/{name} 404", { try await $0.ok.send("DELETE", path, token: token) }),
            ("GET /api/v1/policies/{name} 404", { try await $0.ok.send("GET", path) }),
            ("GET /api/v1/violations 200", { try await $0.ok.send("GET", "/api/v1/violations?limit=5") }),
            ("GET /api/v1/violations 400", { try await $0.ok.send("GET", "/api/v1/violations?limit=0") }),
            ("GET /api/v1/violations 503", { try await $0.broken.send("GET", "/api/v1/violations") }),
            ("GET /api/v1/dashboard 200", { try await $0.ok.send("GET", "/api/v1/dashboard") }),
            ("GET /api/v1/dashboard 503", { try await $0.broken.send("GET", "/api/v1/dashboard") }),
            ("GET /api/v1/dashboard/regions 200", { try await $0.ok.send("GET", "/api/v1/dashboard/regions") }),
            ("GET /api/v1/dashboard/regions 503", { try await $0.broken.send("GET", "/api/v1/dashboard/regions") }),
        ]
        return core + pitScenarios(name: name) + breakerScenarios(name: name) + alertScenarios(name: name) + slaPolicyScenarios()
    }

    @Test("every documented route and status is served, with bodies matching the schemas")
    func servedAsDocumented() async throws {
        let checker = try Self.loadDocument()
        let name = APITestServer.unique("openapi")
        let scenarios = Self.scenarios(name: name)
        #expect(Set(scenarios.map(\.key)) == checker.documentedResponses,
                "scenarios and openapi.yaml disagree on which (method, path, status) exist")
        try await APITestServer.with { ok in
            try await APITestServer.with(adminToken: nil) { noAdmin in
                try await APITestServer.with(broken: true) { broken in
                    let servers = Servers(ok: ok, noAdmin: noAdmin, broken: broken)
                    for scenario in scenarios {
                        let parts = scenario.key.split(separator: " ").map(String.init)
                        let (method, path, status) = (parts[0], parts[1], Int(parts[2]) ?? 0)
                        let reply = try await scenario.run(servers)
                        #expect(reply.status == status, "\(scenario.key): got \(reply.status) \(reply.text.prefix(300))")
                        guard let documented = checker.response(method, path, status) else {
                            Issue.record("\(scenario.key) is not documented")
                            continue
                        }
                        guard let content = documented["content"]?.objectValue else {
                            #expect(reply.body.isEmpty, "\(scenario.key): documented without a body")
                            continue
                        }
                        if let schema = content["application/json"]?.objectValue?["schema"] {
                            #expect(reply.contentType?.hasPrefix("application/json") == true, "\(scenario.key): content type \(reply.contentType ?? "none")")
                            let value = try JSONDecoder().decode(JSONValue.self, from: reply.body)
                            let problems = checker.errors(value, schema)
                            #expect(problems.isEmpty, "\(scenario.key): \(problems.joined(separator: "; "))")
                        } else {
                            let documentedType = content.keys.sorted().first ?? "text/plain"
                            #expect(reply.contentType?.hasPrefix(documentedType) == true, "\(scenario.key): content type \(reply.contentType ?? "none")")
                        }
                    }
                }
            }
        }
    }

    @Test("the checker rejects a body that breaks the schema, so the conformance test can fail")
    func checkerCatchesMismatch() throws {
        let checker = try Self.loadDocument()
        let schema = JSONValue.object(["$ref": .string("#/components/schemas/PolicyValidationResponse")])
        let wrong = JSONValue.object(["decision_id": .number(1), "is_compliant": .bool(true), "violations": .array([]),
                                      "compliance_score": .number(1), "extra": .null])
        let problems = checker.errors(wrong, schema)
        #expect(problems.contains { $0.contains("decision_id") })
        #expect(problems.contains { $0.contains("recommendations") })
        #expect(problems.contains { $0.contains("extra") })
    }
}
