/// A set of names (symbols, sectors, asset classes, countries) from a policy, built once at compile
/// time. Small sets — the usual case — are searched linearly: comparing a few short strings costs
/// less than hashing the one looked up, and rules look names up for every order of every decision.
struct NameSet: Sendable {
    private let small: [String]
    private let large: Set<String>?

    init(_ names: [String]) {
        let unique = Array(Set(names)).sorted()
        if unique.count <= 8 {
            small = unique
            large = nil
        } else {
            small = []
            large = Set(unique)
        }
    }

    var isEmpty: Bool { small.isEmpty && (large?.isEmpty ?? true) }

    /// The names, sorted, for descriptions.
    var sorted: [String] { large.map { $0.sorted() } ?? small }

    func contains(_ name: String) -> Bool {
        if let large { return large.contains(name) }
        for candidate in small where sameSymbol(candidate, name) { return true }
        return false
    }
}
