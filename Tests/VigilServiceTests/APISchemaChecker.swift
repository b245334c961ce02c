import Foundation
import VigilCore

/// A minimal JSON Schema checker for the subset `schemas/openapi.yaml` uses: `$ref`, `type`,
/// `nullable`, `required`, `properties`, `additionalProperties`, `items`, `enum`, `format: date-time`.
struct APISchemaChecker {
    let document: JSONValue

    /// Follows a local `$ref` (`#/components/...`).
    func resolve(_ value: JSONValue) -> JSONValue {
        guard let ref = value.objectValue?["$ref"]?.stringValue, ref.hasPrefix("#/") else { return value }
        var node = document
        for part in ref.dropFirst(2).split(separator: "/") { node = node.objectValue?[String(part)] ?? .null }
        return resolve(node)
    }

    /// Every way `value` breaks `schema`, as `path: problem` lines; empty when it conforms.
    func errors(_ value: JSONValue, _ schemaValue: JSONValue, at path: String = "$") -> [String] {
        guard let schema = resolve(schemaValue).objectValue else { return ["\(path): schema is not an object"] }
        if value == .null {
            return schema["nullable"] == .bool(true) || schema["type"] == nil ? [] : ["\(path): null but not nullable"]
        }
        var problems: [String] = []
        if let allowed = schema["enum"]?.arrayValue, !allowed.contains(value) {
            problems.append("\(path): \(value) not in enum")
        }
        switch schema["type"]?.stringValue {
        case "object":
            guard let object = value.objectValue else { return problems + ["\(path): expected object"] }
            let properties = schema["properties"]?.objectValue ?? [:]
            for key in schema["required"]?.arrayValue?.compactMap(\.stringValue) ?? [] where object[key] == nil {
                problems.append("\(path): missing required '\(key)'")
            }
            for (key, member) in object {
                if let property = properties[key] {
                    problems += errors(member, property, at: "\(path).\(key)")
                } else if schema["additionalProperties"] == .bool(false) {
                    problems.append("\(path): undocumented property '\(key)'")
                } else if let additional = schema["additionalProperties"], additional.objectValue != nil {
                    problems += errors(member, additional, at: "\(path).\(key)")
                }
            }
        case "array":
            guard let items = value.arrayValue else { return problems + ["\(path): expected array"] }
            if let itemSchema = schema["items"] {
                for (index, item) in items.enumerated() { problems += errors(item, itemSchema, at: "\(path)[\(index)]") }
            }
        case "string":
            guard let text = value.stringValue else { return problems + ["\(path): expected string"] }
            if schema["format"]?.stringValue == "date-time", RFC3339.parse(text) == nil {
                problems.append("\(path): '\(text)' is not an RFC 3339 date-time")
            }
        case "number":
            if value.numberValue == nil { problems.append("\(path): expected number") }
        case "integer":
            if value.numberValue.map({ $0.rounded() != $0 }) ?? true { problems.append("\(path): expected integer") }
        case "boolean":
            if case .bool = value {} else { problems.append("\(path): expected boolean") }
        default:
            break
        }
        return problems
    }

    /// `(method, path, status)` for every documented response.
    var documentedResponses: Set<String> {
        var out: Set<String> = []
        for (path, item) in document.objectValue?["paths"]?.objectValue ?? [:] {
            for method in ["get", "put", "post", "delete"] {
                for status in (item.objectValue?[method]?.objectValue?["responses"]?.objectValue ?? [:]).keys {
                    out.insert("\(method.uppercased()) \(path) \(status)")
                }
            }
        }
        return out
    }

    /// The response object documented for a triple (after `$ref`).
    func response(_ method: String, _ path: String, _ status: Int) -> [String: JSONValue]? {
        let operation = document.objectValue?["paths"]?.objectValue?[path]?.objectValue?[method.lowercased()]
        guard let response = operation?.objectValue?["responses"]?.objectValue?[String(status)] else { return nil }
        return resolve(response).objectValue
    }
}
