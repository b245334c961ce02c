import Foundation
public import VigilCore

/// Parses the bodies of alert administration requests (REST and NATS admin alike), with errors
/// that name the field.
public enum AlertRequests {
    /// `{"user": "...", "note": "..."}` for acknowledge and resolve.
    public static func action(_ data: Data) throws(AlertingError) -> (user: String, note: String) {
        let object = try self.object(data)
        guard case .string(let user)? = object["user"], !user.isEmpty, user.count <= 200 else {
            throw AlertingError(field: "user", "is required: 1 to 200 characters")
        }
        let note: String
        switch object["note"] {
        case nil, .null?: note = ""
        case .string(let text)?: note = text
        default: throw AlertingError(field: "note", "must be a string")
        }
        return (user, note)
    }

    /// A suppression window: `matchers` (`[{name, op, value}]`), `ends_at`, optional `starts_at`
    /// (default now), `created_by`, `comment`. Each invalid regular expression is named by index.
    public static func suppression(_ data: Data, id: String, now: Date) throws(AlertingError) -> Suppression {
        let object = try self.object(data)
        guard case .array(let items)? = object["matchers"] else { throw AlertingError(field: "matchers", "must be an array of {name, op, value}") }
        var matchers: [AlertMatcher] = []
        for (index, item) in items.enumerated() {
            guard case .object(let fields) = item, case .string(let name)? = fields["name"], case .string(let opText)? = fields["op"],
                  case .string(let value)? = fields["value"] else {
                throw AlertingError(field: "matchers[\(index)]", "must be {\"name\": string, \"op\": \"=\"|\"!=\"|\"=~\"|\"!~\", \"value\": string}")
            }
            guard let op = MatchOperator(rawValue: opText) else { throw AlertingError(field: "matchers[\(index)].op", "must be =, !=, =~ or !~") }
            do {
                matchers.append(try AlertMatcher(name: name, op: op, value: value))
            } catch {
                throw AlertingError(field: "matchers[\(index)].\(error.field)", error.message)
            }
        }
        let startsAt = try time(object, "starts_at") ?? now
        guard let endsAt = try time(object, "ends_at") else { throw AlertingError(field: "ends_at", "is required (RFC 3339 with a zone)") }
        guard case .string(let creator)? = object["created_by"] else { throw AlertingError(field: "created_by", "is required") }
        var comment = ""
        if case .string(let text)? = object["comment"] { comment = text }
        let suppression = Suppression(id: id, matchers: matchers, startsAt: startsAt, endsAt: endsAt, createdBy: creator,
                                      comment: comment, createdAt: now)
        try suppression.validate()
        return suppression
    }

    /// An escalation policy named `name` (the path wins over a `name` in the body).
    public static func policy(_ data: Data, name: String) throws(AlertingError) -> EscalationPolicy {
        var object = try self.object(data)
        object["name"] = .string(name)
        let policy: EscalationPolicy
        do {
            policy = try JSONDecoder().decode(EscalationPolicy.self, from: try JSONEncoder().encode(JSONValue.object(object)))
        } catch let error as DecodingError {
            throw AlertingError(field: Self.path(of: error), "is missing or has the wrong type")
        } catch {
            throw AlertingError(field: "body", "cannot be read as an escalation policy")
        }
        try policy.validate()
        return policy
    }

    private static func object(_ data: Data) throws(AlertingError) -> [String: JSONValue] {
        guard let value = try? JSONDecoder().decode(JSONValue.self, from: data), case .object(let object) = value else {
            throw AlertingError(field: "body", "must be a JSON object")
        }
        return object
    }

    private static func time(_ object: [String: JSONValue], _ key: String) throws(AlertingError) -> Date? {
        guard let value = object[key], value != .null else { return nil }
        guard case .string(let text) = value, let date = RFC3339.parse(text) else {
            throw AlertingError(field: key, "must be \(RFC3339.expectation)")
        }
        return date
    }

    private static func path(of error: DecodingError) -> String {
        let context: DecodingError.Context? = switch error {
        case .keyNotFound(let key, let context): DecodingError.Context(codingPath: context.codingPath + [key], debugDescription: "")
        case .typeMismatch(_, let context), .valueNotFound(_, let context), .dataCorrupted(let context): context
        @unknown default: nil
        }
        let parts = context?.codingPath.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" } ?? []
        let joined = parts.joined()
        return joined.hasPrefix(".") ? String(joined.dropFirst()) : (joined.isEmpty ? "body" : joined)
    }
}
