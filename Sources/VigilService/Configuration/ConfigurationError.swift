/// A configuration value that cannot be used, naming the key (`consumer.batch_size`) or variable.
public struct ConfigurationError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The key, dotted for file keys, or the environment variable name.
    public var key: String
    /// What is wrong.
    public var message: String

    /// Creates an error.
    public init(key: String, _ message: String) {
        self.key = key
        self.message = message
    }

    public var description: String { key.isEmpty ? "configuration: \(message)" : "configuration: `\(key)`: \(message)" }
}
