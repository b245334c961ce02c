public import Foundation
import Yams

/// Builds a ``VigilConfiguration`` from defaults, a YAML file, `VIGIL_*` environment variables and
/// `key=value` overrides (flags), later sources winning. Every key has an environment variable:
/// `VIGIL_` + the dotted key upper-cased with `.` → `_` (e.g. `decisions.batch_size` →
/// `VIGIL_DECISIONS_BATCH_SIZE`); `VIGIL_ADMIN_TOKEN` is accepted for `http.admin_token`.
/// Unknown keys in the file or in overrides are errors that name the key.
public struct ConfigurationLoader: Sendable {
    /// Environment variables to read (the process environment by default).
    public var environment: [String: String]

    /// Creates a loader reading `environment`.
    public init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.environment = environment
    }

    /// Loads and validates the configuration.
    public func load(file: String?, overrides: [String: String] = [:]) throws(ConfigurationError) -> VigilConfiguration {
        var configuration = VigilConfiguration()
        if let file {
            let text: String
            do {
                text = try YAMLInput.read(file: file, limits: .configurationFile)
            } catch {
                throw ConfigurationError(key: "", "configuration file '\(file)' \(error.message)")
            }
            for (key, value) in try Self.flatten(yaml: text, file: file) {
                try apply(key: key, value: value, source: "\(file): \(key)", to: &configuration)
            }
        }
        for key in ConfigurationKeys.all.keys.sorted() {
            if let value = environment[Self.environmentName(of: key)] {
                try apply(key: key, value: value, source: Self.environmentName(of: key), to: &configuration)
            }
        }
        if let token = environment["VIGIL_ADMIN_TOKEN"], environment["VIGIL_HTTP_ADMIN_TOKEN"] == nil {
            configuration.http.adminToken = token
        }
        for (key, value) in overrides.sorted(by: { $0.key < $1.key }) {
            try apply(key: key, value: value, source: key, to: &configuration)
        }
        try configuration.validate()
        return configuration
    }

    /// The environment variable for a dotted key.
    public static func environmentName(of key: String) -> String {
        "VIGIL_" + key.uppercased().replacingOccurrences(of: ".", with: "_")
    }

    private func apply(key: String, value: String, source: String, to configuration: inout VigilConfiguration) throws(ConfigurationError) {
        guard let setter = ConfigurationKeys.all[key] else {
            let close = ConfigurationKeys.all.keys.filter { $0.hasPrefix(key.split(separator: ".").first.map(String.init) ?? "") }.sorted()
            throw ConfigurationError(key: source, "unknown key" + (close.isEmpty ? "" : "; keys in this section: \(close.joined(separator: ", "))"))
        }
        do {
            try setter(&configuration, value, source)
        } catch let error as ConfigurationError {
            throw error
        } catch {
            throw ConfigurationError(key: source, "\(error)")
        }
    }

    /// Flattens a YAML mapping into dotted keys; sequences of scalars become comma-separated values.
    /// The text must keep ``YAMLLimits/configurationFile`` (so no aliases); `file` names it in errors.
    static func flatten(yaml text: String, file: String) throws(ConfigurationError) -> [(String, String)] {
        let root: Node?
        do {
            root = try YAMLInput.compose(text, limits: .configurationFile)
        } catch let error as YAMLInputError {
            throw ConfigurationError(key: "", "configuration file '\(file)' \(error.message)")
        } catch {
            throw ConfigurationError(key: "", "configuration file '\(file)' is not valid YAML: \(String(describing: error).prefix(300))")
        }
        guard let root else { return [] }
        guard case .mapping(let mapping) = root else {
            throw ConfigurationError(key: "", "configuration file '\(file)' must be a mapping of keys to values")
        }
        var out: [(String, String)] = []
        try flatten(mapping, prefix: "", into: &out)
        return out
    }

    private static func flatten(_ mapping: Node.Mapping, prefix: String, into out: inout [(String, String)]) throws(ConfigurationError) {
        for (keyNode, value) in mapping {
            guard let name = keyNode.scalar?.string else { throw ConfigurationError(key: prefix, "keys must be plain strings") }
            let key = prefix.isEmpty ? name : "\(prefix).\(name)"
            switch value {
            case .scalar(let scalar):
                if scalar.string == "~" || scalar.string == "null" || (scalar.string.isEmpty && scalar.style == .plain) { continue }
                out.append((key, scalar.string))
            case .mapping(let nested):
                try flatten(nested, prefix: key, into: &out)
            case .sequence(let sequence):
                var items: [String] = []
                for item in sequence {
                    guard let scalar = item.scalar?.string else { throw ConfigurationError(key: key, "expected a list of plain values") }
                    items.append(scalar)
                }
                out.append((key, items.joined(separator: ",")))
            }
        }
    }
}
