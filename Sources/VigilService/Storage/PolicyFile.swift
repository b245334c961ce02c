import Foundation
public import VigilCore
import Yams

/// A policy file for `vigil policies apply`: YAML (or JSON, which is YAML) holding one policy
/// or a list of them, each with the fields of ``PolicyDocument``.
public enum PolicyFile {
    /// Parses and compiles every policy in `text`. The first invalid one fails the whole file,
    /// with an error naming the policy and the key, so a file is applied whole or not at all.
    /// The text must keep ``YAMLLimits/applyFile``.
    public static func documents(fromYAML text: String) throws(PolicyError) -> [PolicyDocument] {
        let root: JSONValue
        do {
            guard let node = try YAMLInput.compose(text, limits: .applyFile) else {
                throw PolicyError(policyName: "(file)", field: "", "is empty")
            }
            root = try jsonValue(node)
        } catch let error as PolicyError {
            throw error
        } catch let error as YAMLInputError {
            throw PolicyError(policyName: "(file)", field: "", error.message)
        } catch {
            throw PolicyError(policyName: "(file)", field: "", "is not valid YAML: \(String(describing: error).prefix(300))")
        }
        let items = root.arrayValue ?? [root]
        guard !items.isEmpty else { throw PolicyError(policyName: "(file)", field: "", "holds no policies") }
        var documents: [PolicyDocument] = []
        var seen: Set<String> = []
        for (index, item) in items.enumerated() {
            let document: PolicyDocument
            do {
                document = try PolicyDocument.parse(item)
                try document.check()
            } catch {
                var error = error
                if error.policyName == "?" { error.policyName = "#\(index + 1)" }
                throw error
            }
            guard seen.insert(document.definition.policyName).inserted else {
                throw PolicyError(policyName: document.definition.policyName, field: "policy_name", "appears more than once in the file")
            }
            documents.append(document)
        }
        return documents
    }

    /// Converts YAML to JSON values by the scalars' resolved tags, so `"10"` stays a string and
    /// `10` is a number.
    static func jsonValue(_ node: Node) throws -> JSONValue {
        switch node {
        case .scalar(let scalar):
            // Tag.name is not public in Yams 5; the description is the resolved tag's name.
            switch node.tag.description {
            case Tag.Name.null.rawValue: return .null
            case Tag.Name.bool.rawValue: return node.bool.map(JSONValue.bool) ?? .string(scalar.string)
            case Tag.Name.int.rawValue, Tag.Name.float.rawValue:
                guard let number = node.float ?? node.int.map(Double.init) else { return .string(scalar.string) }
                return .number(number)
            default: return .string(scalar.string)
            }
        case .sequence(let sequence):
            return .array(try sequence.map(jsonValue))
        case .mapping(let mapping):
            var object: [String: JSONValue] = [:]
            for (key, value) in mapping {
                guard let name = key.string else { throw PolicyError(policyName: "(file)", field: "", "mapping keys must be strings") }
                object[name] = try jsonValue(value)
            }
            return .object(object)
        }
    }
}

extension PolicyFile {
    /// Any YAML document as a JSON value (used to read `schemas/openapi.yaml` too), refused with a
    /// ``YAMLInputError`` when it breaks `limits`.
    static func jsonValue(yaml text: String, limits: YAMLLimits = .applyFile) throws -> JSONValue {
        guard let node = try YAMLInput.compose(text, limits: limits) else { return .null }
        return try jsonValue(node)
    }
}
