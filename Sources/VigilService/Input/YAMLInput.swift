import Foundation
import Yams

/// The one way Vigil reads an operator-supplied YAML or JSON file (policy, contract and SLA policy
/// files, the configuration file): read at most ``YAMLLimits/maxBytes``, check the shape against
/// the limits, and only then let Yams compose the tree.
public enum YAMLInput {
    /// The text of the file at `path`, refused when it is larger than `limits.maxBytes` (without
    /// reading more than one byte past the limit) or is not UTF-8.
    public static func read(file path: String, limits: YAMLLimits) throws(YAMLInputError) -> String {
        let data: Data
        do {
            let handle = try FileHandle(forReadingFrom: URL(fileURLWithPath: path))
            defer { try? handle.close() }
            data = try handle.read(upToCount: limits.maxBytes + 1) ?? Data()
        } catch {
            throw YAMLInputError(.unreadable, "cannot be read: \(error.localizedDescription)")
        }
        guard data.count <= limits.maxBytes else {
            throw YAMLInputError(.tooLarge, "is larger than the limit of \(limits.maxBytes) bytes")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw YAMLInputError(.notUTF8, "is not UTF-8 text")
        }
        return text
    }

    /// The YAML node of `text` (nil when it holds no document), after ``check(_:limits:)``.
    /// Errors: ``YAMLInputError`` for a broken limit, else Yams' syntax error.
    static func compose(_ text: String, limits: YAMLLimits) throws -> Node? {
        try check(text, limits: limits)
        return try Yams.compose(yaml: text)
    }
}
