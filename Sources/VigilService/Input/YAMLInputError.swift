/// A YAML or JSON file refused before it was parsed: what was wrong, the limit, and where.
/// The message never quotes the file's content, so it is safe to log.
public struct YAMLInputError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What kind of problem it is.
    public enum Code: String, Sendable {
        /// The file could not be read.
        case unreadable
        /// The file is not UTF-8 text.
        case notUTF8
        /// The file is larger than ``YAMLLimits/maxBytes``.
        case tooLarge
        /// Collections nest deeper than ``YAMLLimits/maxDepth``.
        case tooDeep
        /// More nodes than ``YAMLLimits/maxNodes`` once aliases are expanded.
        case tooManyNodes
        /// An alias where ``YAMLLimits/allowsAliases`` is false.
        case aliasRefused
        /// A mapping gives the same key twice (YAML would silently keep the last).
        case duplicateKey
        /// A scalar holds U+0000, which no PostgreSQL text column can store.
        case nulCharacter
    }

    /// What kind of problem it is.
    public var code: Code
    /// What is wrong, naming the limit and, when known, the line and column (1-based).
    public var message: String

    /// Creates an error.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}
