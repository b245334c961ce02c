import Foundation
public import VigilCore
import VigilPostgres

extension VigilTasks {
    /// Parses a contract file: YAML (or JSON) holding one contract or a list, each with the fields
    /// of ``FeatureContract``. Every contract is validated first and the file fails whole on the
    /// first error, naming the contract and the field. The text must keep ``YAMLLimits/applyFile``.
    public static func contracts(fromYAML text: String) throws(InputError) -> [FeatureContract] {
        let root: JSONValue
        do {
            root = try PolicyFile.jsonValue(yaml: text, limits: .applyFile)
        } catch let error as YAMLInputError {
            throw InputError(error.code == .tooLarge ? .tooLarge : .invalidValue, "the file \(error.message)")
        } catch {
            throw InputError(.malformedJSON, "the file is not valid YAML: \(String(describing: error).prefix(300))")
        }
        let items = root.arrayValue ?? [root]
        guard !items.isEmpty, root != .null else { throw InputError(.missingField, "the file holds no contracts") }
        var contracts: [FeatureContract] = []
        var seen: Set<String> = []
        for (index, item) in items.enumerated() {
            let label = item.objectValue?["feature_name"]?.stringValue ?? "#\(index + 1)"
            let contract: FeatureContract
            do {
                contract = try InputDecoder().decode(FeatureContract.self, from: try OutputEncoder().encode(item))
            } catch let error as InputError {
                throw InputError(error.code, field: error.field, "contract \(label): \(error.message)")
            } catch {
                throw InputError(.malformedJSON, "contract \(label): cannot be read")
            }
            guard seen.insert(contract.featureName).inserted else {
                throw InputError(.invalidValue, field: "feature_name", "contract \(label) appears more than once in the file")
            }
            contracts.append(contract)
        }
        return contracts
    }

    /// Applies a contract file in one transaction; the table's trigger reloads every running
    /// instance. Returns, per feature, whether it was new.
    public static func applyContracts(_ configuration: VigilConfiguration, yaml: String) throws -> [String: Bool] {
        let contracts = try contracts(fromYAML: yaml)
        return try withContractsDatabase(configuration) { try FeatureContractRepository().upsert(contracts, on: $0) }
    }

    /// Every stored contract, by feature name.
    public static func listContracts(_ configuration: VigilConfiguration) throws -> [FeatureContract] {
        try withContractsDatabase(configuration) { try FeatureContractRepository().list(on: $0) }
    }

    static func withContractsDatabase<T>(_ configuration: VigilConfiguration, _ body: (PostgresConnection) throws -> T) throws -> T {
        let connection = try PostgresConnection(configuration: try PostgresConfiguration(url: configuration.database.url))
        defer { connection.close() }
        return try body(connection)
    }
}
