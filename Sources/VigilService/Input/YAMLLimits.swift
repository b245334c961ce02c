/// The bounds an operator-supplied YAML or JSON file must keep before Yams builds its tree.
///
/// Yams composes recursively, so a few thousand nested `[` overflow the stack; and it shares
/// aliased nodes, so a nine-line "billion laughs" file only explodes once Vigil walks the tree.
/// ``YAMLInput`` checks these bounds on libyaml's event stream, which needs neither recursion nor
/// expansion, and refuses the file before anything is composed or applied.
public struct YAMLLimits: Sendable, Equatable {
    /// Largest file accepted, in bytes.
    public var maxBytes: Int
    /// Deepest nesting of sequences and mappings accepted (the top-level collection is level 1),
    /// counted with aliases expanded.
    public var maxDepth: Int
    /// Most nodes (scalars, sequences and mappings, keys included) accepted once every alias is
    /// expanded: the size of the tree Vigil would walk.
    public var maxNodes: Int
    /// Most bytes of scalar text accepted once every alias is expanded: an alias of one large
    /// string counts as one node, but as all of its bytes here.
    public var maxExpandedBytes: Int
    /// Whether `*alias` references are accepted at all.
    public var allowsAliases: Bool

    /// Creates limits.
    public init(maxBytes: Int, maxDepth: Int, maxNodes: Int, maxExpandedBytes: Int, allowsAliases: Bool) {
        self.maxBytes = maxBytes
        self.maxDepth = maxDepth
        self.maxNodes = maxNodes
        self.maxExpandedBytes = maxExpandedBytes
        self.allowsAliases = allowsAliases
    }

    /// For `vigil policies apply`, `vigil contracts apply` and `vigil sla policies apply`:
    /// 4 MiB, 64 levels, 1,000,000 nodes and 64 MiB of scalar text; aliases allowed within those bounds.
    public static let applyFile = YAMLLimits(maxBytes: 4 << 20, maxDepth: 64, maxNodes: 1_000_000, maxExpandedBytes: 64 << 20,
                                             allowsAliases: true)

    /// For the configuration file (`--config`, `$VIGIL_CONFIG`): 1 MiB, 64 levels, 100,000 nodes,
    /// and no aliases (as docs/configuration.md promises).
    public static let configurationFile = YAMLLimits(maxBytes: 1 << 20, maxDepth: 64, maxNodes: 100_000, maxExpandedBytes: 1 << 20,
                                                     allowsAliases: false)
}
